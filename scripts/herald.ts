/**
 * `npm run dev` / `npm start`: runs Herald. For every hosted engine whose env vars are absent it starts the
 * embedded stand-in first (docs/deploy.md) and hands its address to the Next.js process through the same env
 * vars the hosted engine would use, so the app runs one code path:
 *
 * | absent              | embedded stand-in                                   | env handed to Next            |
 * |---------------------|-----------------------------------------------------|-------------------------------|
 * | DATABASE_URL        | PGlite in $HERALD_DATA_DIR/pglite, wire protocol     | DATABASE_URL                  |
 * | PUSHER_APP_ID       | Pusher-protocol server (server/embedded/realtime)   | PUSHER_* (host/port)          |
 * | INNGEST_SIGNING_KEY | Inngest executor (server/embedded/jobs)             | INNGEST_BASE_URL, _EVENT_KEY, _SIGNING_KEY |
 * | NEXTAUTH_SECRET     | generated once, kept in $HERALD_DATA_DIR/secrets.json | NEXTAUTH_SECRET             |
 * | VAPID_PUBLIC_KEY    | VAPID key pair generated once (secrets.json); pushes also captured for /dev/pushes | VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, PUSH_CAPTURE=1 |
 * | S3_BUCKET           | uploaded images in $HERALD_DATA_DIR/uploads, served at /uploads | HERALD_UPLOADS_DIR |
 *
 * Migrations are applied at start. The demo data is seeded into an empty database in `dev`, and in
 * `start` when HERALD_SEED=true.
 *
 * Process roles (`HERALD_ROLE`, docs/deploy.md), for running the job executor apart from the web servers:
 * - `all` (default): everything above.
 * - `web`: the app only; the engines are given by env: DATABASE_URL, PUSHER_*, and INNGEST_EVENT_KEY +
 *   INNGEST_SIGNING_KEY (+ INNGEST_BASE_URL: a worker's event API, or self-hosted Inngest; none for Inngest
 *   Cloud). It never starts an embedded executor.
 * - `worker`: the embedded executor, always (INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY from env when set, so
 *   web instances can share them), with its event API on HERALD_JOBS_HOST (default 127.0.0.1) and the app
 *   on 127.0.0.1 only, serving the executor's calls to /api/inngest (the functions' code). Needs
 *   DATABASE_URL and PUSHER_* too.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startEmbeddedDatabase } from "../server/embedded/database";
import { EMBEDDED_BATCH_EVENTS, REALTIME_V8_FLAGS, type RealtimeServerOptions } from "../server/embedded/realtime/server";
import { createExecutor } from "../server/embedded/jobs/executor";
import { OffsetClock } from "../server/embedded/jobs/offset-clock";
import { migrate } from "../server/db/migrate";
import { seedDatabase } from "../prisma/seed";
import webpush from "web-push";
import { dataDir } from "./lib/database";
import { checkSecrets, secretsReport } from "../server/secrets-check.mjs";

const mode = process.argv[2];
if (mode !== "dev" && mode !== "start") {
  console.error("usage: tsx scripts/herald.ts dev|start");
  process.exit(2);
}
if (existsSync(".env")) process.loadEnvFile(".env");

// Signing secrets the operator set must be long and not placeholders (issue 12): `start` refuses to run,
// naming each variable; `dev` warns. Secrets left unset are generated below (and always pass).
{
  const weak = checkSecrets(process.env);
  if (weak.length && mode === "start") {
    console.error(`[herald] ${secretsReport(weak)}`);
    process.exit(1);
  }
  for (const w of weak) console.warn(`[herald] warning (dev): ${w.message}`);
}

const log = (msg: string) => console.log(`[herald] ${msg}`);

const role = process.env.HERALD_ROLE ?? "all";
if (role !== "all" && role !== "web" && role !== "worker") {
  console.error(`[herald] HERALD_ROLE must be all, web or worker (got ${JSON.stringify(role.slice(0, 40))})`);
  process.exit(1);
}
// Several processes share engines: a role other than `all` must be given them, never start its own.
if (role !== "all") {
  const needs = ["DATABASE_URL", "PUSHER_APP_ID", "PUSHER_KEY", "PUSHER_SECRET", ...(role === "web" ? ["INNGEST_EVENT_KEY", "INNGEST_SIGNING_KEY"] : [])];
  const missing = needs.filter((name) => !process.env[name]);
  if (missing.length) {
    console.error(`[herald] HERALD_ROLE=${role} shares its engines with other instances; set ${missing.join(", ")} (docs/deploy.md)`);
    process.exit(1);
  }
}

/** The environment variable `name` as a positive integer; anything else stops the start with its name. */
function positiveInt(name: string): number {
  const raw = process.env[name] ?? "";
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !(value > 0)) {
    console.error(`[herald] ${name} must be a positive whole number (got ${JSON.stringify(raw.slice(0, 40))})`);
    process.exit(1);
  }
  return value;
}

const port = Number(process.env.PORT ?? 3000);
const dir = dataDir();
mkdirSync(dir, { recursive: true });

interface Secrets {
  nextauthSecret: string;
  pusher: { id: string; key: string; secret: string };
  inngest: { eventKey: string; signingKey: string };
  /** Web push VAPID key pair, base64url (added to older secrets files on their next start). */
  vapid: { publicKey: string; privateKey: string };
}

/** Local secrets for the embedded mode, generated on first start (never committed: .data/ is ignored). */
function localSecrets(): Secrets {
  const file = path.join(dir, "secrets.json");
  if (existsSync(file)) {
    const s = JSON.parse(readFileSync(file, "utf8")) as Partial<Secrets> & Omit<Secrets, "vapid">;
    if (s.vapid) return s as Secrets;
    // A secrets file from before web push: add a key pair, keep everything else.
    const upgraded: Secrets = { ...s, vapid: webpush.generateVAPIDKeys() };
    writeFileSync(file, JSON.stringify(upgraded, null, 2), { mode: 0o600 });
    return upgraded;
  }
  const hex = (n: number) => randomBytes(n).toString("hex");
  const s: Secrets = {
    nextauthSecret: hex(32),
    pusher: { id: String(100000 + (randomBytes(3).readUIntBE(0, 3) % 900000)), key: hex(10), secret: hex(20) },
    inngest: { eventKey: hex(32), signingKey: `signkey-local-${hex(32)}` },
    vapid: webpush.generateVAPIDKeys(),
  };
  writeFileSync(file, JSON.stringify(s, null, 2), { mode: 0o600 });
  return s;
}

const secrets = localSecrets();
const childEnv: NodeJS.ProcessEnv = { ...process.env };
const stops: (() => Promise<void>)[] = [];
/** The Next.js process, once started. */
const app: { process?: ChildProcess } = {};
let stopping = false;
childEnv.APP_URL ??= `http://localhost:${port}`;
childEnv.NEXTAUTH_URL ??= childEnv.APP_URL;
childEnv.NEXTAUTH_SECRET ??= secrets.nextauthSecret;
// JSON request logs (server/services/log/logger.ts): every request in production, problems only in dev.
childEnv.LOG_LEVEL ??= mode === "dev" ? "warn" : "info";
// Uploaded images: with no bucket (S3_BUCKET), on disk beside the embedded data.
if (!childEnv.S3_BUCKET) childEnv.HERALD_UPLOADS_DIR ??= path.join(dir, "uploads");

// Web push: VAPID keys from env (production), else the generated pair, with every push also captured for
// /dev/pushes (server/services/push/index.ts).
if (!childEnv.VAPID_PUBLIC_KEY && !childEnv.VAPID_PRIVATE_KEY) {
  Object.assign(childEnv, { VAPID_PUBLIC_KEY: secrets.vapid.publicKey, VAPID_PRIVATE_KEY: secrets.vapid.privateKey });
  childEnv.PUSH_CAPTURE ??= "1";
  log("push: generated VAPID keys ($HERALD_DATA_DIR/secrets.json); pushes are captured at /dev/pushes and sent");
} else {
  log("push: VAPID_* env");
}

// Database
if (!childEnv.DATABASE_URL) {
  const db = await startEmbeddedDatabase({ dataDir: path.join(dir, "pglite"), port: Number(process.env.HERALD_DB_PORT ?? 0) });
  stops.push(() => db.stop());
  childEnv.DATABASE_URL = db.url;
  log(`database: embedded PGlite (${path.join(dir, "pglite")}) on ${db.url}`);
} else {
  log("database: DATABASE_URL");
}
const applied = await migrate(childEnv.DATABASE_URL);
if (applied.length) log(`applied migrations: ${applied.join(", ")}`);
if (mode === "dev" ? process.env.HERALD_SEED !== "false" : process.env.HERALD_SEED === "true") {
  if (await seedDatabase(childEnv.DATABASE_URL)) log("seeded the demo data (password for every demo account: herald-demo)");
  // The demo shows sign-up at /signup (issue 17); elsewhere it stays off unless HERALD_SIGNUP_ENABLED says so.
  childEnv.HERALD_SIGNUP_ENABLED ??= "true";
}

// Realtime
if (!childEnv.PUSHER_APP_ID) {
  // Batches of 100 events per HTTP request (Pusher allows 10): a large fan-out's signals leave at about
  // twice the rate; the publisher is told to match.
  // In a process of its own, with V8 tuned for many idle connections (REALTIME_V8_FLAGS).
  const options: RealtimeServerOptions = {
    port: Number(process.env.HERALD_REALTIME_PORT ?? 6001),
    apps: [secrets.pusher],
    maxBatchEvents: EMBEDDED_BATCH_EVENTS,
    ...(process.env.HERALD_METRICS_TOKEN ? { metricsToken: process.env.HERALD_METRICS_TOKEN } : {}),
  };
  const realtime = fork(path.join(import.meta.dirname, "realtime-process.ts"), [], {
    execArgv: [...process.execArgv, ...REALTIME_V8_FLAGS],
    env: { ...process.env, HERALD_REALTIME_CONFIG: JSON.stringify(options) },
  });
  const rt = await new Promise<{ port: number }>((resolve) => {
    realtime.once("message", (m: { port: number }) => resolve(m));
    realtime.once("exit", (code) => {
      console.error(`[herald] realtime: the embedded server stopped before listening (exit ${code})`);
      process.exit(1);
    });
  });
  realtime.removeAllListeners("exit");
  realtime.on("exit", (code) => {
    if (stopping) return;
    console.error(`[herald] realtime: the embedded server stopped (exit ${code})`);
    void shutdown(1, false);
  });
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        if (realtime.exitCode !== null) return resolve();
        realtime.once("exit", () => resolve());
        realtime.kill("SIGTERM");
      }),
  );
  Object.assign(childEnv, {
    PUSHER_APP_ID: secrets.pusher.id,
    PUSHER_KEY: secrets.pusher.key,
    PUSHER_SECRET: secrets.pusher.secret,
    PUSHER_HOST: "127.0.0.1",
    PUSHER_PORT: String(rt.port),
    PUSHER_USE_TLS: "false",
    PUSHER_BATCH_SIZE: String(EMBEDDED_BATCH_EVENTS),
  });
  log(`realtime: embedded Pusher-protocol server on ws://127.0.0.1:${rt.port}`);
} else {
  log("realtime: PUSHER_* env");
}

// Jobs
let executor: ReturnType<typeof createExecutor> | undefined;
let testClockUrl: string | undefined;
if (role === "worker" || (role === "all" && !childEnv.INNGEST_SIGNING_KEY)) {
  // A worker shares its keys with the web instances that send it events (env), else generated ones.
  const keys = { eventKey: childEnv.INNGEST_EVENT_KEY ?? secrets.inngest.eventKey, signingKey: childEnv.INNGEST_SIGNING_KEY ?? secrets.inngest.signingKey };
  // The embedded test mode only (the Playwright config sets HERALD_TEST_CLOCK=1): the executor's clock can be
  // moved forward through a control endpoint on loopback, so a browser test reaches "24 h before" at once.
  const testClock = process.env.HERALD_TEST_CLOCK === "1" ? new OffsetClock() : undefined;
  executor = createExecutor({
    ...(testClock ? { clock: testClock } : {}),
    databaseUrl: childEnv.DATABASE_URL,
    appUrl: `http://127.0.0.1:${port}/api/inngest`,
    signingKey: keys.signingKey,
    eventKey: keys.eventKey,
    log: (line) => log(`jobs: ${line}`),
    syncWaitMs: 300_000,
    // Inngest's free plan allows events of 256 KiB (the default); its paid plans 3 MiB.
    ...(process.env.HERALD_JOBS_MAX_EVENT_BYTES ? { maxEventBytes: positiveInt("HERALD_JOBS_MAX_EVENT_BYTES") } : {}),
    // Stable per host and port (two live processes cannot share both): a restart resumes its runs at once.
    instanceId: `${hostname()}:${port}`,
  });
  const jobsHost = process.env.HERALD_JOBS_HOST ?? "127.0.0.1";
  const api = await executor.listen(Number(process.env.HERALD_JOBS_PORT ?? 8288), jobsHost);
  stops.push(() => api.close());
  Object.assign(childEnv, {
    INNGEST_BASE_URL: `http://127.0.0.1:${api.port}`,
    INNGEST_EVENT_KEY: keys.eventKey,
    INNGEST_SIGNING_KEY: keys.signingKey,
  });
  log(`jobs: embedded Inngest executor, event API on http://${jobsHost}:${api.port}`);
  if (testClock) {
    const jobs = executor;
    const control = createServer((req, res) => {
      const ms = Number(new URL(req.url ?? "/", "http://x").searchParams.get("ms"));
      if (req.method !== "POST" || !new URL(req.url ?? "/", "http://x").pathname.startsWith("/advance") || !(ms >= 0)) {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "POST /advance?ms=<ms ≥ 0>" }));
        return;
      }
      testClock.advance(ms);
      void jobs.idle().then(
        () => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ now: new Date(testClock.now()).toISOString() })),
        (err: Error) => res.writeHead(500).end(err.message),
      );
    });
    await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
    stops.push(() => new Promise<void>((resolve) => control.close(() => resolve())));
    testClockUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
    log(`jobs: TEST CLOCK control on ${testClockUrl} (HERALD_TEST_CLOCK=1)`);
  }
} else {
  log(`jobs: INNGEST_* env (${childEnv.INNGEST_BASE_URL ? `event API ${childEnv.INNGEST_BASE_URL}` : "Inngest Cloud"})`);
}
log(`role: ${role}`);

// Where things are, for tools and tests (e.g. the Playwright suite reads the database URL from here).
writeFileSync(
  path.join(dir, "runtime.json"),
  JSON.stringify({ appUrl: childEnv.APP_URL, databaseUrl: childEnv.DATABASE_URL, pusherPort: childEnv.PUSHER_PORT, inngestBaseUrl: childEnv.INNGEST_BASE_URL, testClockUrl }, null, 2),
);

// The embeddable inbox's script (GET /embed.js): `npm run build` bundles it; `dev` rebuilds it when a
// source changed, `start` when it is missing (scripts/lib/embed-bundle.ts).
if (role !== "worker") {
  const { buildEmbed, embedBundleStale, EMBED_BUNDLE } = await import("./lib/embed-bundle");
  if (mode === "dev" ? embedBundleStale() : !existsSync(EMBED_BUNDLE)) {
    const built = await buildEmbed();
    log(`embed: built ${EMBED_BUNDLE} (${(built.bytes / 1024).toFixed(1)} KiB), served at /embed.js`);
  }
}

// The app
const nextBin = path.resolve("node_modules/next/dist/bin/next");
// A worker's app answers only its own executor's calls: loopback only.
const child: ChildProcess = spawn(process.execPath, [nextBin, mode, "-p", String(port), ...(role === "worker" ? ["-H", "127.0.0.1"] : [])], {
  env: { NEXT_TELEMETRY_DISABLED: "1", ...childEnv },
  stdio: "inherit",
});

/**
 * Stops Herald. On SIGTERM/SIGINT (graceful): the executor claims nothing more and gives the runs in flight
 * up to HERALD_SHUTDOWN_GRACE_MS (default 10 000 ms) to finish, then releases its leases (another instance
 * resumes those runs at once); then the app stops accepting connections and finishes the requests in
 * flight (Next.js's own SIGTERM handling; its outbox relay finishes its pass, instrumentation.ts); then the
 * embedded realtime server (clients get 4100 and reconnect) and database. When the app itself has exited,
 * the rest stops at once.
 */
async function shutdown(code: number, graceful: boolean) {
  if (stopping) return;
  stopping = true;
  const graceMs = graceful ? Number(process.env.HERALD_SHUTDOWN_GRACE_MS ?? 10_000) : 0;
  if (graceful) log(`stopping: jobs in flight get up to ${graceMs} ms, then the app finishes its requests`);
  await executor?.stop({ graceMs: Number.isFinite(graceMs) && graceMs > 0 ? graceMs : 0 }).catch(() => undefined);
  const next = app.process;
  if (next && next.exitCode === null && next.signalCode === null) {
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => next.kill("SIGKILL"), 30_000);
      next.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      next.kill("SIGTERM");
    });
  }
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0, true));
process.on("SIGTERM", () => void shutdown(0, true));
app.process = child;
child.on("exit", (code) => void shutdown(code ?? 0, false));

if (executor) {
  // Syncs with the app's serve handler as soon as Next answers (it compiles the route on first use in dev).
  try {
    await executor.start();
    log("jobs: functions synced from /api/inngest");
  } catch (err) {
    console.error(`[herald] jobs: ${(err as Error).message}`);
    await shutdown(1, false);
  }
}
log(`ready on http://localhost:${port}`);

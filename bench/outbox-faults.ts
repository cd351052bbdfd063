/**
 * `npx tsx bench/outbox-faults.ts [--db pglite|postgres] [--followers N]`: the crash matrix of issue 12
 * ("Nothing lost"), with real processes and kill -9. Writes its section of bench/RESULTS.md.
 *
 * Herald runs as separate processes, each killed with SIGKILL:
 * - `app`: the app's code — `createListing` behind a small HTTP endpoint, the Inngest `serve()` handler
 *   of the app's real functions (inngest/node), and the outbox relay, as in a web process;
 * - `engine`: the embedded Inngest executor (server/embedded/jobs), calling the app over HTTP;
 * - `db` (PGlite only): the embedded database on a data directory on disk, killed and reopened too.
 * Between the relay and the engine's event API sits test/fault-proxy.ts, which tells this script when a
 * send is on the wire and when the engine has answered. Scenarios, each with a new business and its own
 * followers (quiet hours off, email on):
 * 1. after commit, before send: the listing is posted while the relay is off; kill everything;
 * 2. during send: the relay's request reaches the proxy; kill everything before the engine sees it;
 * 3. after send, before the answer: the engine accepted the event; kill everything before the relay hears;
 * 4. during the fan-out: the first emails are out; kill everything;
 * 5. the engine stopped for a minute: listings posted meanwhile (each answer timed), then the engine starts.
 * After each, everything restarts and the script waits until the outbox is empty and the runs are done,
 * then counts per listing: notifications per follower, emails per recipient, events the engine stored,
 * fan-out runs. "Exactly once" is 1 for each.
 *
 * Internal roles: `--role app|engine|db` (spawned by the script itself).
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { IncomingMessage } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const role = arg("--role");

const KEYS = { signingKey: `signkey-faults-${"ef".repeat(32)}`, eventKey: "faults-event-key" };


// ------------------------------------------------------------------------------------------------------
// Roles

async function runApp() {
  const { createServer } = await import("node:http");
  const [{ serve }, { inngest }, { functions }, { createListing }, { startOutboxRelay }, { db }, factory, { inngestOutboxSender }] = await Promise.all([
    import("inngest/node"),
    import("../inngest/client"),
    import("../inngest"),
    import("../server/services/listings/create-listing"),
    import("../server/services/outbox/relay"),
    import("../server/db"),
    import("../prisma/factory"),
    import("../inngest/outbox-sender"),
  ]);
  const inngestHandler = serve({ client: inngest, functions });
  const json = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
  };
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/api/inngest")) return void inngestHandler(req, res);
    void (async () => {
      const body = await json(req);
      if (req.url === "/setup") {
        const { business, owner } = await factory.createBusiness(db);
        await factory.createFollowers(db, business.id, Number(body.followers));
        await db.$executeRaw`
          INSERT INTO notification_settings (user_id, quiet_hours_start, quiet_hours_end)
          SELECT user_id, NULL, NULL FROM follows WHERE business_id = ${business.id}::uuid`;
        return { ownerId: owner.id, businessId: business.id };
      }
      if (req.url === "/listings") {
        const start = Date.now() + 3_600_000;
        const l = await createListing(String(body.ownerId), {
          title: String(body.title),
          priceCents: 1500,
          pickupStart: new Date(start),
          pickupEnd: new Date(start + 3_600_000),
          expiresAt: new Date(start + 3_600_000),
        });
        return { id: l.id };
      }
      throw new Error(`unknown path ${req.url}`);
    })().then(
      (out) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out)),
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(Number(process.env.APP_PORT), "127.0.0.1", resolve));
  if (process.env.RELAY !== "off") startOutboxRelay(inngestOutboxSender, { pollMs: 200, leaseMs: 3000, sendTimeoutMs: 2000, log: (l) => console.error(l) });
  console.log("ready");
}

async function runEngine() {
  const { createExecutor } = await import("../server/embedded/jobs/executor");
  const executor = createExecutor({
    databaseUrl: process.env.DATABASE_URL!,
    appUrl: `http://127.0.0.1:${process.env.APP_PORT}/api/inngest`,
    ...KEYS,
    instanceId: "outbox-faults-engine",
    syncWaitMs: 60_000,
    log: () => undefined,
  });
  await executor.listen(Number(process.env.ENGINE_PORT), "127.0.0.1");
  await executor.start();
  console.log("ready");
}

async function runDb() {
  const { startEmbeddedDatabase } = await import("../server/embedded/database");
  await startEmbeddedDatabase({ dataDir: process.env.PGLITE_DIR!, port: Number(process.env.DB_PORT) });
  console.log("ready");
}

// ------------------------------------------------------------------------------------------------------
// The orchestrator

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  engine: string;
  scenario: string;
  followers: number;
  listings: number;
  notifications: string;
  emails: string;
  engineEvents: string;
  fanOutRuns: string;
  answerMs: string;
  recoveredS: string;
}

async function orchestrate() {
  const { databaseKinds, freshDatabase } = await import("./db");
  const { startRealtimeServer } = await import("../server/embedded/realtime/server");
  const { startFaultProxy } = await import("../test/fault-proxy");
  const { migrate } = await import("../server/db/migrate");
  const { machineLine, writeResults } = await import("./lib");
  const followers = Number(arg("--followers") ?? 2000);
  const kinds = await databaseKinds(argv);
  const rows: Row[] = [];

  for (const kind of kinds) {
    const ports = { app: await freePort(), engine: await freePort(), db: await freePort() };
    const pgliteDir = kind === "PGlite" ? mkdtempSync(path.join(tmpdir(), "herald-faults-")) : undefined;
    let databaseUrl: string;
    if (pgliteDir) {
      databaseUrl = `postgresql://postgres@127.0.0.1:${ports.db}/postgres`;
    } else {
      const fresh = await freshDatabase("PostgreSQL");
      databaseUrl = fresh.url;
    }
    const realtimeApp = { id: "7", key: "faults", secret: "faults-secret-0123456789abcdef0123456789" };
    const realtime = await startRealtimeServer({ port: 0, apps: [realtimeApp] });
    const proxy = await startFaultProxy(`http://127.0.0.1:${ports.engine}`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: "8",
      APP_PORT: String(ports.app),
      ENGINE_PORT: String(ports.engine),
      DB_PORT: String(ports.db),
      PGLITE_DIR: pgliteDir ?? "",
      PUSHER_APP_ID: realtimeApp.id,
      PUSHER_KEY: realtimeApp.key,
      PUSHER_SECRET: realtimeApp.secret,
      PUSHER_HOST: "127.0.0.1",
      PUSHER_PORT: String(realtime.port),
      INNGEST_SIGNING_KEY: KEYS.signingKey,
      INNGEST_EVENT_KEY: KEYS.eventKey,
      INNGEST_BASE_URL: proxy.url,
      NEXTAUTH_SECRET: "faults-nextauth-secret-0123456789abcdef0123",
      APP_URL: `http://127.0.0.1:${ports.app}`,
    };
    const children = new Map<string, ChildProcess>();
    const spawnRole = async (name: "app" | "engine" | "db", extra: Record<string, string> = {}) => {
      const loaders = name === "app" ? ["--import", "tsx", "--import", "./bench/server-only.mjs"] : ["--import", "tsx", "--conditions=react-server"];
      const child = spawn(process.execPath, [...loaders, "bench/outbox-faults.ts", "--role", name], { env: { ...env, ...extra }, stdio: ["ignore", "pipe", "pipe"] });
      children.set(name, child);
      let errors = "";
      child.stderr!.on("data", (d: Buffer) => (errors = (errors + d.toString()).slice(-4000)));
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
        child.on("exit", (code) => reject(new Error(`${name} exited (${code}) before it was ready:\n${errors}`)));
      });
      child.removeAllListeners("exit");
    };
    const kill = async (...names: string[]) => {
      await Promise.all(
        names.map(async (n) => {
          const c = children.get(n);
          if (!c || c.exitCode !== null || c.signalCode !== null) return;
          const gone = new Promise((r) => c.once("exit", r));
          c.kill("SIGKILL");
          await gone;
          children.delete(n);
        }),
      );
    };
    const killAll = () => kill("app", "engine", "db");
    const startAll = async (appEnv: Record<string, string> = {}) => {
      if (pgliteDir) await spawnRole("db");
      await spawnRole("app", appEnv);
      await spawnRole("engine");
    };
    const call = async (p: string, body: unknown) => {
      const r = await fetch(`http://127.0.0.1:${ports.app}${p}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
      if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
      return (await r.json()) as Record<string, string>;
    };

    if (pgliteDir) await spawnRole("db");
    await migrate(databaseUrl);
    await kill("db");
    await startAll();

    const sql = async <T>(text: string, values: unknown[] = []) => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        return (await c.query(text, values)).rows as T[];
      } finally {
        await c.end();
      }
    };
    /** Counts for one listing: per follower and per recipient, min/max, and what the engine saw. */
    const counts = async (listingId: string, title: string) => {
      const [n] = await sql<{ rows: number; users: number; max: number }>(
        `SELECT count(*)::int AS rows, count(DISTINCT user_id)::int AS users, coalesce(max(c),0)::int AS max FROM
           (SELECT user_id, count(*) OVER (PARTITION BY user_id) AS c FROM notifications WHERE dedupe_key = $1) x`,
        [`listing:${listingId}`],
      );
      const [e] = await sql<{ rows: number; users: number; max: number }>(
        `SELECT count(*)::int AS rows, count(DISTINCT "to")::int AS users, coalesce(max(c),0)::int AS max FROM
           (SELECT "to", count(*) OVER (PARTITION BY "to") AS c FROM captured_emails WHERE subject LIKE $1) x`,
        [`%${title}%`],
      );
      const [ev] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM herald_jobs.events WHERE name = 'listing/created' AND payload::jsonb->'data'->>'listingId' = $1`, [listingId]);
      const [runs] = await sql<{ n: number; open: number }>(
        `SELECT count(*)::int AS n FROM herald_jobs.runs r WHERE r.function_id = 'herald-fan-out-listing'
           AND EXISTS (SELECT 1 FROM herald_jobs.events e WHERE r.event_ids ? e.internal_id AND e.payload::jsonb->'data'->>'listingId' = $1)`,
        [listingId],
      );
      return { n: n!, e: e!, events: ev!.n, runs: runs!.n };
    };
    const settled = async (listings: { id: string; title: string }[], since: number) => {
      const deadline = Date.now() + 300_000;
      for (;;) {
        const [pending] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_events WHERE sent_at IS NULL`).catch(() => [{ n: -1 }]);
        const [open] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM herald_jobs.runs WHERE status IN ('queued','running')`).catch(() => [{ n: -1 }]);
        if (pending!.n === 0 && open!.n === 0) {
          const all = await Promise.all(listings.map((l) => counts(l.id, l.title)));
          if (all.every((c) => c.n.rows >= followers && c.e.rows >= followers)) return (Date.now() - since) / 1000;
        }
        if (Date.now() > deadline) return NaN;
        await sleep(500);
      }
    };
    const record = async (scenario: string, listings: { id: string; title: string }[], answerMs: number[], since: number) => {
      const recovered = await settled(listings, since);
      await sleep(2000); // anything late (a duplicate) would land now
      const all = await Promise.all(listings.map((l) => counts(l.id, l.title)));
      const range = (xs: number[]) => (Math.min(...xs) === Math.max(...xs) ? String(xs[0]) : `${Math.min(...xs)}–${Math.max(...xs)}`);
      rows.push({
        engine: kind,
        scenario,
        followers,
        listings: listings.length,
        notifications: `${range(all.map((c) => c.n.rows))} to ${range(all.map((c) => c.n.users))} people, max ${Math.max(...all.map((c) => c.n.max))} each`,
        emails: `${range(all.map((c) => c.e.rows))} to ${range(all.map((c) => c.e.users))} people, max ${Math.max(...all.map((c) => c.e.max))} each`,
        engineEvents: range(all.map((c) => c.events)),
        fanOutRuns: range(all.map((c) => c.runs)),
        answerMs: answerMs.length ? `${Math.max(...answerMs).toFixed(0)}` : "—",
        recoveredS: Number.isNaN(recovered) ? "not in 300 s" : recovered.toFixed(1),
      });
      console.log(JSON.stringify(rows.at(-1)));
    };
    const post = async (ownerId: string, title: string) => {
      const t0 = performance.now();
      const { id } = await call("/listings", { ownerId, title });
      return { id: id!, title, ms: performance.now() - t0 };
    };
    // The listing just posted is the only listing/created event on its way (the earlier ones were sent).
    const holds = (body: string) => body.includes('"listing/created"');

    // 1. after commit, before send
    {
      await killAll();
      await startAll({ RELAY: "off" });
      const { ownerId } = await call("/setup", { followers });
      const l = await post(ownerId!, `Faults 1 ${kind}`);
      await killAll();
      const since = Date.now();
      await startAll();
      await record("kill -9 after commit, before send", [l], [l.ms], since);
    }
    // 2. during send: the relay's request is on the wire; everything dies before the engine sees it
    {
      const { ownerId } = await call("/setup", { followers });
      let killed!: () => void;
      const down = new Promise<void>((r) => (killed = r));
      proxy.onRequest = async (body) => {
        if (!holds(body)) return;
        proxy.onRequest = undefined;
        proxy.mode = "down";
        await killAll();
        killed();
      };
      const title = `Faults 2 ${kind}`;
      const started = performance.now();
      const { id } = await call("/listings", { ownerId, title });
      const answered = performance.now() - started;
      await down;
      proxy.mode = "up";
      const since = Date.now();
      await startAll();
      await record("kill -9 during send", [{ id: id!, title }], [answered], since);
    }
    // 3. after send, before the answer: the engine stored the event; everything dies before the relay hears
    {
      const { ownerId } = await call("/setup", { followers });
      let killed!: () => void;
      const down = new Promise<void>((r) => (killed = r));
      proxy.onAnswered = async (body) => {
        if (!holds(body)) return;
        proxy.onAnswered = undefined;
        await killAll();
        killed();
      };
      const title = `Faults 3 ${kind}`;
      const { id } = await call("/listings", { ownerId, title });
      await down;
      const since = Date.now();
      await startAll();
      await record("kill -9 after send, before the answer", [{ id: id!, title }], [], since);
    }
    // 4. during the fan-out: some emails are out
    {
      const { ownerId } = await call("/setup", { followers });
      const l = await post(ownerId!, `Faults 4 ${kind}`);
      for (;;) {
        const { e } = await counts(l.id, l.title);
        if (e.rows > 0) break;
        await sleep(50);
      }
      await killAll();
      const since = Date.now();
      await startAll();
      await record("kill -9 during the fan-out (emails half sent)", [l], [l.ms], since);
    }
    // 5. the engine stopped for a minute while listings are posted
    {
      const { ownerId } = await call("/setup", { followers });
      await kill("engine");
      const posted = [];
      for (let i = 1; i <= 5; i++) posted.push(await post(ownerId!, `Faults 5.${i} ${kind}`));
      await sleep(60_000);
      const since = Date.now();
      await spawnRole("engine");
      await record("engine stopped for 60 s, 5 listings posted", posted, posted.map((p) => p.ms), since);
    }

    await killAll();
    await proxy.close();
    await realtime.close();
    if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
  }

  const table = [
    "| engine | scenario | followers | listings | notifications | emails | events the engine stored | fan-out runs | slowest answer to the poster (ms) | done after restart (s) |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.engine} | ${r.scenario} | ${r.followers} | ${r.listings} | ${r.notifications} | ${r.emails} | ${r.engineEvents} | ${r.fanOutRuns} | ${r.answerMs} | ${r.recoveredS} |`),
  ].join("\n");
  console.log(`\n${table}`);
  writeResults(
    "Crash matrix: the outbox under kill -9 (bench/outbox-faults.ts)",
    `## Crash matrix: the outbox under kill -9 (bench/outbox-faults.ts)\n\n\`npx tsx bench/outbox-faults.ts\` (issue 12): Herald's app, job engine and (PGlite) database as separate processes, killed with SIGKILL at each point, then restarted.\n\n${machineLine()}\n- per listing, every count "exactly once" is: notifications = followers, at most 1 per person; emails = followers, at most 1 per person; 1 event stored by the engine; 1 fan-out run\n\n${table}\n`,
  );
}

if (role === "app") await runApp();
else if (role === "engine") await runEngine();
else if (role === "db") await runDb();
else await orchestrate();

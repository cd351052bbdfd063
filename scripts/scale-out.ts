/**
 * The scale-out topology on one machine (issue 15; docs/deploy.md), for the cross-instance browser journey
 * (playwright.scale-out.config.ts, e2e/scale-out/):
 *
 *   PostgreSQL (127.0.0.1:5432, a fresh database)   Redis (127.0.0.1:6379)
 *        │                                                │
 *   Herald A ── publishes to ──► soketi node 1 ◄── Redis ──► soketi node 2 ◄── publishes to ── Herald B, worker W
 *   (3201, HERALD_ROLE=all)         ▲                             ▲          (3202, all; W: worker, its app
 *                                   │ "load balancer" (TCP)       │           on loopback)
 *                          browsers of A              browsers of B
 *
 * All three are `scripts/herald.ts start` on the one database with the realtime engine given by env vars.
 * A and B run everything, each its own executor; the worker W (`HERALD_ROLE=worker`) runs an executor and
 * the app only for its calls. The three executors claim runs from the one jobs schema. A's browsers reach the realtime nodes through a TCP proxy that a test can point at node
 * 1, node 2 or nowhere (`POST <control>/realtime?to=1|2|down`): existing connections are cut, so pusher-js
 * reconnects to the other node, as behind a load balancer that loses a node. `POST <control>/stop?instance=A`
 * sends instance A SIGTERM, as an orchestrator does, and answers once it has exited: `{code, ms}`.
 *
 * Input env: `HERALD_SCALE_OUT_DATABASE_URL` (default postgresql://postgres@127.0.0.1:5432/herald_scale_out;
 * the database is dropped and created), `HERALD_SCALE_OUT_REDIS_URL` (default redis://127.0.0.1:6379).
 * Writes `.data/scale-out/topology.json` ({a, b, worker, databaseUrl, controlUrl}); stops everything on
 * SIGINT/SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { connect, createServer, type Socket } from "node:net";
import path from "node:path";
import { recreateDatabase } from "./lib/database";
import { freePort, startSoketi } from "./lib/soketi";

const DIR = path.resolve(".data/scale-out");
const databaseUrl = process.env.HERALD_SCALE_OUT_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/herald_scale_out";
const log = (msg: string) => console.log(`[scale-out] ${msg}`);
const stops: (() => Promise<void>)[] = [];
let stopping = false;
/** The instances by name, and those stopped on purpose (their exit is not a failure). */
const instances = new Map<string, ChildProcess>();
const stoppedOnPurpose = new Set<string>();

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

/** A TCP proxy to one of `targets` (or none): switching cuts every connection it carries. */
async function startSwitch(targets: number[]) {
  let to: number | null = targets[0]!;
  const carried = new Set<Socket>();
  const server = createServer((client) => {
    if (to === null) return client.destroy();
    const upstream = connect(to, "127.0.0.1");
    for (const s of [client, upstream]) {
      carried.add(s);
      s.on("close", () => carried.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
  return {
    port,
    point(target: number | null) {
      to = target;
      for (const s of carried) s.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `scripts/herald.ts start` with `env`; resolves once `GET /api/health` answers 200 (≤ 180 s). */
async function startInstance(name: string, port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("scripts/herald.ts"), "start"], {
    env: { ...process.env, ...env, PORT: String(port), NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split("\n")
      .filter(Boolean)
      .map((line) => `[${name}] ${line}`)
      .join("\n");
  child.stdout?.on("data", (b: Buffer) => console.log(prefix(b)));
  child.stderr?.on("data", (b: Buffer) => console.error(prefix(b)));
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
        child.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  );
  instances.set(name, child);
  child.once("exit", (code) => {
    if (stopping || stoppedOnPurpose.has(name)) return;
    console.error(`[scale-out] instance ${name} exited (${code})`);
    void stopAll(1);
  });
  const deadline = Date.now() + 180_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    if (Date.now() > deadline) throw new Error(`instance ${name} not healthy after 180 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

try {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  await recreateDatabase(databaseUrl);
  log(`database: ${databaseUrl} (fresh)`);

  const app = { id: String(100000 + randomBytes(2).readUInt16BE(0)), key: randomBytes(10).toString("hex"), secret: randomBytes(20).toString("hex") };
  const soketi = await startSoketi({ app, nodes: 2, maxBatchEvents: 100, ...(process.env.HERALD_SCALE_OUT_REDIS_URL ? { redisUrl: process.env.HERALD_SCALE_OUT_REDIS_URL } : {}) });
  stops.push(soketi.close);
  const [node1, node2] = soketi.ports as [number, number];
  log(`soketi: node 1 on ${node1}, node 2 on ${node2}, sharing state through Redis`);

  const balancer = await startSwitch([node1, node2]);
  stops.push(balancer.close);
  const control = createHttpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const instance = instances.get(url.searchParams.get("instance") ?? "");
    if (req.method === "POST" && url.pathname === "/stop" && instance) {
      stoppedOnPurpose.add(url.searchParams.get("instance")!);
      const t0 = Date.now();
      instance.once("exit", (code, signal) =>
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ code, signal, ms: Date.now() - t0 })),
      );
      instance.kill("SIGTERM");
      return;
    }
    const to = url.searchParams.get("to");
    if (req.method !== "POST" || url.pathname !== "/realtime" || !["1", "2", "down"].includes(to ?? "")) {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "POST /realtime?to=1|2|down, or POST /stop?instance=A|B|W" }));
      return;
    }
    balancer.point(to === "1" ? node1 : to === "2" ? node2 : null);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ to }));
  });
  const controlPort = await freePort();
  await new Promise<void>((resolve) => control.listen(controlPort, "127.0.0.1", resolve));
  stops.push(() => new Promise<void>((resolve) => control.close(() => resolve())));

  // What both instances share: the database, the realtime app, the session secret.
  const shared = {
    DATABASE_URL: databaseUrl,
    NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
    PUSHER_APP_ID: app.id,
    PUSHER_KEY: app.key,
    PUSHER_SECRET: app.secret,
    PUSHER_HOST: "127.0.0.1",
    PUSHER_USE_TLS: "false",
    PUSHER_BATCH_SIZE: "100",
    HERALD_JOBS_PORT: "0",
  };
  const [portA, portB, portW] = [3201, 3202, 3203];
  // A first, alone: it applies the migrations and seeds the demo; B then finds both done.
  await startInstance("A", portA, {
    ...shared,
    HERALD_DATA_DIR: path.join(DIR, "a"),
    HERALD_SEED: "true",
    PUSHER_PORT: String(node1),
    PUSHER_PUBLIC_HOST: "127.0.0.1",
    PUSHER_PUBLIC_PORT: String(balancer.port),
  });
  log(`instance A on http://localhost:${portA} (publishes to node 1; its browsers reach node 1 through the balancer on ${balancer.port})`);
  await startInstance("B", portB, { ...shared, HERALD_DATA_DIR: path.join(DIR, "b"), PUSHER_PORT: String(node2) });
  log(`instance B on http://localhost:${portB} (publishes to node 2; its browsers connect to node 2)`);
  await startInstance("W", portW, { ...shared, HERALD_ROLE: "worker", HERALD_DATA_DIR: path.join(DIR, "w"), PUSHER_PORT: String(node2) });
  log(`worker W: an executor on the shared jobs schema, its app on 127.0.0.1:${portW}`);

  writeFileSync(
    path.join(DIR, "topology.json"),
    JSON.stringify({ a: `http://localhost:${portA}`, b: `http://localhost:${portB}`, worker: `http://127.0.0.1:${portW}`, databaseUrl, controlUrl: `http://127.0.0.1:${controlPort}` }, null, 2),
  );
  log("ready");
} catch (err) {
  console.error(`[scale-out] ${(err as Error).message}`);
  await stopAll(1);
}

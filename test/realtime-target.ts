/**
 * The Pusher-protocol server the realtime suite runs against (issue 15: "one suite, two targets").
 *
 * `HERALD_TEST_REALTIME` chooses it:
 * - `embedded` (default; `npm test`): Herald's own server (server/embedded/realtime/server.ts), one process.
 * - `soketi` (`.ci/run`'s scale-out lane): two nodes of soketi 1.6.1, the open-source Pusher-protocol server,
 *   sharing state through Redis (`SOKETI_ADAPTER_DRIVER=redis`; `HERALD_TEST_REDIS_URL`, default
 *   redis://127.0.0.1:6379). The HTTP API is node 1's and every WebSocket client connects to node 2, so each
 *   delivery the suite checks crosses nodes, as it does behind a load balancer.
 *
 * soketi's uWebSockets.js comes from the npm `overrides` entry in package.json
 * (`@trufflesuite/uws-js-unofficial`, builds for Node.js 16, 18 and 20 only): on another Node.js the soketi
 * target stops with that reason rather than a crash deep in a test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { startRealtimeServer } from "../server/embedded/realtime/server";

export type RealtimeTargetKind = "embedded" | "soketi";

/** The target named by `HERALD_TEST_REALTIME` (`embedded` when unset). @throws Error for any other value. */
export function realtimeTargetKind(): RealtimeTargetKind {
  const kind = process.env.HERALD_TEST_REALTIME ?? "embedded";
  if (kind !== "embedded" && kind !== "soketi") throw new Error(`HERALD_TEST_REALTIME must be embedded or soketi (got "${kind}")`);
  return kind;
}

export interface RealtimeTarget {
  kind: RealtimeTargetKind;
  /** Port of the HTTP API the publisher posts to (soketi: node 1). */
  apiPort: number;
  /** Port WebSocket clients connect to (soketi: node 2; embedded: the same server). */
  wsPort: number;
  close(): Promise<void>;
}

export interface RealtimeTargetOptions {
  app: { id: string; key: string; secret: string };
  /** Events per `batch_events` request the server accepts (Pusher's 10 by default). */
  maxBatchEvents?: number;
}

/** Starts the chosen target for one app. @throws Error when the soketi target cannot start (Node.js, Redis). */
export async function startRealtimeTarget(opts: RealtimeTargetOptions): Promise<RealtimeTarget> {
  if (realtimeTargetKind() === "embedded") {
    const server = await startRealtimeServer({ apps: [opts.app], ...(opts.maxBatchEvents ? { maxBatchEvents: opts.maxBatchEvents } : {}) });
    return { kind: "embedded", apiPort: server.port, wsPort: server.port, close: () => server.close() };
  }
  return startSoketiPair(opts);
}

/** Node.js ABI versions the overridden uWebSockets.js ships builds for (Node.js 16, 18, 20). */
const UWS_ABIS = ["93", "108", "115"];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function startSoketiPair(opts: RealtimeTargetOptions): Promise<RealtimeTarget> {
  if (!UWS_ABIS.includes(process.versions.modules)) {
    throw new Error(
      `soketi target: soketi's uWebSockets.js build (package.json overrides) supports Node.js 16, 18 and 20; this is ${process.version}`,
    );
  }
  const redis = new URL(process.env.HERALD_TEST_REDIS_URL ?? "redis://127.0.0.1:6379");
  const dir = mkdtempSync(path.join(tmpdir(), "herald-soketi-"));
  // A Redis prefix and a discovery port of this pair's own, so pairs started one after another never meet.
  const prefix = `herald-test-${randomBytes(4).toString("hex")}`;
  const config = path.join(dir, "soketi.json");
  writeFileSync(config, JSON.stringify({ "cluster.address": "127.0.0.1", "cluster.port": await freePort() }));
  const nodes: ChildProcess[] = [];
  const logs: string[] = [];
  const stop = async () => {
    await Promise.all(
      nodes.map(
        (node) =>
          new Promise<void>((resolve) => {
            if (node.exitCode !== null || node.signalCode !== null) return resolve();
            const kill = setTimeout(() => node.kill("SIGKILL"), 5000);
            node.once("exit", () => {
              clearTimeout(kill);
              resolve();
            });
            node.kill("SIGTERM");
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const node = spawn(process.execPath, [path.resolve("node_modules/@soketi/soketi/bin/server.js"), "start", `--config=${config}`], {
        cwd: dir, // soketi reads a .env from its working directory: not Herald's
        env: {
          NODE_ENV: "production",
          PATH: process.env.PATH ?? "",
          SOKETI_HOST: "127.0.0.1",
          SOKETI_PORT: String(port),
          SOKETI_METRICS_SERVER_PORT: String(await freePort()),
          SOKETI_DEFAULT_APP_ID: opts.app.id,
          SOKETI_DEFAULT_APP_KEY: opts.app.key,
          SOKETI_DEFAULT_APP_SECRET: opts.app.secret,
          SOKETI_EVENT_MAX_BATCH_SIZE: String(opts.maxBatchEvents ?? 10),
          SOKETI_ADAPTER_DRIVER: "redis",
          SOKETI_ADAPTER_REDIS_PREFIX: prefix,
          SOKETI_DB_REDIS_HOST: redis.hostname,
          SOKETI_DB_REDIS_PORT: redis.port || "6379",
          SOKETI_SHUTDOWN_GRACE_PERIOD: "0",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      node.stdout?.on("data", (b: Buffer) => logs.push(b.toString()));
      node.stderr?.on("data", (b: Buffer) => logs.push(b.toString()));
      nodes.push(node);
      ports.push(port);
    }
    await Promise.all(ports.map((port, i) => untilReady(port, nodes[i]!, logs)));
    return { kind: "soketi", apiPort: ports[0]!, wsPort: ports[1]!, close: stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Polls soketi's `GET /ready` until it answers 200 (≤ 20 s). @throws Error with the node's output. */
async function untilReady(port: number, node: ChildProcess, logs: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (node.exitCode !== null) throw new Error(`soketi on port ${port} exited (${node.exitCode}):\n${logs.join("")}`);
    const ok = await fetch(`http://127.0.0.1:${port}/ready`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`soketi on port ${port} not ready after 20 s:\n${logs.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

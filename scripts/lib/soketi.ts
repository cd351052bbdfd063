/**
 * Starts soketi 1.6.1 nodes (the open-source Pusher-protocol server, a devDependency) on loopback, for the
 * scale-out lane: the realtime suite's soketi target (test/realtime-target.ts) and the two-instance topology
 * (scripts/scale-out.ts). With more than one node they share state through Redis
 * (`SOKETI_ADAPTER_DRIVER=redis`), as soketi runs behind a load balancer.
 *
 * soketi's uWebSockets.js comes from the npm `overrides` entry in package.json
 * (`@trufflesuite/uws-js-unofficial`, builds for Node.js 16, 18 and 20 only).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface SoketiOptions {
  app: { id: string; key: string; secret: string };
  /** Nodes to start (default 1). */
  nodes?: number;
  /** Events per `batch_events` request the nodes accept (default 10, Pusher's limit). */
  maxBatchEvents?: number;
  /** Redis for more than one node (default `redis://127.0.0.1:6379`). */
  redisUrl?: string;
}

export interface SoketiNodes {
  /** Each node's port (WebSocket and HTTP API), in start order. */
  ports: number[];
  /** Each node's process id, in start order (for memory readings). */
  pids: number[];
  /** Stops every node (SIGTERM, SIGKILL after 5 s). */
  close(): Promise<void>;
}

/** Node.js ABI versions the overridden uWebSockets.js ships builds for (Node.js 16, 18, 20). */
const UWS_ABIS = ["93", "108", "115"];

/** A free TCP port on 127.0.0.1 (free when asked; taken by whoever binds it next). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * Starts the nodes and resolves once each answers `GET /ready`.
 * @throws Error on a Node.js the uWebSockets.js build lacks, or when a node exits or is not ready within
 *   20 s (with its output).
 */
export async function startSoketi(opts: SoketiOptions): Promise<SoketiNodes> {
  if (!UWS_ABIS.includes(process.versions.modules)) {
    throw new Error(`soketi: its uWebSockets.js build (package.json overrides) supports Node.js 16, 18 and 20; this is ${process.version}`);
  }
  const count = opts.nodes ?? 1;
  const redis = new URL(opts.redisUrl ?? "redis://127.0.0.1:6379");
  const dir = mkdtempSync(path.join(tmpdir(), "herald-soketi-"));
  // A Redis prefix and a discovery port of these nodes' own, so groups started one after another never meet.
  const prefix = `herald-${randomBytes(4).toString("hex")}`;
  const config = path.join(dir, "soketi.json");
  writeFileSync(config, JSON.stringify({ "cluster.address": "127.0.0.1", "cluster.port": await freePort() }));
  const nodes: ChildProcess[] = [];
  const logs: string[] = [];
  const close = async () => {
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
    for (let i = 0; i < count; i++) {
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
          ...(count > 1
            ? { SOKETI_ADAPTER_DRIVER: "redis", SOKETI_ADAPTER_REDIS_PREFIX: prefix, SOKETI_DB_REDIS_HOST: redis.hostname, SOKETI_DB_REDIS_PORT: redis.port || "6379" }
            : {}),
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
    return { ports, pids: nodes.map((n) => n.pid!), close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Polls soketi's `GET /ready` until it answers 200 (≤ 20 s). @throws Error with the nodes' output. */
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

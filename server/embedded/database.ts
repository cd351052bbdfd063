/**
 * Embedded database: PGlite (PostgreSQL compiled to WASM) served over the PostgreSQL wire protocol, so
 * Herald reaches it exactly as it reaches a real PostgreSQL (`pg` + `@prisma/adapter-pg`). docs/architecture.md "Layers".
 *
 * PGlite runs in a worker thread (./database-host.ts, loaded through ./database-worker.mjs, which
 * registers tsx there), so the process's main event loop (the embedded realtime server and executor in
 * `scripts/herald.ts`) never waits for a statement.
 */
import { Worker } from "node:worker_threads";
import type { DatabaseWorkerMessage, DatabaseWorkerOptions } from "./database-host";

export interface EmbeddedDatabase {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  /** Stops the server and closes PGlite (its data directory is then consistent on disk). */
  stop(): Promise<void>;
}

/**
 * Starts PGlite on `dataDir` (created if missing; `"memory://"` for an in-memory database) in a worker
 * thread and serves it on 127.0.0.1:`port` (0 picks a free port).
 * @throws when the port is taken or the data directory belongs to an incompatible PGlite version.
 */
export async function startEmbeddedDatabase(opts: {
  dataDir: string;
  port?: number;
  maxConnections?: number;
}): Promise<EmbeddedDatabase> {
  const workerData: DatabaseWorkerOptions = { dataDir: opts.dataDir, port: opts.port ?? 0, maxConnections: opts.maxConnections ?? 32 };
  const worker = new Worker(new URL("./database-worker.mjs", import.meta.url), { workerData });
  const next = () =>
    new Promise<DatabaseWorkerMessage>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`embedded database worker exited (code ${code})`));
      worker.once("error", reject);
      worker.once("exit", onExit);
      worker.once("message", (m: DatabaseWorkerMessage) => {
        worker.off("error", reject);
        worker.off("exit", onExit);
        resolve(m);
      });
    });
  const first = await next();
  if (first.type !== "started") {
    await worker.terminate();
    throw new Error(first.type === "error" ? first.message : "embedded database did not start");
  }
  worker.on("error", (err) => console.error(`[herald] embedded database: ${err.message}`));
  let stopping: Promise<void> | null = null;
  return {
    url: `postgresql://postgres@127.0.0.1:${first.port}/postgres`,
    port: first.port,
    stop() {
      stopping ??= (async () => {
        const stopped = next();
        worker.postMessage({ type: "stop" });
        await stopped.catch(() => undefined);
        await worker.terminate();
      })();
      return stopping;
    },
  };
}

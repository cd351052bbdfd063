/**
 * The embedded database's worker thread (./database.ts starts it): PGlite and its PostgreSQL wire-protocol
 * server run here, off the main event loop, so a heavy statement (a 100,000-row fan-out insert) never
 * stalls the embedded realtime server and executor that share the main thread.
 *
 * PGlite is one backend shared by every connection. `@electric-sql/pglite-socket` 0.2.17 queues the
 * connections' protocol messages one by one and keeps the backend for one connection only while that
 * connection is inside a transaction. That is not enough for the extended query protocol (Parse, Bind,
 * Describe, Execute … Sync, which `pg` and Prisma use for every parameterised statement): another
 * connection's messages could run between them, and queries failed or answered with another query's
 * rows. {@link exclusiveProtocolQueue} keeps the backend for a connection from its first extended-protocol
 * message until its Sync (and for the whole of a transaction), and survives a failed message.
 * database.test.ts checks it with concurrent parameterised queries from many connections.
 */
import { mkdirSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/** The parts of pglite-socket's (private) query queue that {@link exclusiveProtocolQueue} replaces. */
interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(err: unknown): void;
}
interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/** Extended-protocol frontend messages: Parse, Bind, Describe, Execute, Close, Flush (until Sync). */
const EXTENDED = new Set(["P", "B", "D", "E", "C", "H"]);

/**
 * Replaces the queue's scheduling so that a connection owns the backend from its first extended-protocol
 * message to its Sync (`S`) or a simple Query (`Q`), and for as long as it has a transaction open.
 * Written against @electric-sql/pglite-socket 0.2.17 (pinned exactly in package.json).
 */
function exclusiveProtocolQueue(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  if (!q || typeof q.processQueue !== "function" || !Array.isArray(q.queue)) {
    throw new Error("@electric-sql/pglite-socket changed its internals: review server/embedded/database.ts");
  }
  let extendedOwner: number | null = null;
  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId: number) => {
    if (extendedOwner === handlerId) extendedOwner = null;
    clear(handlerId);
  };
  q.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = extendedOwner ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        const index = owner === null ? 0 : this.queue.findIndex((m) => m.handlerId === owner);
        if (index < 0) break; // the owner's next message has not arrived yet; enqueue() restarts us
        const [item] = this.queue.splice(index, 1) as [QueuedMessage];
        const type = String.fromCharCode(item.message[0] ?? 0);
        if (EXTENDED.has(type)) extendedOwner = item.handlerId;
        else if (type === "S" || type === "Q") extendedOwner = null;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          this.lastHandlerId = item.handlerId;
          item.reject(err);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
}

/** What ./database.ts hands the worker. */
export interface DatabaseWorkerOptions {
  dataDir: string;
  port: number;
  maxConnections: number;
}

/** Messages from the worker: started (with the port), failed to start, stopped. */
export type DatabaseWorkerMessage = { type: "started"; port: number } | { type: "error"; message: string } | { type: "stopped" };

async function serve(opts: DatabaseWorkerOptions): Promise<void> {
  const port = parentPort!;
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  port.on("message", (msg: { type: "stop" }) => {
    if (msg.type !== "stop") return;
    void (async () => {
      await server?.stop();
      await db?.close();
      port.postMessage({ type: "stopped" } satisfies DatabaseWorkerMessage);
      port.close();
    })();
  });
  try {
    if (!opts.dataDir.startsWith("memory://")) mkdirSync(opts.dataDir, { recursive: true });
    db = await PGlite.create(opts.dataDir);
    server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: opts.port, maxConnections: opts.maxConnections });
    exclusiveProtocolQueue(server);
    await server.start();
    port.postMessage({ type: "started", port: Number(server.getServerConn().split(":").pop()) } satisfies DatabaseWorkerMessage);
  } catch (err) {
    port.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) } satisfies DatabaseWorkerMessage);
    await db?.close().catch(() => undefined);
    port.close();
  }
}

if (parentPort) void serve(workerData as DatabaseWorkerOptions);

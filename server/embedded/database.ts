/**
 * Embedded database: PGlite (PostgreSQL compiled to WASM) served over the PostgreSQL wire protocol, so
 * Herald reaches it exactly as it reaches a real PostgreSQL (`pg` + `@prisma/adapter-pg`). DESIGN §2, §10.
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
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedDatabase {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

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

/**
 * Starts PGlite on `dataDir` (created if missing; `"memory://"` for an in-memory database) and serves it on
 * 127.0.0.1:`port` (0 picks a free port).
 * @throws when the port is taken or the data directory belongs to an incompatible PGlite version.
 */
export async function startEmbeddedDatabase(opts: {
  dataDir: string;
  port?: number;
  maxConnections?: number;
}): Promise<EmbeddedDatabase> {
  if (!opts.dataDir.startsWith("memory://")) mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir);
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: opts.port ?? 0,
    maxConnections: opts.maxConnections ?? 32,
  });
  exclusiveProtocolQueue(server);
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

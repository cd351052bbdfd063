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
 *
 * Named prepared statements (which a client such as `pg` caches per connection, e.g. with its `name`
 * option or `@prisma/adapter-pg`'s `statementNameGenerator`) would meet in the one backend: two connections
 * preparing the same name collide. {@link scopeStatementNames} gives every connection its own names, as a backend per
 * connection would, and a closed connection's statements are deallocated.
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

/** Reads the NUL-terminated string at `at`: its text and the offset after its NUL. */
function cString(message: Uint8Array, at: number): { text: string; end: number } {
  const nul = message.indexOf(0, at);
  const end = nul < 0 ? message.length : nul;
  return { text: Buffer.from(message.subarray(at, end)).toString("utf8"), end: end + 1 };
}

/** The message with the string at [start, end) (NUL included) replaced by `text` and its length fixed. */
function replaceString(message: Uint8Array, start: number, end: number, text: string): Uint8Array {
  const out = Buffer.concat([message.subarray(0, start), Buffer.from(`${text}\0`, "utf8"), message.subarray(end)]);
  out.writeInt32BE(out.length - 1, 1);
  return out;
}

/**
 * Rewrites the statement names of Parse (`P`), Bind (`B`), Describe and Close (`D`/`C` of kind `S`) to
 * `c<connection>_<name>`, so each connection has names of its own in the shared backend; the unnamed
 * statement stays shared (it only lives until the connection's Sync, during which it owns the backend).
 * Records the names a connection prepared (`prepared`), to deallocate when it closes.
 */
export function scopeStatementNames(message: Uint8Array, connection: number, prepared: Set<string>): Uint8Array {
  const type = String.fromCharCode(message[0] ?? 0);
  let at: number;
  if (type === "P") at = 5;
  else if (type === "B") at = cString(message, 5).end; // after the portal's name
  else if ((type === "D" || type === "C") && message[5] === 0x53 /* "S" */) at = 6;
  else return message;
  const name = cString(message, at);
  if (name.text === "") return message;
  const scoped = `c${connection}_${name.text}`;
  if (type === "P") prepared.add(scoped);
  else if (type === "C") prepared.delete(scoped);
  return replaceString(message, at, name.end, scoped);
}

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
  /** Named statements per open connection, and those of closed connections still to deallocate. */
  const prepared = new Map<number, Set<string>>();
  const closed: string[] = [];
  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId: number) => {
    if (extendedOwner === handlerId) extendedOwner = null;
    closed.push(...(prepared.get(handlerId) ?? []));
    prepared.delete(handlerId);
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
        if (owner === null && closed.length > 0) {
          // No connection owns the backend: a closed connection's statements can go.
          const names = closed.splice(0);
          await this.db.exec(names.map((n) => `DEALLOCATE "${n.replaceAll('"', '""')}";`).join("\n")).catch(() => undefined);
        }
        const [item] = this.queue.splice(index, 1) as [QueuedMessage];
        const type = String.fromCharCode(item.message[0] ?? 0);
        if (EXTENDED.has(type)) extendedOwner = item.handlerId;
        else if (type === "S" || type === "Q") extendedOwner = null;
        let bytes = 0;
        let names = prepared.get(item.handlerId);
        if (!names) prepared.set(item.handlerId, (names = new Set()));
        const message = scopeStatementNames(item.message, item.handlerId, names);
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(message, {
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

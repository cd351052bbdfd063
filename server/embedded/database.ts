/**
 * Embedded database: PGlite (PostgreSQL compiled to WASM) served over the PostgreSQL wire protocol, so
 * Herald reaches it exactly as it reaches a real PostgreSQL (`pg` + `@prisma/adapter-pg`). DESIGN §2, §10.
 *
 * While one connection has a transaction open, other connections' statements wait (PGlite is a single
 * backend); correctness holds, throughput is that of one backend.
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
  await server.start();
  const conn = server.getServerConn(); // "127.0.0.1:<port>"
  const port = Number(conn.split(":").pop());
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

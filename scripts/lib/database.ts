/**
 * Databases for CLI scripts and test lanes: `withDatabase` runs `fn` with a database URL: DATABASE_URL when
 * set, otherwise the embedded PGlite in `$HERALD_DATA_DIR/pglite` (default `.data/pglite`), started for the
 * call and stopped after; `recreateDatabase` starts a PostgreSQL database afresh.
 */
import path from "node:path";
import pg from "pg";
import { startEmbeddedDatabase } from "../../server/embedded/database";

export function dataDir(): string {
  return path.resolve(process.env.HERALD_DATA_DIR ?? ".data");
}

export async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return fn(process.env.DATABASE_URL);
  const db = await startEmbeddedDatabase({ dataDir: path.join(dataDir(), "pglite") });
  try {
    return await fn(db.url);
  } finally {
    await db.stop();
  }
}

/**
 * Drops and creates the PostgreSQL database named in `url` (through the server's `postgres` database), for
 * test lanes that start from nothing. @throws when the name is not a plain lower-case identifier.
 */
export async function recreateDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name "${name}" in ${admin.host}`);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

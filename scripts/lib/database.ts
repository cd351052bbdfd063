/**
 * For CLI scripts: runs `fn` with a database URL: DATABASE_URL when set, otherwise the embedded PGlite in
 * `$HERALD_DATA_DIR/pglite` (default `.data/pglite`), started for the call and stopped after.
 */
import path from "node:path";
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

/**
 * A fresh, empty database for tests that need one of their own (migrations, several instances on one
 * database): on the PostgreSQL lane (`HERALD_TEST_DATABASE_URL`), a new database on that server, dropped by
 * `stop()`; otherwise an in-memory PGlite. Note that PGlite serves every connection from one session.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { startEmbeddedDatabase } from "../server/embedded/database";

export const onPostgres = Boolean(process.env.HERALD_TEST_DATABASE_URL);

export async function freshDatabase(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (!onPostgres) return startEmbeddedDatabase({ dataDir: "memory://" });
  const admin = new URL(inject("databaseUrl"));
  const name = `herald_fresh_${randomBytes(4).toString("hex")}`;
  const url = new URL(admin);
  url.pathname = `/${name}`;
  admin.pathname = "/postgres";
  const adminSql = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  await adminSql(`CREATE DATABASE ${name}`);
  return { url: url.toString(), stop: () => adminSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

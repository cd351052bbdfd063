/**
 * The migration lock between sessions (server/db/migrate.ts; issue 15 "Migrations take a PostgreSQL advisory
 * lock"). PostgreSQL lane only (`*.postgres.test.ts`, vitest.config.ts): PGlite serves every connection from
 * one session, where an advisory lock excludes nothing.
 */
import pg from "pg";
import { expect, it } from "vitest";
import { migrate, MIGRATION_LOCK_KEY } from "./migrate";
import { freshDatabase } from "../../test/fresh-database";

it("waits for Prisma Migrate's lock (72707369) held by another session, and gives up after the lock timeout", async () => {
  const db = await freshDatabase();
  const holder = new pg.Client({ connectionString: db.url });
  await holder.connect();
  try {
    await holder.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    await expect(migrate(db.url, undefined, { lockTimeoutMs: 200 })).rejects.toThrow(/held the migration lock for over 200 ms/);
    let settled = false;
    const waiting = migrate(db.url).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    await holder.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    expect((await waiting).length).toBeGreaterThan(5);
  } finally {
    await holder.end();
    await db.stop();
  }
}, 120_000);

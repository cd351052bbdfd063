/**
 * Drift check: the database that prisma/migrations builds must equal the one schema.prisma describes.
 * Both are built in fresh PGlite instances and their catalogs compared (tables, columns, defaults,
 * indexes, constraints, enums). Fails when someone edits schema.prisma without `npm run db:migration:new`.
 * Indexes the schema language cannot express (partial ones) come from prisma/manual-indexes.sql on the
 * schema side, so a migration that adds one must list it there too.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import pg from "pg";
import { startEmbeddedDatabase } from "../server/embedded/database";
import { migrate } from "../server/db/migrate";
import { freshDatabase } from "../test/fresh-database";
import { schemaDiffSql } from "../scripts/prisma-schema-sql";

async function catalog(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = async (sql: string) => (await c.query(sql)).rows.map((r) => JSON.stringify(r));
    return [
      ...(await q(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length, datetime_precision
                   FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
                   ORDER BY table_name, column_name`)),
      ...(await q(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`)),
      ...(await q(`SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
                   WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY tbl, conname`)),
      ...(await q(`SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
                   GROUP BY t.typname ORDER BY t.typname`)),
    ];
  } finally {
    await c.end();
  }
}

describe("prisma/migrations", () => {
  it("build exactly the database schema.prisma describes", async () => {
    const fromMigrations = await startEmbeddedDatabase({ dataDir: "memory://" });
    const fromSchema = await startEmbeddedDatabase({ dataDir: "memory://" });
    try {
      const applied = await migrate(fromMigrations.url);
      expect(applied.length).toBeGreaterThan(0);
      const sql = schemaDiffSql(null, readFileSync("prisma/schema.prisma", "utf8"));
      const c = new pg.Client({ connectionString: fromSchema.url });
      await c.connect();
      await c.query(sql);
      await c.query(readFileSync("prisma/manual-indexes.sql", "utf8")); // partial indexes the schema cannot express
      await c.end();
      const [a, b] = [await catalog(fromMigrations.url), await catalog(fromSchema.url)];
      expect(b.length).toBeGreaterThan(10);
      expect(a).toEqual(b);
    } finally {
      await fromMigrations.stop();
      await fromSchema.stop();
    }
  }, 120_000);

  it("are recorded in _prisma_migrations with Prisma's checksum, and re-running applies nothing", async () => {
    const db = await startEmbeddedDatabase({ dataDir: "memory://" });
    try {
      const first = await migrate(db.url);
      expect(await migrate(db.url)).toEqual([]);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const rows = (await c.query(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`)).rows;
      await c.end();
      expect(rows.map((r) => r.migration_name)).toEqual(first);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum) && r.finished_at)).toBe(true);
    } finally {
      await db.stop();
    }
  });

  // Several instances starting at once on one database (issue 15); the wait on another session's lock is in
  // server/db/migrate.postgres.test.ts (PostgreSQL lane only: PGlite has one session).
  it("apply once when several instances start at once", async () => {
    const db = await freshDatabase();
    try {
      const runs = await Promise.all([migrate(db.url), migrate(db.url), migrate(db.url)]);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const rows = (await c.query(`SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`)).rows.map((r) => r.migration_name as string);
      await c.end();
      expect(rows.length).toBeGreaterThan(5);
      // Every migration recorded once, applied by exactly one of the runs; none failed.
      expect(new Set(rows).size).toBe(rows.length);
      expect(runs.flat().sort()).toEqual(rows);
    } finally {
      await db.stop();
    }
  }, 120_000);
});

/**
 * Applies Prisma Migrate folders (`prisma/migrations/<timestamp>_<name>/migration.sql`) in name order, each in
 * its own transaction, and records them in `_prisma_migrations` exactly as `prisma migrate deploy` does
 * (same table, sha256 hex checksum of the file), so a database migrated here is recognised by Prisma's
 * own engine wherever that engine can be installed. Works on PGlite (over the wire) and PostgreSQL.
 *
 * Several instances may start at once on one database (docs/deploy.md): each run holds the session advisory
 * lock `prisma migrate deploy` takes (key {@link MIGRATION_LOCK_KEY}), so runs (Herald's or Prisma's) apply
 * one after another, and each migration is checked again inside its transaction, so it is applied once.
 */
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";

export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

/**
 * The advisory lock key of Prisma Migrate (prisma-engines, `sql-schema-connector`'s PostgreSQL flavour:
 * `SELECT pg_advisory_lock(72707369)`), so Herald's runner and `prisma migrate deploy` also exclude each other.
 */
export const MIGRATION_LOCK_KEY = 72707369;

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** The migration folders in apply order: `{ name, sql, checksum }` (checksum = sha256 hex of the file). */
export function listMigrations(dir = MIGRATIONS_DIR): { name: string; sql: string; checksum: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * Applies pending migrations to `databaseUrl`, under the migration lock.
 * @param opts.lockTimeoutMs how long to wait for another run holding the lock (default 600 000 ms: a long
 *   migration of another instance).
 * @returns the names applied now (empty when up to date, or when another run applied them).
 * @throws when the lock is not had within `lockTimeoutMs`, when an applied migration's file changed since
 *   (checksum mismatch), or a migration fails (that migration is rolled back; earlier ones stay).
 */
export async function migrate(databaseUrl: string, dir = MIGRATIONS_DIR, opts: { lockTimeoutMs?: number } = {}): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let locked = false;
  try {
    const timeout = Math.max(1, Math.floor(opts.lockTimeoutMs ?? 600_000));
    await client.query(`SET lock_timeout = ${timeout}`);
    try {
      await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    } catch (err) {
      throw new Error(`Migrations: another run held the migration lock for over ${timeout} ms (${(err as Error).message})`);
    }
    locked = true;
    await client.query("RESET lock_timeout");
    await client.query(BOOKKEEPING);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
    const ran: string[] = [];
    for (const m of listMigrations(dir)) {
      const known = applied.get(m.name);
      if (known !== undefined) {
        if (known !== m.checksum) {
          throw new Error(`Migration ${m.name} was edited after it was applied (checksum differs). Add a new migration instead.`);
        }
        continue;
      }
      await client.query("BEGIN");
      try {
        // Applied by another run since the list above was read (PGlite serves every connection from one
        // session, where the advisory lock does not exclude; its transactions run one at a time instead).
        const again = await client.query(
          `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          [m.name],
        );
        if (again.rowCount) {
          await client.query("ROLLBACK");
          continue;
        }
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`);
      }
      ran.push(m.name);
    }
    return ran;
  } finally {
    if (locked) await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).catch(() => undefined);
    await client.end();
  }
}

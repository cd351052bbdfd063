/**
 * `npm run db:migration:new -- <name>`: writes prisma/migrations/<UTC timestamp>_<name>/migration.sql with the
 * SQL that takes the schema as committed (git HEAD) to prisma/schema.prisma as it is now. The drift test
 * (prisma/migrations.test.ts) keeps the two in agreement, so HEAD's schema is what the migrations build.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { schemaDiffSql } from "./prisma-schema-sql";
import { listMigrations, MIGRATIONS_DIR } from "../server/db/migrate";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration:new -- <snake_case_name>");
  process.exit(2);
}
let from: string | null = null;
if (listMigrations().length > 0) {
  from = execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { encoding: "utf8" });
}
const sql = schemaDiffSql(from, readFileSync("prisma/schema.prisma", "utf8"));
if (!/CREATE|ALTER|DROP/.test(sql)) {
  console.log("No schema changes: no migration written.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql`);

/**
 * Turns Prisma schemas into PostgreSQL DDL without Prisma 7's downloadable schema engine (README,
 * "Database migrations"):
 * Prisma 6.19.3's WASM schema engine (`engine: "js"`, config in prisma/p6.config.ts) runs
 * `prisma migrate diff --from-… --to-schema-datamodel … --script`. Prisma 6 needs a `url` in the datasource
 * block, which Prisma 7 forbids, so the schemas are copied to a temp folder with one added.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

function withUrl(schema: string): string {
  return schema.replace(/datasource\s+db\s*\{/, (m) => `${m}\n  url = "postgresql://unused"`);
}

/**
 * @param from schema text to diff from, or null for an empty database
 * @param to   schema text to diff to
 * @returns the SQL script (may be just a comment when nothing changed)
 * @throws when the Prisma 6 CLI fails (its stderr is in the message)
 */
export function schemaDiffSql(from: string | null, to: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "herald-schema-"));
  try {
    const toFile = path.join(dir, "to.prisma");
    writeFileSync(toFile, withUrl(to));
    const fromArgs = from === null ? ["--from-empty"] : ["--from-schema-datamodel", path.join(dir, "from.prisma")];
    if (from !== null) writeFileSync(path.join(dir, "from.prisma"), withUrl(from));
    return execFileSync(
      process.execPath,
      [
        path.join(root, "node_modules/prisma6/build/index.js"),
        "migrate", "diff", "--config", path.join(root, "prisma/p6.config.ts"),
        ...fromArgs, "--to-schema-datamodel", toFile, "--script",
      ],
      {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        // Point Prisma 6 at existing files so it does not try to download engines it will not use.
        env: { ...process.env, PRISMA_QUERY_ENGINE_LIBRARY: "/bin/true", PRISMA_SCHEMA_ENGINE_BINARY: "/bin/true", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
        timeout: 120_000,
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Named prepared statements (server/db/statement-names.ts) on the app's own Prisma client and database
 * (PGlite, or PostgreSQL with HERALD_TEST_DATABASE_URL): a repeated query is prepared once per connection,
 * a query with a parameter NULL test never is, and the number of names is bounded.
 */
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { MAX_NAMED_STATEMENTS, statementNames } from "./statement-names";

describe("statementNames", () => {
  it("names the same SQL text the same way, different texts differently", () => {
    const name = statementNames();
    const a = name({ sql: "SELECT 1 WHERE $1::int = 1" });
    expect(a).toMatch(/^h_[0-9a-f]{20}$/);
    expect(name({ sql: "SELECT 1 WHERE $1::int = 1" })).toBe(a);
    expect(statementNames()({ sql: "SELECT 1 WHERE $1::int = 1" })).toBe(a);
    expect(name({ sql: "SELECT 2 WHERE $1::int = 1" })).not.toBe(a);
  });

  it("leaves a query whose predicate tests a parameter for NULL unnamed (planned with its values each time)", () => {
    const name = statementNames();
    expect(name({ sql: "SELECT 1 FROM follows f WHERE ($1::uuid IS NULL OR f.user_id > $1::uuid)" })).toBeUndefined();
    expect(name({ sql: "SELECT 1 WHERE $2 IS NOT NULL" })).toBeUndefined();
    expect(name({ sql: "SELECT 1 WHERE $2::timestamp with time zone  IS  NULL" })).toBeUndefined();
    // A column's NULL test is no parameter's.
    expect(name({ sql: "SELECT 1 FROM notifications n WHERE n.read_at IS NULL AND n.user_id = $1::uuid" })).toMatch(/^h_/);
  });

  it("names at most MAX_NAMED_STATEMENTS texts; later texts run unnamed, earlier ones keep their names", () => {
    const name = statementNames(3);
    const first = name({ sql: "SELECT 1" });
    name({ sql: "SELECT 2" });
    name({ sql: "SELECT 3" });
    expect(name({ sql: "SELECT 4" })).toBeUndefined();
    expect(name({ sql: "SELECT 1" })).toBe(first);
    expect(MAX_NAMED_STATEMENTS).toBeGreaterThanOrEqual(100);
  });
});

describe("the app's Prisma client", () => {
  it("prepares a repeated query once on its connection, and a parameter NULL test not at all", async () => {
    const prepared = await db.$transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.$queryRaw`SELECT ${i}::int + 1 AS n`;
      await tx.$queryRaw`SELECT 1 AS n WHERE ${null}::uuid IS NULL`;
      return tx.$queryRaw<{ name: string; statement: string }[]>`SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE '%AS n%'`;
    });
    const mine = prepared.filter((p) => p.statement.includes("::int + 1 AS n") || p.statement.includes("IS NULL"));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.statement).toContain("::int + 1 AS n");
    expect(mine[0]!.name).toMatch(/h_[0-9a-f]{20}$/);
  });
});

describe("the app's database sessions", () => {
  it("never JIT-compile a statement (it cost a fan-out chunk statement more than it saved)", async () => {
    // PostgreSQL with LLVM: `jit` is off for Herald's sessions. PGlite has no JIT provider at all.
    const [row] = await db.$queryRaw<{ jit: string; available: boolean }[]>`SELECT current_setting('jit') AS jit, pg_jit_available() AS available`;
    expect({ jitCompiles: row!.jit === "on" && row!.available }).toEqual({ jitCompiles: false });
  });
});

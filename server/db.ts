import "server-only";
/**
 * The one Prisma client (README, "Choices"): Prisma 7 with `@prisma/adapter-pg`, the same adapter for the embedded
 * PGlite (served over the wire protocol) and for PostgreSQL. Kept on `globalThis` because Next's
 * instrumentation and route bundles may load separate module instances.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";
import { statementNames } from "./db/statement-names";

const g = globalThis as unknown as { heraldPrisma?: PrismaClient };

function create(): PrismaClient {
  const { DATABASE_URL, DATABASE_POOL_SIZE } = env("database");
  const adapter = new PrismaPg(
    // JIT off for Herald's sessions: it compiled fan-out chunk statements (estimated cost > jit_above_cost)
    // on every execution, ~65 ms of a 160 ms statement; Herald runs no long analytical queries that repay it
    // (https://www.postgresql.org/docs/current/jit-decision.html).
    { connectionString: DATABASE_URL, max: DATABASE_POOL_SIZE, options: "-c jit=off" },
    { statementNameGenerator: statementNames() },
  );
  return new PrismaClient({ adapter });
}

function client(): PrismaClient {
  return (g.heraldPrisma ??= create());
}

/**
 * The shared Prisma client. Services are the only callers (docs/architecture.md, "Layers"). Created on first use, so importing a
 * module (e.g. while `next build` collects pages) needs no database configuration.
 */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    const c = client();
    const value = Reflect.get(c, prop, c) as unknown;
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(c) : value;
  },
});

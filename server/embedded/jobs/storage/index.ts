/**
 * The executor's own storage, like a real Inngest server's: a PostgreSQL schema (default `herald_jobs`)
 * that the executor creates and migrates at start (idempotent, versioned DDL recorded in `meta`).
 *
 * Written for both PostgreSQL 15 and PGlite 0.5 over the wire (docs/architecture.md, "Layers"): every change is ONE statement
 * (event ingestion uses data-modifying CTEs; a migration is one multi-statement message, itself an implicit
 * transaction), never an explicit transaction; no LISTEN/NOTIFY.
 *
 * Single statements are prepared once per connection under a name; messages of several statements go
 * with the simple query protocol (`sql.ts`). Work is claimed under a lease with an expiry, and writes by a
 * lease holder are guarded by it (`runs.ts`).
 *
 * Tables: `events` (with `seq`, one sequence shared with `waits`, and `matched`: whether its matching pass
 * for waitForEvent/cancelOn is done), `event_dedupe`, `runs` (with `trigger_seq` and its `concurrency`
 * slots), `steps` (the memo), `cron_ticks`, `waits` (`step.waitForEvent` / `step.invoke`), and
 * `idempotency_keys`.
 *
 * Modules, one concern each, all built over one {@link StorageContext} (`sql.ts`): `ddl.ts` (the tables
 * and their versioned migrations), `events.ts` (ingestion, event reads), `runs.ts` (claims, leases,
 * concurrency slots, progress, run ends and reads), `steps.ts` (the memo and checkpoints), `waits.ts`
 * (`step.waitForEvent`, `step.invoke`), `matching.ts` (cancelOn and the matching pass) and
 * `cron-ticks.ts` (cron triggers' recorded ticks). {@link createStorage} joins them into one object.
 *
 * All times are ms since the Unix epoch (UTC) read from the executor's injectable clock.
 */
import type pg from "pg";
import { cronTickQueries } from "./cron-ticks";
import { migrationQueries } from "./ddl";
import { eventQueries } from "./events";
import { matchingQueries } from "./matching";
import { runQueries } from "./runs";
import { createContext, type StorageContext } from "./sql";
import { stepQueries } from "./steps";
import { waitQueries } from "./waits";

export { SCHEMA_VERSION } from "./ddl";
export type { IngestEvent, MatchableEvent, NewRun } from "./events";
export { INVOKED_RUN_CANCELLED, type CancellableRun } from "./matching";
export type { PlannedStep, RunFilter, RunRow, RunStatus } from "./runs";
export { inlineParams, sqlLiteral, type StorageContext } from "./sql";
export type { StepRow } from "./steps";
export type { OpenEventWait, SettledWait } from "./waits";

/** Default schema name. */
export const DEFAULT_SCHEMA = "herald_jobs";

/** The executor's queries. Create with {@link createStorage}. */
export type Storage = ReturnType<typeof createStorage>;

/**
 * Storage over `pool` in `schema`.
 * @throws when `schema` is not a plain lower-case SQL identifier.
 */
export function createStorage(pool: pg.Pool, schema: string = DEFAULT_SCHEMA) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`herald jobs storage: unsafe schema name "${schema}"`);
  const ctx: StorageContext = createContext(pool, schema);
  return {
    schema,
    ...migrationQueries(ctx),
    ...eventQueries(ctx),
    ...runQueries(ctx),
    ...stepQueries(ctx),
    ...waitQueries(ctx),
    ...matchingQueries(ctx),
    ...cronTickQueries(ctx),
  };
}

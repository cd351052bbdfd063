/**
 * The executor's tables and their versioned DDL: {@link MIGRATIONS} (index i brings the schema from
 * version i to i + 1), applied at start by `migrate` under an advisory lock and recorded in `meta`.
 *
 * Tables: `events` (with `seq`, one sequence shared with `waits`, and `matched`: whether its matching pass
 * for waitForEvent/cancelOn is done), `event_dedupe`, `runs` (with `trigger_seq` and its `concurrency`
 * slots), `steps` (the memo), `cron_ticks`, `waits` (`step.waitForEvent` / `step.invoke`), and
 * `idempotency_keys`.
 *
 * A migration is one multi-statement message, itself an implicit transaction (see `index.ts`).
 */
import type { StorageContext } from "./sql";

/** The current schema version this code writes. */
export const SCHEMA_VERSION = 7;

/** Versioned DDL: index i brings the schema from version i to i + 1. `{S}` is replaced by the quoted schema. */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE {S}.events (
    internal_id text PRIMARY KEY,
    id text NOT NULL,
    name text NOT NULL,
    payload jsonb NOT NULL,
    ts bigint NOT NULL,
    received_at bigint NOT NULL
  );
  CREATE INDEX events_name_received_idx ON {S}.events (name, received_at);
  CREATE TABLE {S}.event_dedupe (
    key text PRIMARY KEY,
    expires_at bigint NOT NULL
  );
  CREATE TABLE {S}.runs (
    id text PRIMARY KEY,
    function_id text NOT NULL,
    event_ids jsonb NOT NULL,
    status text NOT NULL CHECK (status IN ('queued','running','completed','failed','cancelled')),
    attempt integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL,
    retries integer NOT NULL DEFAULT 0,
    calls integer NOT NULL DEFAULT 0,
    version integer NOT NULL DEFAULT -1,
    disable_immediate_execution boolean NOT NULL DEFAULT false,
    planned jsonb NOT NULL DEFAULT '[]',
    output jsonb,
    error jsonb,
    created_at bigint NOT NULL,
    started_at bigint,
    ended_at bigint,
    updated_at bigint NOT NULL,
    next_attempt_at bigint NOT NULL,
    lease_owner text,
    lease_expires_at bigint
  );
  CREATE INDEX runs_due_idx ON {S}.runs (next_attempt_at) WHERE status IN ('queued','running');
  CREATE INDEX runs_function_idx ON {S}.runs (function_id, created_at);
  CREATE TABLE {S}.steps (
    run_id text NOT NULL REFERENCES {S}.runs(id) ON DELETE CASCADE,
    step_id text NOT NULL,
    seq integer NOT NULL,
    name text,
    op text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('data','error')),
    data jsonb,
    error jsonb,
    completed_at bigint NOT NULL,
    PRIMARY KEY (run_id, step_id),
    UNIQUE (run_id, seq)
  );
  `,
  // v2: cron ticks. One row per (function, tick instant): the unique key makes a tick start one run even
  // when several executor processes (or a restarted one) schedule it.
  `
  CREATE TABLE {S}.cron_ticks (
    function_id text NOT NULL,
    tick_at bigint NOT NULL,
    cron text NOT NULL,
    run_id text NOT NULL,
    created_at bigint NOT NULL,
    PRIMARY KEY (function_id, tick_at)
  );
  CREATE INDEX cron_ticks_cron_idx ON {S}.cron_ticks (function_id, cron, tick_at);
  `,
  // v3: waitForEvent, invoke, cancelOn, concurrency, idempotency. One sequence orders events and waits:
  // an event resolves a wait, or cancels a run, only when it comes later in it. Events stored before v3 are
  // marked matched (no matching pass for them).
  `
  CREATE SEQUENCE {S}.seq;
  ALTER TABLE {S}.events ADD COLUMN seq bigint NOT NULL DEFAULT 0, ADD COLUMN matched boolean NOT NULL DEFAULT true;
  ALTER TABLE {S}.events ALTER COLUMN seq SET DEFAULT nextval('{S}.seq'), ALTER COLUMN matched SET DEFAULT false;
  CREATE INDEX events_unmatched_idx ON {S}.events (seq) WHERE NOT matched;
  CREATE INDEX events_name_seq_idx ON {S}.events (name, seq);
  ALTER TABLE {S}.runs ADD COLUMN trigger_seq bigint NOT NULL DEFAULT 0, ADD COLUMN concurrency jsonb NOT NULL DEFAULT '[]';
  CREATE INDEX runs_leased_idx ON {S}.runs (lease_expires_at) WHERE lease_owner IS NOT NULL;
  CREATE INDEX runs_active_function_idx ON {S}.runs (function_id) WHERE status IN ('queued','running');
  CREATE TABLE {S}.waits (
    run_id text NOT NULL REFERENCES {S}.runs(id) ON DELETE CASCADE,
    step_id text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('event','invoke')),
    event_name text,
    expression text,
    child_run_id text,
    seq bigint NOT NULL DEFAULT nextval('{S}.seq'),
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting','resolved','timed_out')),
    result jsonb,
    resolved_at bigint,
    PRIMARY KEY (run_id, step_id)
  );
  CREATE INDEX waits_open_event_idx ON {S}.waits (event_name) WHERE status = 'waiting' AND kind = 'event';
  CREATE INDEX waits_child_idx ON {S}.waits (child_run_id) WHERE child_run_id IS NOT NULL;
  CREATE INDEX waits_over_idx ON {S}.waits (run_id) WHERE status <> 'waiting';
  CREATE TABLE {S}.idempotency_keys (
    function_id text NOT NULL,
    key text NOT NULL,
    run_id text NOT NULL,
    expires_at bigint NOT NULL,
    PRIMARY KEY (function_id, key)
  );
  `,
  // v4: \`inngest/function.cancelled\`. A run cancelled by cancelOn stays marked until its event is emitted
  // (after the cancelling pass commits, or by the loop after a crash in between). Runs cancelled before v4
  // count as emitted.
  `
  ALTER TABLE {S}.runs ADD COLUMN cancel_emitted boolean NOT NULL DEFAULT true;
  ALTER TABLE {S}.runs ALTER COLUMN cancel_emitted SET DEFAULT false;
  CREATE INDEX runs_cancel_pending_idx ON {S}.runs (ended_at) WHERE status = 'cancelled' AND NOT cancel_emitted;
  `,
  // v5: concurrency counts steps in flight. A leased run holds \`slots\` of each of its keys: 1, or as many as
  // parallel steps it is calling at once (granted under the claim lock).
  `
  ALTER TABLE {S}.runs ADD COLUMN slots integer NOT NULL DEFAULT 1;
  `,
  // v6: executor errors (a statement the database refused, say) count against a run's attempts, so such a
  // run fails after its retries instead of being retried forever; a step done resets the count.
  `
  ALTER TABLE {S}.runs ADD COLUMN executor_errors integer NOT NULL DEFAULT 0;
  `,
  // v7: event payloads, step outputs and errors, run outputs and errors and wait results are JSON text, not
  // jsonb: jsonb refuses \u0000 and lone surrogates, and reorders object keys, while Inngest keeps any JSON
  // the SDK sends. (Values stored before v7 keep jsonb's key order.)
  `
  ALTER TABLE {S}.events ALTER COLUMN payload TYPE text USING payload::text;
  ALTER TABLE {S}.steps ALTER COLUMN data TYPE text USING data::text, ALTER COLUMN error TYPE text USING error::text;
  ALTER TABLE {S}.runs ALTER COLUMN output TYPE text USING output::text, ALTER COLUMN error TYPE text USING error::text;
  ALTER TABLE {S}.waits ALTER COLUMN result TYPE text USING result::text;
  `,
];

/** Creating, migrating and dropping the schema. */
export function migrationQueries({ q, S, schema }: StorageContext) {
  const lockKey = `herald-jobs-migrate:${schema}`;
  const readVersion = async (): Promise<number> => {
    const res = await q<{ value: string }>(`SELECT value FROM ${S}.meta WHERE key = 'schema_version'`);
    return res.rows[0] ? Number(res.rows[0].value) : 0;
  };

  return {
    /**
     * Creates the schema and applies pending migrations, under an advisory lock so concurrent starts are
     * safe. Idempotent.
     * @throws when the database holds a newer schema version than this code knows.
     */
    async migrate(): Promise<void> {
      // Each message below is one implicit transaction holding an advisory lock: concurrent starts queue.
      await q(
        `SELECT pg_advisory_xact_lock(hashtext($1));
         CREATE SCHEMA IF NOT EXISTS ${S};
         CREATE TABLE IF NOT EXISTS ${S}.meta (key text PRIMARY KEY, value text NOT NULL);`,
        [lockKey],
      );
      for (;;) {
        const current = await readVersion();
        if (current > SCHEMA_VERSION) {
          throw new Error(
            `herald jobs storage: schema ${schema} is at version ${current}, newer than this executor (${SCHEMA_VERSION}); upgrade Herald`,
          );
        }
        if (current === SCHEMA_VERSION) return;
        try {
          await q(
            `SELECT pg_advisory_xact_lock(hashtext($1));
             ${(MIGRATIONS[current] as string).replaceAll("{S}", S)}
             INSERT INTO ${S}.meta (key, value) VALUES ('schema_version', $2)
               ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;`,
            [lockKey, String(current + 1)],
          );
        } catch (err) {
          // Another process applied this version while we waited for the lock: re-read and go on.
          if ((await readVersion()) > current) continue;
          throw err;
        }
      }
    },

    /** Drops the whole schema (tests). */
    async dropSchema(): Promise<void> {
      await q(`DROP SCHEMA IF EXISTS ${S} CASCADE`);
    },
  };
}

/**
 * The executor's own storage, like a real Inngest server's: a PostgreSQL schema (default `herald_jobs`)
 * that the executor creates and migrates at start (idempotent, versioned DDL recorded in `meta`).
 *
 * Written for both PostgreSQL 15 and PGlite 0.5 over the wire (docs/architecture.md, "Layers"): every change is ONE statement
 * (event ingestion uses data-modifying CTEs; a migration is one multi-statement message, itself an implicit
 * transaction), never an explicit transaction; no LISTEN/NOTIFY.
 *
 * A single statement is parameterised and prepared once per connection under a name (so PostgreSQL parses
 * and plans it once, not on every run: the executor's throughput rose by ~20 %, bench/RESULTS.md
 * "Executor"). That needs a PGlite server that keeps a connection's extended-protocol messages together and
 * its statement names apart, as Herald's embedded database does (server/embedded/database-host.ts; the
 * stock pglite-socket 0.2.17 interleaves them). A message of several statements (migrations, the claim
 * with its lock) goes with the simple query protocol, its parameters inlined as escaped literals by
 * {@link inlineParams}. Work is claimed with
 * `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`, under a lease with an expiry, so two
 * executor processes never run the same attempt at once and a crashed process's runs are retaken when its
 * lease expires. Writes by a lease holder are guarded by `lease_owner = <me>` and `status = 'running'` (a run
 * cancelled by cancelOn accepts no further write). A claim is one multi-statement message (an implicit
 * transaction): a transaction-scoped advisory lock, then the claim, so concurrency limits hold across
 * executor processes.
 *
 * Tables: `events` (with `seq`, one sequence shared with `waits`, and `matched`: whether its matching pass
 * for waitForEvent/cancelOn is done), `event_dedupe`, `runs` (with `trigger_seq` and its `concurrency`
 * slots), `steps` (the memo), `cron_ticks`, `waits` (`step.waitForEvent` / `step.invoke`), and
 * `idempotency_keys`.
 *
 * All times are ms since the Unix epoch (UTC) read from the executor's injectable clock.
 */
import pg from "pg";
import { statementNames } from "../../db/statement-names";
import type { ConcurrencySlot } from "./functions";
import type { SerializedError, StoredEvent } from "./protocol";

/** Lifecycle of a run. `cancelled`: stopped by a `cancelOn` event; it never runs another step. */
export type RunStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

/**
 * A step waiting in a run: a planned step (parallel or deferred, or a step retry) that still has to be called
 * with `stepId=<id>`; a sleep (`kind: "sleep"`, from a `Sleep` op) memoized as `null` at `nextAt`; or a
 * wait (`"wait"`: `step.waitForEvent`; `"invoke"`: `step.invoke`) whose row in `waits` is resolved by an
 * event or a finished child run, or times out at `nextAt`.
 */
export interface PlannedStep {
  /** Hashed step id. */
  id: string;
  /** Display name, for logs. */
  name?: string;
  /**
   * `"sleep"`: no call; at `nextAt` the step is memoized `null` (the sleep is over). `"wait"`/`"invoke"`:
   * no call; memoized when its `waits` row is resolved, or timed out at `nextAt`. Absent: a step to call.
   */
  kind?: "sleep" | "wait" | "invoke";
  /** Attempt of the next call of this step (0-based). */
  attempt: number;
  /** When that call is due (a sleep: its wake-up time), ms since the epoch. */
  nextAt: number;
}

/** A run as stored. */
export interface RunRow {
  id: string;
  functionId: string;
  /** Internal ids of the triggering events (one today; several once batching exists). */
  eventIds: string[];
  status: RunStatus;
  /** Attempt of the next discovery call (`stepId=step`), 0-based; reset after progress. */
  attempt: number;
  maxAttempts: number;
  /** Retries spent so far across the run (every re-call after an error). */
  retries: number;
  /** SDK calls made so far. */
  calls: number;
  /** Execution version to send (`-1` until the SDK has answered with one). */
  version: number;
  disableImmediateExecution: boolean;
  planned: PlannedStep[];
  output: unknown;
  error: SerializedError | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  updatedAt: number;
  /** When the run is next due, ms since the epoch. */
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
}

/** A memoized step: its hashed id, completion order and result. */
export interface StepRow {
  stepId: string;
  seq: number;
  name: string | null;
  op: string;
  kind: "data" | "error";
  data: unknown;
  error: unknown;
  completedAt: number;
}

/** An event to ingest. */
export interface IngestEvent {
  /** The id returned by the event API (a ULID; deterministic when the sender gave an id seed). */
  internalId: string;
  /** The sender's own `id`, deduplicated for 24 h. */
  dedupeKey?: string;
  event: StoredEvent;
}

/** A run to create for an accepted event. */
export interface NewRun {
  id: string;
  functionId: string;
  maxAttempts: number;
  /** The concurrency slots the run needs while it executes (functions.ts `concurrencySlots`). */
  concurrency: ConcurrencySlot[];
  /** Its idempotency key: no run is created when the function already has a run with it within 24 h. */
  idempotencyKey?: string;
}

/** A stored event as the matcher (cancelOn, waitForEvent) sees it. */
export interface MatchableEvent {
  internalId: string;
  /** Position in the executor's single sequence of events and waits (what "after" means). */
  seq: number;
  /** When the executor received it, ms since the epoch. */
  receivedAt: number;
  event: StoredEvent;
}

/** A `step.waitForEvent` wait still open, with its run's triggering event. */
export interface OpenEventWait {
  runId: string;
  stepId: string;
  eventName: string;
  expression: string | null;
  seq: number;
  expiresAt: number;
  /** The run's triggering event (the `event` of the `if` expression). */
  trigger: StoredEvent;
  triggerId: string;
}

/** An active run of a function with `cancelOn`, with its triggering event. */
export interface CancellableRun {
  id: string;
  functionId: string;
  /** Sequence number of its triggering event: only later events cancel it. */
  triggerSeq: number;
  createdAt: number;
  trigger: StoredEvent;
}

/** A wait of a run that is over: resolved (`result` is the memo entry) or timed out. */
export interface SettledWait {
  stepId: string;
  kind: "event" | "invoke";
  status: "resolved" | "timed_out";
  result: { data: unknown } | { error: unknown } | null;
}

/** Filter of {@link Storage.listRuns}. */
export interface RunFilter {
  functionId?: string;
  status?: RunStatus | RunStatus[];
  /** An internal event id (as returned by the event API). */
  eventId?: string;
  limit?: number;
}

/** The current schema version this code writes. */
export const SCHEMA_VERSION = 7;

/** Default schema name. */
export const DEFAULT_SCHEMA = "herald_jobs";

const ACTIVE = "('queued','running')";

/** The error an invoking run's `step.invoke` receives when the invoked run is cancelled. */
export const INVOKED_RUN_CANCELLED = "the invoked function run was cancelled";

/** SQL: one of run `r`'s waits is over (resolved by an event or a finished child run, or timed out but not yet memoized). */
const waitOver = (S: string) => `EXISTS (SELECT 1 FROM ${S}.waits w WHERE w.run_id = r.id AND w.status <> 'waiting')`;

/** SQL: run `r` is due at `now` (a parameter) — its time has come, or one of its waits is over. */
const due = (S: string, now: string) => `(r.next_attempt_at <= ${now} OR ${waitOver(S)})`;

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

interface RunDbRow {
  id: string;
  function_id: string;
  event_ids: string[];
  status: RunStatus;
  attempt: number;
  max_attempts: number;
  retries: number;
  calls: number;
  version: number;
  disable_immediate_execution: boolean;
  planned: PlannedStep[];
  output: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  updated_at: string;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
}

const num = (v: string | number): number => Number(v);
const numOrNull = (v: string | number | null): number | null => (v === null ? null : Number(v));

function toRun(r: RunDbRow): RunRow {
  return {
    id: r.id,
    functionId: r.function_id,
    eventIds: r.event_ids,
    status: r.status,
    attempt: r.attempt,
    maxAttempts: r.max_attempts,
    retries: r.retries,
    calls: r.calls,
    version: r.version,
    disableImmediateExecution: r.disable_immediate_execution,
    planned: r.planned,
    output: fromJson(r.output),
    error: fromJson(r.error) as SerializedError | null,
    createdAt: num(r.created_at),
    startedAt: numOrNull(r.started_at),
    endedAt: numOrNull(r.ended_at),
    updatedAt: num(r.updated_at),
    nextAttemptAt: num(r.next_attempt_at),
    leaseOwner: r.lease_owner,
    leaseExpiresAt: numOrNull(r.lease_expires_at),
  };
}

interface MatchableDbRow {
  internal_id: string;
  seq: string;
  received_at: string;
  payload: string;
}

const toMatchable = (r: MatchableDbRow): MatchableEvent => ({
  internalId: r.internal_id,
  seq: num(r.seq),
  receivedAt: num(r.received_at),
  event: JSON.parse(r.payload) as StoredEvent,
});

/** A run with its triggering event (`runWithTrigger` in createStorage): cancellable runs, cancellations to announce. */
interface RunTriggerDbRow {
  id: string;
  function_id: string;
  trigger_seq: string;
  created_at: string;
  trigger: string;
}

const toCancellable = (r: RunTriggerDbRow): CancellableRun => ({
  id: r.id,
  functionId: r.function_id,
  triggerSeq: num(r.trigger_seq),
  createdAt: num(r.created_at),
  trigger: JSON.parse(r.trigger) as StoredEvent,
});

/**
 * JSON text for a parameter (jsonb, or the text columns that hold user data); `undefined` becomes JSON
 * `null` (never SQL NULL). `JSON.stringify` escapes U+0000 and lone surrogates, so any value fits a text column.
 */
const json = (v: unknown): string => JSON.stringify(v ?? null);

/** A JSON text column's value (SQL NULL stays null). */
const fromJson = (t: string | null): unknown => (t === null ? null : (JSON.parse(t) as unknown));

/**
 * Renders one parameter as a SQL literal: null/undefined → NULL, booleans, finite numbers, bigints,
 * strings (`pg.escapeLiteral`: quotes and backslashes escaped), and arrays of strings (`ARRAY[…]::text[]`).
 * @throws for any other value (objects must be passed as JSON text and cast in SQL).
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`sqlLiteral: ${value} is not a finite number`);
    return value < 0 ? `(${value})` : String(value);
  }
  if (typeof value === "bigint") return value < 0n ? `(${value})` : String(value);
  if (typeof value === "string") return pg.escapeLiteral(value);
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
    return `ARRAY[${value.map((v) => pg.escapeLiteral(v)).join(", ")}]::text[]`;
  }
  throw new Error(`sqlLiteral: unsupported parameter type ${typeof value}`);
}

/**
 * Replaces `$1`, `$2`, … in `text` by the literals of `params`, in one pass (inserted text is never
 * rescanned). The SQL templates of this module contain `$n` only as placeholders.
 * @throws when a placeholder has no parameter.
 */
export function inlineParams(text: string, params: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) throw new Error(`inlineParams: no parameter for $${n}`);
    return sqlLiteral(params[index]);
  });
}

/** A `;` followed by more SQL: a message of several statements (the extended protocol takes one). */
const MULTI_STATEMENT = /;\s*\S/;

/** The executor's queries. Create with {@link createStorage}. */
export type Storage = ReturnType<typeof createStorage>;

/**
 * Storage over `pool` in `schema`.
 * @throws when `schema` is not a plain lower-case SQL identifier.
 */
export function createStorage(pool: pg.Pool, schema: string = DEFAULT_SCHEMA) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`herald jobs storage: unsafe schema name "${schema}"`);
  const S = `"${schema}"`;
  /** Runs joined with their triggering event, as {@link toCancellable} reads them; add WHERE, ORDER BY. */
  const runWithTrigger = `SELECT r.id, r.function_id, r.trigger_seq, r.created_at, t.payload AS trigger
         FROM ${S}.runs r JOIN ${S}.events t ON t.internal_id = r.event_ids->>0`;

  const statementName = statementNames();
  /**
   * One statement, parameterised and prepared once per connection under a name derived from its text
   * (server/db/statement-names.ts: a statement whose meaning depends on a parameter being NULL stays
   * unnamed); or one multi-statement message (migrations, the claim's lock), simple protocol with its
   * parameters inlined.
   */
  const q = <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params: readonly unknown[] = []) => {
    if (MULTI_STATEMENT.test(text)) return pool.query<R>(inlineParams(text, params));
    const name = statementName({ sql: text });
    return pool.query<R>({ text, values: [...params], ...(name ? { name } : {}) });
  };
  const lockKey = `herald-jobs-migrate:${schema}`;
  const readVersion = async (): Promise<number> => {
    const res = await q<{ value: string }>(`SELECT value FROM ${S}.meta WHERE key = 'schema_version'`);
    return res.rows[0] ? Number(res.rows[0].value) : 0;
  };

  return {
    schema,

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

    /**
     * Stores events and creates their runs in one statement. An event is skipped (no runs) when its
     * internal id was seen before (a retried send with the same id seed) or its `dedupeKey` (the sender's
     * `id`) was seen within `dedupeWindowMs`. A run with an `idempotencyKey` is created only when its
     * function has no run with that key within `dedupeWindowMs` (and only the first of a batch). Events
     * take their sequence numbers in the order given; a run's `trigger_seq` is its event's. A run starts at
     * its event's `ts` when that lies more than `skewToleranceMs` in the future (Inngest delays the runs of
     * a future-dated event; a sender whose clock is slightly ahead does not).
     * @param planRuns the runs to create for an accepted event.
     * @returns the accepted events' sequence numbers by internal id, and the ids of the runs created.
     */
    async ingest(
      events: IngestEvent[],
      planRuns: (event: IngestEvent) => NewRun[],
      now: number,
      dedupeWindowMs: number,
      skewToleranceMs = 0,
    ): Promise<{ accepted: Map<string, number>; runIds: string[] }> {
      // A sender id repeated inside one batch: only its first event can be accepted.
      const seenKeys = new Set<string>();
      const candidates = events.filter((e) => {
        if (!e.dedupeKey) return true;
        if (seenKeys.has(e.dedupeKey)) return false;
        seenKeys.add(e.dedupeKey);
        return true;
      });
      if (candidates.length === 0) return { accepted: new Map(), runIds: [] };
      const input = candidates.map((e, ord) => ({
        ord,
        internal_id: e.internalId,
        id: e.event.id,
        name: e.event.name,
        payload: json(e.event),
        ts: e.event.ts,
        dedupe_key: e.dedupeKey ?? null,
      }));
      // An idempotency key repeated inside one batch: only its first run can be created.
      const seenIdempotency = new Set<string>();
      const runs = candidates.flatMap((e) =>
        planRuns(e)
          .filter((r) => {
            if (r.idempotencyKey === undefined) return true;
            const k = `${r.functionId}\u0000${r.idempotencyKey}`;
            if (seenIdempotency.has(k)) return false;
            seenIdempotency.add(k);
            return true;
          })
          .map((r) => ({
            id: r.id,
            function_id: r.functionId,
            event_internal_id: e.internalId,
            max_attempts: r.maxAttempts,
            concurrency: r.concurrency,
            idempotency_key: r.idempotencyKey ?? null,
          })),
      );
      // One statement: dedupe keys, events (in order), idempotency keys, then runs for the events inserted.
      const res = await q<{ kind: "event" | "run"; id: string; seq: string | null }>(
        `WITH input AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb)
             AS x(ord integer, internal_id text, id text, name text, payload text, ts bigint, dedupe_key text)
         ), keyed AS (
           INSERT INTO ${S}.event_dedupe (key, expires_at)
           SELECT dedupe_key, $3::bigint FROM input WHERE dedupe_key IS NOT NULL
           ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at
             WHERE ${S}.event_dedupe.expires_at <= $4
           RETURNING key
         ), accepted AS (
           INSERT INTO ${S}.events (internal_id, id, name, payload, ts, received_at)
           SELECT internal_id, id, name, payload, ts, $4 FROM input
           WHERE dedupe_key IS NULL OR dedupe_key IN (SELECT key FROM keyed)
           ORDER BY ord
           ON CONFLICT (internal_id) DO NOTHING
           RETURNING internal_id, seq
         ), planned AS (
           SELECT r.*, a.seq, i.ts FROM jsonb_to_recordset($2::jsonb)
             AS r(id text, function_id text, event_internal_id text, max_attempts integer, concurrency jsonb, idempotency_key text)
           JOIN accepted a ON a.internal_id = r.event_internal_id
           JOIN input i ON i.internal_id = r.event_internal_id
         ), idempotent AS (
           INSERT INTO ${S}.idempotency_keys (function_id, key, run_id, expires_at)
           SELECT function_id, idempotency_key, id, $3::bigint FROM planned WHERE idempotency_key IS NOT NULL
           ON CONFLICT (function_id, key) DO UPDATE SET run_id = EXCLUDED.run_id, expires_at = EXCLUDED.expires_at
             WHERE ${S}.idempotency_keys.expires_at <= $4
           RETURNING run_id
         ), created AS (
           INSERT INTO ${S}.runs (id, function_id, event_ids, status, max_attempts, created_at, updated_at, next_attempt_at, trigger_seq, concurrency)
           SELECT id, function_id, jsonb_build_array(event_internal_id), 'queued', max_attempts, $4, $4,
             CASE WHEN ts > $4 + $5 THEN ts ELSE $4 END, seq, concurrency
           FROM planned
           WHERE idempotency_key IS NULL OR id IN (SELECT run_id FROM idempotent)
           RETURNING id
         )
         SELECT 'event' AS kind, internal_id AS id, seq FROM accepted
         UNION ALL
         SELECT 'run' AS kind, id, NULL FROM created`,
        [json(input), json(runs), now + dedupeWindowMs, now, skewToleranceMs],
      );
      const accepted = new Map(res.rows.filter((r) => r.kind === "event").map((r) => [r.id, Number(r.seq)]));
      const created = new Set(res.rows.filter((r) => r.kind === "run").map((r) => r.id));
      return { accepted, runIds: runs.map((r) => r.id).filter((id) => created.has(id)) };
    },

    /**
     * Claims up to `limit` due runs for `owner` until `now + leaseMs`: queued or running, due, not under
     * another live lease, and within their concurrency limits — for every slot a run needs, the runs
     * holding a live lease on that key plus those claimed before it in this pass stay within the limit
     * (sleeping and waiting runs hold no lease, so they do not count). Claims are serialized across
     * processes by an advisory lock (the lock, then the claim: each statement reads what earlier claims
     * committed), so two executors never exceed a limit together. Runs over a limit stay queued.
     */
    async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<RunRow[]> {
      if (limit <= 0) return [];
      const res = (await pool.query(
        inlineParams(
          `SELECT pg_advisory_xact_lock(hashtext($5));
           WITH busy AS (
             SELECT k.key, sum(b.slots) AS n
             FROM ${S}.runs b CROSS JOIN LATERAL jsonb_to_recordset(b.concurrency) AS k(key text, "limit" integer)
             WHERE b.status = 'running' AND b.lease_owner IS NOT NULL AND b.lease_expires_at > $2
             GROUP BY k.key
           ), candidates AS (
             SELECT r.id, r.concurrency, r.next_attempt_at FROM ${S}.runs r
             WHERE r.status IN ${ACTIVE} AND ${due(S, "$2")}
               AND (r.lease_owner IS NULL OR r.lease_expires_at <= $2)
               AND NOT EXISTS (
                 SELECT 1 FROM jsonb_to_recordset(r.concurrency) AS k(key text, "limit" integer)
                 LEFT JOIN busy ON busy.key = k.key
                 WHERE COALESCE(busy.n, 0) >= k."limit")
             ORDER BY r.next_attempt_at, r.id
             LIMIT GREATEST($4::integer * 4, 64)
             FOR UPDATE OF r SKIP LOCKED
           ), ranked AS (
             SELECT c.id, k.key, k."limit", row_number() OVER (PARTITION BY k.key ORDER BY c.next_attempt_at, c.id) AS pos
             FROM candidates c CROSS JOIN LATERAL jsonb_to_recordset(c.concurrency) AS k(key text, "limit" integer)
           ), chosen AS (
             SELECT c.id FROM candidates c
             WHERE NOT EXISTS (
               SELECT 1 FROM ranked x LEFT JOIN busy ON busy.key = x.key
               WHERE x.id = c.id AND COALESCE(busy.n, 0) + x.pos > x."limit")
             ORDER BY c.next_attempt_at, c.id
             LIMIT $4
           )
           UPDATE ${S}.runs SET lease_owner = $1, lease_expires_at = $2::bigint + $3::bigint, slots = 1,
             status = 'running', started_at = COALESCE(started_at, $2), updated_at = $2
           WHERE id IN (SELECT id FROM chosen)
           RETURNING *`,
          [owner, now, leaseMs, limit, `herald-jobs-claim:${schema}`],
        ),
      )) as unknown as pg.QueryResult<RunDbRow>[];
      return (res[res.length - 1] as pg.QueryResult<RunDbRow>).rows.map(toRun);
    },

    /**
     * Sets how many steps `owner`'s run calls at once: `want`, or fewer so that, for each of the run's
     * concurrency keys, the steps in flight of all leased runs stay within the key's limit (never fewer than
     * the 1 slot the run holds by its lease). Serialized with claims by the same advisory lock.
     * @returns the slots granted; 0 when the lease was lost or the run is no longer running.
     */
    async takeSlots(runId: string, owner: string, want: number, now: number): Promise<number> {
      const res = (await pool.query(
        inlineParams(
          `SELECT pg_advisory_xact_lock(hashtext($5));
           WITH mine AS (
             SELECT k.key, k."limit" FROM ${S}.runs r CROSS JOIN LATERAL jsonb_to_recordset(r.concurrency) AS k(key text, "limit" integer)
             WHERE r.id = $1
           ), busy AS (
             SELECT k.key, sum(b.slots) AS n
             FROM ${S}.runs b CROSS JOIN LATERAL jsonb_to_recordset(b.concurrency) AS k(key text, "limit" integer)
             WHERE b.status = 'running' AND b.lease_owner IS NOT NULL AND b.lease_expires_at > $3 AND b.id <> $1
               AND k.key IN (SELECT key FROM mine)
             GROUP BY k.key
           ), granted AS (
             SELECT GREATEST(1, LEAST($4::integer, COALESCE(min(m."limit" - COALESCE(busy.n, 0)), $4::integer)))::integer AS n
             FROM mine m LEFT JOIN busy ON busy.key = m.key
           )
           UPDATE ${S}.runs SET slots = (SELECT n FROM granted)
           WHERE id = $1 AND lease_owner = $2 AND status = 'running'
           RETURNING slots`,
          [runId, owner, now, want, `herald-jobs-claim:${schema}`],
        ),
      )) as unknown as pg.QueryResult<{ slots: number }>[];
      const rows = (res[res.length - 1] as pg.QueryResult<{ slots: number }>).rows;
      return rows[0] ? Number(rows[0].slots) : 0;
    },

    /** Extends `owner`'s lease on a running run to `until`; false when the lease was lost or the run ended or was cancelled. */
    async renewLease(runId: string, owner: string, until: number): Promise<boolean> {
      const res = await q(`UPDATE ${S}.runs SET lease_expires_at = $3 WHERE id = $1 AND lease_owner = $2 AND status = 'running'`, [runId, owner, until]);
      return res.rowCount === 1;
    },

    /** Releases every lease `owner` holds (graceful stop): the runs become claimable at once. */
    async releaseLeases(owner: string): Promise<number> {
      const res = await q(`UPDATE ${S}.runs SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1`, [owner]);
      return res.rowCount ?? 0;
    },

    /**
     * Counts an executor error against `owner`'s run (the lease is kept).
     * @returns the run's executor errors so far; 0 when the lease was lost.
     */
    async recordExecutorError(runId: string, owner: string): Promise<number> {
      const res = await q<{ executor_errors: number }>(
        `UPDATE ${S}.runs SET executor_errors = executor_errors + 1 WHERE id = $1 AND lease_owner = $2 RETURNING executor_errors`,
        [runId, owner],
      );
      return res.rows[0] ? Number(res.rows[0].executor_errors) : 0;
    },

    /** Gives up `owner`'s lease on one run, to be retried at `nextAttemptAt` (after an executor error). */
    async releaseRun(runId: string, owner: string, nextAttemptAt: number): Promise<boolean> {
      const res = await q(
        `UPDATE ${S}.runs SET lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $3
         WHERE id = $1 AND lease_owner = $2`,
        [runId, owner, nextAttemptAt],
      );
      return res.rowCount === 1;
    },

    /** The payloads of events by internal id, in the order given. */
    async loadEvents(internalIds: string[]): Promise<StoredEvent[]> {
      const res = await q<{ internal_id: string; payload: string }>(
        `SELECT internal_id, payload FROM ${S}.events WHERE internal_id = ANY($1::text[])`,
        [internalIds],
      );
      const byId = new Map(res.rows.map((r) => [r.internal_id, JSON.parse(r.payload) as StoredEvent]));
      return internalIds.flatMap((id) => {
        const e = byId.get(id);
        return e ? [e] : [];
      });
    },

    /** A run's memoized steps in completion order. */
    async loadSteps(runId: string): Promise<StepRow[]> {
      const res = await q<{
        step_id: string;
        seq: number;
        name: string | null;
        op: string;
        kind: "data" | "error";
        data: string | null;
        error: string | null;
        completed_at: string;
      }>(`SELECT step_id, seq, name, op, kind, data, error, completed_at FROM ${S}.steps WHERE run_id = $1 ORDER BY seq`, [runId]);
      return res.rows.map((r) => ({
        stepId: r.step_id,
        seq: r.seq,
        name: r.name,
        op: r.op,
        kind: r.kind,
        data: fromJson(r.data),
        error: fromJson(r.error),
        completedAt: num(r.completed_at),
      }));
    },

    /**
     * Memoizes a step's result as the next in completion order, if `owner` holds the run's lease.
     * @returns "saved", "exists" (already memoized: not overwritten), or "lost" (lease lost: nothing written).
     */
    async saveStep(
      runId: string,
      owner: string,
      step: { stepId: string; name?: string | null; op: string; kind: "data" | "error"; value: unknown },
      now: number,
    ): Promise<"saved" | "exists" | "lost"> {
      const res = await q(
        `WITH owned AS (SELECT id FROM ${S}.runs WHERE id = $1 AND lease_owner = $2 AND status = 'running' FOR UPDATE),
         -- A step done is progress: executor errors count again from zero (only consecutive ones fail a run).
         progressed AS (UPDATE ${S}.runs SET executor_errors = 0 WHERE id IN (SELECT id FROM owned) AND executor_errors > 0)
         INSERT INTO ${S}.steps (run_id, step_id, seq, name, op, kind, data, error, completed_at)
         SELECT owned.id, $3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM ${S}.steps WHERE run_id = $1), $4, $5, $6, $7, $8, $9
         FROM owned
         ON CONFLICT (run_id, step_id) DO NOTHING
         RETURNING seq`,
        [
          runId,
          owner,
          step.stepId,
          step.name ?? null,
          step.op,
          step.kind,
          step.kind === "data" ? json(step.value) : null,
          step.kind === "error" ? json(step.value) : null,
          now,
        ],
      );
      if (res.rowCount === 1) return "saved";
      const check = await q<{ owned: boolean }>(`SELECT lease_owner = $2 AND status = 'running' AS owned FROM ${S}.runs WHERE id = $1`, [runId, owner]);
      return check.rows[0]?.owned ? "exists" : "lost";
    },

    /**
     * Stores step outputs the SDK checkpointed during a call (docs/protocols.md "Checkpointing"), in one
     * statement, if `owner` still holds the run's lease and the run is running. Nothing is stored when the
     * run would reach `maxSteps` steps (the caller then gets the steps back in the call's answer and fails
     * the run before another step runs) or its state (events and step outputs, UTF-8 bytes of their JSON)
     * would exceed `maxStateBytes`. A step already stored (a retried checkpoint) is kept as it was.
     * @returns `lost` (not this owner's running run), `stepLimit`, `stateLimit`, or `saved` with the count of new steps.
     */
    async checkpointSteps(
      runId: string,
      owner: string,
      steps: { stepId: string; name: string | null; value: unknown }[],
      now: number,
      limits: { maxSteps: number; maxStateBytes: number },
    ): Promise<{ status: "lost" | "stepLimit" | "stateLimit" } | { status: "saved"; inserted: number }> {
      const data = steps.map((s) => json(s.value));
      const newBytes = data.reduce((n, d) => n + Buffer.byteLength(d, "utf8"), 0);
      const res = await q<{ owned: boolean; steps: number; bytes: string; inserted: number }>(
        `WITH owned AS (SELECT id, event_ids FROM ${S}.runs WHERE id = $1 AND lease_owner = $2 AND status = 'running' FOR UPDATE),
         have AS (
           SELECT count(*)::int AS n, COALESCE(MAX(seq), 0) AS seq,
                  COALESCE(SUM(octet_length(COALESCE(data, '')) + octet_length(COALESCE(error, ''))), 0)::bigint AS bytes
           FROM ${S}.steps WHERE run_id = $1),
         ev AS (
           SELECT COALESCE(SUM(octet_length(payload)), 0)::bigint AS bytes FROM ${S}.events
           WHERE internal_id IN (SELECT jsonb_array_elements_text(event_ids) FROM owned)),
         ok AS (SELECT owned.id FROM owned, have, ev WHERE have.n + $6 < $7 AND have.bytes + ev.bytes + $8 <= $9),
         progressed AS (UPDATE ${S}.runs SET executor_errors = 0 WHERE id IN (SELECT id FROM ok) AND executor_errors > 0),
         ins AS (
           INSERT INTO ${S}.steps (run_id, step_id, seq, name, op, kind, data, error, completed_at)
           SELECT ok.id, s.step_id, have.seq + s.ord::int, s.name, 'StepRun', 'data', s.data, NULL, $10
           FROM ok, have, unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS s(step_id, name, data, ord)
           ON CONFLICT (run_id, step_id) DO NOTHING
           RETURNING 1)
         SELECT EXISTS (SELECT 1 FROM owned) AS owned, have.n AS steps, (have.bytes + ev.bytes)::text AS bytes,
                (SELECT count(*)::int FROM ins) AS inserted
         FROM have, ev`,
        [
          runId,
          owner,
          steps.map((s) => s.stepId),
          steps.map((s) => s.name),
          data,
          steps.length,
          limits.maxSteps,
          newBytes,
          limits.maxStateBytes,
          now,
        ],
      );
      const row = res.rows[0];
      if (!row?.owned) return { status: "lost" };
      if (row.steps + steps.length >= limits.maxSteps) return { status: "stepLimit" };
      if (Number(row.bytes) + newBytes > limits.maxStateBytes) return { status: "stateLimit" };
      return { status: "saved", inserted: row.inserted };
    },

    /**
     * Saves a run's progress if `owner` holds its lease; with `release`, gives the lease up (the run waits
     * for `nextAttemptAt`). Returns false when the lease was lost.
     */
    async saveProgress(
      runId: string,
      owner: string,
      state: Pick<RunRow, "attempt" | "retries" | "calls" | "version" | "disableImmediateExecution" | "planned" | "nextAttemptAt">,
      now: number,
      release: boolean,
    ): Promise<boolean> {
      const res = await q(
        `UPDATE ${S}.runs SET attempt = $3, retries = $4, calls = $5, version = $6, disable_immediate_execution = $7,
           planned = $8::jsonb, next_attempt_at = $9, updated_at = $10,
           lease_owner = CASE WHEN $11::boolean THEN NULL ELSE lease_owner END,
           lease_expires_at = CASE WHEN $11::boolean THEN NULL ELSE lease_expires_at END
         WHERE id = $1 AND lease_owner = $2 AND status = 'running'`,
        [
          runId,
          owner,
          state.attempt,
          state.retries,
          state.calls,
          state.version,
          state.disableImmediateExecution,
          json(state.planned),
          state.nextAttemptAt,
          now,
          release,
        ],
      );
      return res.rowCount === 1;
    },

    /**
     * Ends a run (completed with `output`, or failed with `error`) if `owner` holds its lease, and in the
     * same statement resolves the `step.invoke` wait of the run that invoked it (`{data: output}` or
     * `{error}`, SDK_SPEC.md §5.3.4).
     * @returns whether the run was ended here, and whether an invoking run was resumed.
     */
    async finishRun(
      runId: string,
      owner: string,
      end: { status: "completed"; output: unknown; calls: number } | { status: "failed"; error: SerializedError; calls: number },
      now: number,
    ): Promise<{ ok: boolean; resumedParent: boolean }> {
      const res = await q<{ done: string; parents: string }>(
        `WITH done AS (
           UPDATE ${S}.runs SET status = $3, output = $4, error = $5, calls = $6, planned = '[]',
             ended_at = $7, updated_at = $7, lease_owner = NULL, lease_expires_at = NULL
           WHERE id = $1 AND lease_owner = $2 AND status = 'running'
           RETURNING id
         ), parents AS (
           UPDATE ${S}.waits SET status = 'resolved', result = $8, resolved_at = $7
           WHERE kind = 'invoke' AND child_run_id = $1 AND status = 'waiting' AND EXISTS (SELECT 1 FROM done)
           RETURNING run_id
         )
         SELECT (SELECT count(*) FROM done) AS done, (SELECT count(*) FROM parents) AS parents`,
        [
          runId,
          owner,
          end.status,
          end.status === "completed" ? json(end.output) : null,
          end.status === "failed" ? json(end.error) : null,
          end.calls,
          now,
          json(end.status === "completed" ? { data: end.output ?? null } : { error: end.error }),
        ],
      );
      const row = res.rows[0];
      return { ok: Number(row?.done ?? 0) === 1, resumedParent: Number(row?.parents ?? 0) > 0 };
    },

    /**
     * The earliest time after which some active run not leased by `owner` may become claimable (its due
     * time — now when one of its waits is over — or its current lease's expiry), or null when there is none.
     */
    async nextWakeAt(owner: string): Promise<number | null> {
      const res = await q<{ at: string | null }>(
        `SELECT MIN(GREATEST(CASE WHEN ${waitOver(S)} THEN 0 ELSE r.next_attempt_at END, COALESCE(r.lease_expires_at, 0))) AS at
         FROM ${S}.runs r
         WHERE r.status IN ${ACTIVE} AND r.lease_owner IS DISTINCT FROM $1`,
        [owner],
      );
      const at = res.rows[0]?.at;
      return at === null || at === undefined ? null : Number(at);
    },

    /** How many active runs are due at `now` (claimed or not, including runs held back by a concurrency limit), plus events not yet matched. */
    async countDue(now: number): Promise<number> {
      const res = await q<{ n: string }>(
        `SELECT (SELECT count(*) FROM ${S}.runs r WHERE r.status IN ${ACTIVE} AND ${due(S, "$1")})
              + (SELECT count(*) FROM ${S}.events WHERE NOT matched) AS n`,
        [now],
      );
      return Number(res.rows[0]?.n ?? 0);
    },

    /** Runs, oldest first. */
    async listRuns(filter: RunFilter = {}): Promise<RunRow[]> {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.functionId) {
        params.push(filter.functionId);
        where.push(`function_id = $${params.length}`);
      }
      if (filter.status) {
        params.push(Array.isArray(filter.status) ? filter.status : [filter.status]);
        where.push(`status = ANY($${params.length}::text[])`);
      }
      if (filter.eventId) {
        params.push(json([filter.eventId]));
        where.push(`event_ids @> $${params.length}::jsonb`);
      }
      params.push(filter.limit ?? 1000);
      const res = await q<RunDbRow>(
        `SELECT * FROM ${S}.runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY created_at, id LIMIT $${params.length}`,
        params,
      );
      return res.rows.map(toRun);
    },

    /** The latest tick recorded for `functionId` under the expression `cron`, or null. */
    async lastCronTick(functionId: string, cron: string): Promise<number | null> {
      const res = await q<{ at: string | null }>(
        `SELECT MAX(tick_at) AS at FROM ${S}.cron_ticks WHERE function_id = $1 AND cron = $2`,
        [functionId, cron],
      );
      const at = res.rows[0]?.at;
      return at === null || at === undefined ? null : Number(at);
    },

    /**
     * Records a cron tick and, only if this insert is the first for (function, tick), stores its event and
     * creates its run — one statement, so a tick another process already recorded does nothing.
     * @returns true when this call created the run.
     */
    async recordCronTick(
      tick: {
        functionId: string;
        tickAt: number;
        cron: string;
        runId: string;
        maxAttempts: number;
        concurrency: ConcurrencySlot[];
        event: IngestEvent;
      },
      now: number,
    ): Promise<boolean> {
      const res = await q<{ id: string }>(
        `WITH tick AS (
           INSERT INTO ${S}.cron_ticks (function_id, tick_at, cron, run_id, created_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (function_id, tick_at) DO NOTHING
           RETURNING run_id
         ), ev AS (
           INSERT INTO ${S}.events (internal_id, id, name, payload, ts, received_at)
           SELECT $6, $7, $8, $9, $10, $5 FROM tick
           ON CONFLICT (internal_id) DO NOTHING
           RETURNING internal_id, seq
         ), created AS (
           INSERT INTO ${S}.runs (id, function_id, event_ids, status, max_attempts, created_at, updated_at, next_attempt_at, trigger_seq, concurrency)
           SELECT run_id, $1, jsonb_build_array($6::text), 'queued', $11, $5, $5, $5, COALESCE((SELECT seq FROM ev), 0), $12::jsonb FROM tick
           RETURNING id
         )
         SELECT id FROM created`,
        [
          tick.functionId,
          tick.tickAt,
          tick.cron,
          tick.runId,
          now,
          tick.event.internalId,
          tick.event.event.id,
          tick.event.event.name,
          json(tick.event.event),
          tick.event.event.ts,
          tick.maxAttempts,
          json(tick.concurrency),
        ],
      );
      return res.rowCount === 1;
    },

    /**
     * Opens a `step.waitForEvent` wait for a run `owner` holds (idempotent: an existing wait is kept).
     * @returns the wait's sequence number (events after it can resolve it), or null when the lease was lost.
     */
    async createEventWait(
      runId: string,
      owner: string,
      wait: { stepId: string; eventName: string; expression: string | null; expiresAt: number },
      now: number,
    ): Promise<number | null> {
      const res = await q<{ owned: string; seq: string | null }>(
        `WITH owned AS (SELECT id FROM ${S}.runs WHERE id = $1 AND lease_owner = $2 AND status = 'running' FOR UPDATE),
         ins AS (
           INSERT INTO ${S}.waits (run_id, step_id, kind, event_name, expression, created_at, expires_at)
           SELECT id, $3, 'event', $4, $5, $6, $7 FROM owned
           ON CONFLICT (run_id, step_id) DO NOTHING
           RETURNING seq
         )
         SELECT (SELECT count(*) FROM owned) AS owned,
                COALESCE((SELECT seq FROM ins), (SELECT seq FROM ${S}.waits WHERE run_id = $1 AND step_id = $3)) AS seq`,
        [runId, owner, wait.stepId, wait.eventName, wait.expression, now, wait.expiresAt],
      );
      const row = res.rows[0];
      return row && Number(row.owned) === 1 && row.seq !== null ? Number(row.seq) : null;
    },

    /**
     * `step.invoke`: for a run `owner` holds, stores the `inngest/function.invoked` event, creates the
     * child run and opens the `invoke` wait, in one statement. Idempotent by the given ids (a retake after a
     * crash creates nothing twice).
     * @returns "started", "exists" (child and wait were created before), or "lost" (lease lost: nothing written).
     */
    async startInvoke(
      runId: string,
      owner: string,
      invoke: {
        stepId: string;
        childRunId: string;
        functionId: string;
        maxAttempts: number;
        concurrency: ConcurrencySlot[];
        expiresAt: number;
        event: IngestEvent;
      },
      now: number,
    ): Promise<"started" | "exists" | "lost"> {
      const res = await q<{ owned: string; created: string }>(
        `WITH owned AS (SELECT id FROM ${S}.runs WHERE id = $1 AND lease_owner = $2 AND status = 'running' FOR UPDATE),
         ev AS (
           INSERT INTO ${S}.events (internal_id, id, name, payload, ts, received_at, matched)
           SELECT $3, $4, $5, $6, $7, $8, true FROM owned
           ON CONFLICT (internal_id) DO NOTHING
           RETURNING internal_id, seq
         ), child AS (
           INSERT INTO ${S}.runs (id, function_id, event_ids, status, max_attempts, created_at, updated_at, next_attempt_at, trigger_seq, concurrency)
           SELECT $9, $10, jsonb_build_array(ev.internal_id), 'queued', $11, $8, $8, $8, ev.seq, $12::jsonb FROM ev
           RETURNING id
         ), wait AS (
           INSERT INTO ${S}.waits (run_id, step_id, kind, child_run_id, created_at, expires_at)
           SELECT id, $13, 'invoke', $9, $8, $14 FROM owned
           ON CONFLICT (run_id, step_id) DO NOTHING
           RETURNING run_id
         )
         SELECT (SELECT count(*) FROM owned) AS owned, (SELECT count(*) FROM child) AS created`,
        [
          runId,
          owner,
          invoke.event.internalId,
          invoke.event.event.id,
          invoke.event.event.name,
          json(invoke.event.event),
          invoke.event.event.ts,
          now,
          invoke.childRunId,
          invoke.functionId,
          invoke.maxAttempts,
          json(invoke.concurrency),
          invoke.stepId,
          invoke.expiresAt,
        ],
      );
      const row = res.rows[0];
      if (!row || Number(row.owned) !== 1) return "lost";
      return Number(row.created) === 1 ? "started" : "exists";
    },

    /**
     * For a run `owner` holds: times out its open waits whose `expires_at` has come, and returns every wait
     * of the run that is over (resolved or timed out), to be memoized then deleted
     * ({@link Storage.deleteWaits}). An event and the timeout race on the wait's status: one of them wins.
     */
    async settleWaits(runId: string, owner: string, now: number): Promise<SettledWait[]> {
      const res = await q<{ step_id: string; kind: "event" | "invoke"; status: "resolved" | "timed_out"; result: string | null }>(
        `WITH owned AS (SELECT id FROM ${S}.runs WHERE id = $1 AND lease_owner = $2 AND status = 'running'),
         timed AS (
           UPDATE ${S}.waits SET status = 'timed_out', resolved_at = $3
           WHERE run_id IN (SELECT id FROM owned) AND status = 'waiting' AND expires_at <= $3
           RETURNING step_id, kind, status, result
         )
         SELECT step_id, kind, status, result FROM ${S}.waits WHERE run_id IN (SELECT id FROM owned) AND status <> 'waiting'
         UNION ALL
         SELECT step_id, kind, status, result FROM timed`,
        [runId, owner, now],
      );
      return res.rows.map((r) => ({ stepId: r.step_id, kind: r.kind, status: r.status, result: fromJson(r.result) as SettledWait["result"] }));
    },

    /** Deletes waits that are over (once memoized), for a run `owner` holds. */
    async deleteWaits(runId: string, owner: string, stepIds: string[]): Promise<void> {
      if (stepIds.length === 0) return;
      await q(
        `DELETE FROM ${S}.waits WHERE run_id = $1 AND step_id = ANY($3::text[]) AND status <> 'waiting'
           AND EXISTS (SELECT 1 FROM ${S}.runs WHERE id = $1 AND lease_owner = $2)`,
        [runId, owner, stepIds],
      );
    },

    /** Open `step.waitForEvent` waits for any of `names` that began before sequence number `beforeSeq`. */
    async openEventWaits(names: string[], beforeSeq: number): Promise<OpenEventWait[]> {
      const res = await q<{
        run_id: string;
        step_id: string;
        event_name: string;
        expression: string | null;
        seq: string;
        expires_at: string;
        trigger: string;
        trigger_id: string;
      }>(
        `SELECT w.run_id, w.step_id, w.event_name, w.expression, w.seq, w.expires_at, t.payload AS trigger, t.internal_id AS trigger_id
         FROM ${S}.waits w
         JOIN ${S}.runs r ON r.id = w.run_id
         JOIN ${S}.events t ON t.internal_id = r.event_ids->>0
         WHERE w.kind = 'event' AND w.status = 'waiting' AND w.event_name = ANY($1::text[]) AND w.seq < $2
           AND r.status IN ${ACTIVE}
         ORDER BY w.seq`,
        [names, beforeSeq],
      );
      return res.rows.map((r) => ({
        runId: r.run_id,
        stepId: r.step_id,
        eventName: r.event_name,
        expression: r.expression,
        seq: num(r.seq),
        expiresAt: num(r.expires_at),
        trigger: JSON.parse(r.trigger) as StoredEvent,
        triggerId: r.trigger_id,
      }));
    },

    /** Active runs of `functionIds` triggered before sequence number `beforeSeq`, with their triggering events. */
    async cancellableRuns(functionIds: string[], beforeSeq: number): Promise<CancellableRun[]> {
      if (functionIds.length === 0) return [];
      const res = await q<RunTriggerDbRow>(
        `${runWithTrigger} WHERE r.function_id = ANY($1::text[]) AND r.status IN ${ACTIVE} AND r.trigger_seq < $2
         ORDER BY r.trigger_seq`,
        [functionIds, beforeSeq],
      );
      return res.rows.map(toCancellable);
    },

    /**
     * Applies one matching pass, in one statement: cancels runs (status `cancelled`, `error` = the reason,
     * lease cleared, waits dropped; a run that invoked a cancelled run gets `{error}` for its `step.invoke`),
     * resolves `step.waitForEvent` waits still open with their memo entry, and marks the events matched.
     * @returns the runs cancelled here and the runs resumed (a wait of theirs resolved).
     */
    async applyMatches(
      pass: {
        cancels: { runId: string; reason: SerializedError }[];
        resolutions: { runId: string; stepId: string; result: { data: unknown } }[];
        matchedEventIds: string[];
      },
      now: number,
    ): Promise<{ cancelled: string[]; resumed: string[] }> {
      const res = await q<{ kind: "cancelled" | "resumed"; id: string }>(
        `WITH cancelled AS (
           UPDATE ${S}.runs r SET status = 'cancelled', error = x.reason, planned = '[]', ended_at = $3, updated_at = $3,
             lease_owner = NULL, lease_expires_at = NULL
           FROM jsonb_to_recordset($1::jsonb) AS x(run_id text, reason text)
           WHERE r.id = x.run_id AND r.status IN ${ACTIVE}
           RETURNING r.id
         ), dropped AS (
           DELETE FROM ${S}.waits WHERE run_id IN (SELECT id FROM cancelled) RETURNING run_id
         ), resolved AS (
           UPDATE ${S}.waits w SET status = 'resolved', result = x.result, resolved_at = $3
           FROM jsonb_to_recordset($2::jsonb) AS x(run_id text, step_id text, result text)
           WHERE w.run_id = x.run_id AND w.step_id = x.step_id AND w.status = 'waiting'
             AND w.run_id NOT IN (SELECT id FROM cancelled)
           RETURNING w.run_id
         ), parents AS (
           UPDATE ${S}.waits w SET status = 'resolved', result = $5, resolved_at = $3
           WHERE w.kind = 'invoke' AND w.status = 'waiting' AND w.child_run_id IN (SELECT id FROM cancelled)
             AND w.run_id NOT IN (SELECT id FROM cancelled)
           RETURNING w.run_id
         ), marked AS (
           UPDATE ${S}.events SET matched = true WHERE internal_id = ANY($4::text[]) AND NOT matched RETURNING internal_id
         )
         SELECT 'cancelled' AS kind, id FROM cancelled
         UNION ALL SELECT 'resumed' AS kind, run_id AS id FROM resolved
         UNION ALL SELECT 'resumed' AS kind, run_id AS id FROM parents`,
        [
          json(pass.cancels.map((c) => ({ run_id: c.runId, reason: json(c.reason) }))),
          json(pass.resolutions.map((r) => ({ run_id: r.runId, step_id: r.stepId, result: json(r.result) }))),
          now,
          pass.matchedEventIds,
          json({ error: { name: "Error", message: INVOKED_RUN_CANCELLED } }),
        ],
      );
      return {
        cancelled: res.rows.filter((r) => r.kind === "cancelled").map((r) => r.id),
        resumed: res.rows.filter((r) => r.kind === "resumed").map((r) => r.id),
      };
    },

    /**
     * Up to `limit` runs cancelled whose `inngest/function.cancelled` is not yet emitted, oldest
     * cancellation first, with their trigger event.
     */
    async pendingCancellations(limit: number): Promise<CancellableRun[]> {
      const res = await q<RunTriggerDbRow>(
        `${runWithTrigger} WHERE r.status = 'cancelled' AND NOT r.cancel_emitted ORDER BY r.ended_at LIMIT $1`,
        [limit],
      );
      return res.rows.map(toCancellable);
    },

    /** Records that these cancelled runs' `inngest/function.cancelled` events are stored. */
    async markCancellationsEmitted(runIds: string[]): Promise<void> {
      if (runIds.length > 0) await q(`UPDATE ${S}.runs SET cancel_emitted = true WHERE id = ANY($1::text[])`, [runIds]);
    },

    /** Up to `limit` events not yet through a matching pass (e.g. after a crash), oldest first. */
    async unmatchedEvents(limit: number): Promise<MatchableEvent[]> {
      const res = await q<MatchableDbRow>(
        `SELECT internal_id, seq, received_at, payload FROM ${S}.events WHERE NOT matched ORDER BY seq LIMIT $1`,
        [limit],
      );
      return res.rows.map(toMatchable);
    },

    /** Events named `name` stored after sequence number `afterSeq` (at most 1000), oldest first. */
    async eventsAfter(name: string, afterSeq: number): Promise<MatchableEvent[]> {
      const res = await q<MatchableDbRow>(
        `SELECT internal_id, seq, received_at, payload FROM ${S}.events WHERE name = $1 AND seq > $2 ORDER BY seq LIMIT 1000`,
        [name, afterSeq],
      );
      return res.rows.map(toMatchable);
    },

    /** One run by id, or undefined. */
    async getRun(runId: string): Promise<RunRow | undefined> {
      const res = await q<RunDbRow>(`SELECT * FROM ${S}.runs WHERE id = $1`, [runId]);
      const row = res.rows[0];
      return row ? toRun(row) : undefined;
    },
  };
}

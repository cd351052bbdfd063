/**
 * The executor's own storage, like a real Inngest server's: a PostgreSQL schema (default `herald_jobs`)
 * that the executor creates and migrates at start (idempotent, versioned DDL recorded in `meta`).
 *
 * Written for both PostgreSQL 15 and PGlite 0.5 over the wire (DESIGN §10): every change is ONE statement
 * (event ingestion uses data-modifying CTEs; a migration is one multi-statement message, itself an implicit
 * transaction), never an explicit transaction; no LISTEN/NOTIFY.
 *
 * Every statement is sent with the simple query protocol (one `Query` message, parameters inlined as
 * escaped literals by {@link inlineParams}). Reason, verified: pglite-socket 0.2.17 queues each protocol
 * message separately and keeps a connection exclusive only while it is inside a transaction, so a
 * parameterized (Parse/Bind/Execute/Sync) query from one connection can be cut by another connection's
 * transaction; under load this fails ("unnamed prepared statement does not exist") or even returns another
 * query's rows. A single `Query` message cannot be cut. (server/embedded/database.ts now keeps each
 * connection's extended-protocol messages together, so the app's parameterised queries are safe too; this
 * module keeps the simple protocol, which holds on any PGlite server.) Work is claimed with
 * `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`, under a lease with an expiry, so two
 * executor processes never run the same attempt at once and a crashed process's runs are retaken when its
 * lease expires. Writes by a lease holder are guarded by `lease_owner = <me>`.
 *
 * All times are ms since the Unix epoch (UTC) read from the executor's injectable clock.
 */
import pg from "pg";
import type { SerializedError, StoredEvent } from "./protocol";

/** Lifecycle of a run. `cancelled` is reserved for cancelOn (not implemented yet). */
export type RunStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

/**
 * A step waiting in a run: a planned step (parallel or deferred, or a step retry) that still has to be called
 * with `stepId=<id>`, or a sleep (`kind: "sleep"`, from a `Sleep` op) memoized as `null` at `nextAt`.
 */
export interface PlannedStep {
  /** Hashed step id. */
  id: string;
  /** Display name, for logs. */
  name?: string;
  /** `"sleep"`: no call; at `nextAt` the step is memoized `null` (the sleep is over). Absent: a step to call. */
  kind?: "sleep";
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
export const SCHEMA_VERSION = 2;

/** Default schema name. */
export const DEFAULT_SCHEMA = "herald_jobs";

const ACTIVE = "('queued','running')";

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
  output: unknown;
  error: SerializedError | null;
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
    output: r.output,
    error: r.error,
    createdAt: num(r.created_at),
    startedAt: numOrNull(r.started_at),
    endedAt: numOrNull(r.ended_at),
    updatedAt: num(r.updated_at),
    nextAttemptAt: num(r.next_attempt_at),
    leaseOwner: r.lease_owner,
    leaseExpiresAt: numOrNull(r.lease_expires_at),
  };
}

/** JSON text for a jsonb parameter; `undefined` becomes JSON `null` (never SQL NULL). */
const json = (v: unknown): string => JSON.stringify(v ?? null);

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

/** The executor's queries. Create with {@link createStorage}. */
export type Storage = ReturnType<typeof createStorage>;

/**
 * Storage over `pool` in `schema`.
 * @throws when `schema` is not a plain lower-case SQL identifier.
 */
export function createStorage(pool: pg.Pool, schema: string = DEFAULT_SCHEMA) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`herald jobs storage: unsafe schema name "${schema}"`);
  const S = `"${schema}"`;

  /** One statement (or one multi-statement message), simple protocol. */
  const q = <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params: readonly unknown[] = []) =>
    pool.query<R>(inlineParams(text, params));
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
     * Stores events and creates their runs in one short transaction. An event is skipped (no runs) when
     * its internal id was seen before (a retried send with the same id seed) or its `dedupeKey` (the
     * sender's `id`) was seen within `dedupeWindowMs`.
     * @param planRuns the runs to create for an accepted event.
     * @returns the internal ids that were accepted and the ids of the runs created.
     */
    async ingest(
      events: IngestEvent[],
      planRuns: (event: IngestEvent) => NewRun[],
      now: number,
      dedupeWindowMs: number,
    ): Promise<{ accepted: Set<string>; runIds: string[] }> {
      // A sender id repeated inside one batch: only its first event can be accepted.
      const seenKeys = new Set<string>();
      const candidates = events.filter((e) => {
        if (!e.dedupeKey) return true;
        if (seenKeys.has(e.dedupeKey)) return false;
        seenKeys.add(e.dedupeKey);
        return true;
      });
      if (candidates.length === 0) return { accepted: new Set(), runIds: [] };
      const input = candidates.map((e) => ({
        internal_id: e.internalId,
        id: e.event.id,
        name: e.event.name,
        payload: e.event,
        ts: e.event.ts,
        dedupe_key: e.dedupeKey ?? null,
      }));
      const runs = candidates.flatMap((e) =>
        planRuns(e).map((r) => ({ id: r.id, function_id: r.functionId, event_internal_id: e.internalId, max_attempts: r.maxAttempts })),
      );
      // One statement: dedupe keys, events, then runs for the events actually inserted.
      const res = await q<{ kind: "event" | "run"; id: string }>(
        `WITH input AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb)
             AS x(internal_id text, id text, name text, payload jsonb, ts bigint, dedupe_key text)
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
           ON CONFLICT (internal_id) DO NOTHING
           RETURNING internal_id
         ), created AS (
           INSERT INTO ${S}.runs (id, function_id, event_ids, status, max_attempts, created_at, updated_at, next_attempt_at)
           SELECT r.id, r.function_id, jsonb_build_array(r.event_internal_id), 'queued', r.max_attempts, $4, $4, $4
           FROM jsonb_to_recordset($2::jsonb) AS r(id text, function_id text, event_internal_id text, max_attempts integer)
           WHERE r.event_internal_id IN (SELECT internal_id FROM accepted)
           RETURNING id
         )
         SELECT 'event' AS kind, internal_id AS id FROM accepted
         UNION ALL
         SELECT 'run' AS kind, id FROM created`,
        [json(input), json(runs), now + dedupeWindowMs, now],
      );
      const accepted = new Set(res.rows.filter((r) => r.kind === "event").map((r) => r.id));
      const created = new Set(res.rows.filter((r) => r.kind === "run").map((r) => r.id));
      return { accepted, runIds: runs.map((r) => r.id).filter((id) => created.has(id)) };
    },

    /**
     * Claims up to `limit` due runs for `owner` until `now + leaseMs`: queued or running, due, and not
     * under another live lease. Concurrent claimers skip each other's locked rows.
     */
    async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<RunRow[]> {
      if (limit <= 0) return [];
      const res = await q<RunDbRow>(
        `UPDATE ${S}.runs SET lease_owner = $1, lease_expires_at = $2::bigint + $3::bigint,
           status = 'running', started_at = COALESCE(started_at, $2), updated_at = $2
         WHERE id IN (
           SELECT id FROM ${S}.runs
           WHERE status IN ${ACTIVE} AND next_attempt_at <= $2
             AND (lease_owner IS NULL OR lease_expires_at <= $2)
           ORDER BY next_attempt_at, id
           LIMIT $4
           FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [owner, now, leaseMs, limit],
      );
      return res.rows.map(toRun);
    },

    /** Extends `owner`'s lease on a run to `until`; false when the lease was lost. */
    async renewLease(runId: string, owner: string, until: number): Promise<boolean> {
      const res = await q(`UPDATE ${S}.runs SET lease_expires_at = $3 WHERE id = $1 AND lease_owner = $2`, [runId, owner, until]);
      return res.rowCount === 1;
    },

    /** Releases every lease `owner` holds (graceful stop): the runs become claimable at once. */
    async releaseLeases(owner: string): Promise<number> {
      const res = await q(`UPDATE ${S}.runs SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1`, [owner]);
      return res.rowCount ?? 0;
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
      const res = await q<{ internal_id: string; payload: StoredEvent }>(
        `SELECT internal_id, payload FROM ${S}.events WHERE internal_id = ANY($1::text[])`,
        [internalIds],
      );
      const byId = new Map(res.rows.map((r) => [r.internal_id, r.payload]));
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
        data: unknown;
        error: unknown;
        completed_at: string;
      }>(`SELECT step_id, seq, name, op, kind, data, error, completed_at FROM ${S}.steps WHERE run_id = $1 ORDER BY seq`, [runId]);
      return res.rows.map((r) => ({
        stepId: r.step_id,
        seq: r.seq,
        name: r.name,
        op: r.op,
        kind: r.kind,
        data: r.data,
        error: r.error,
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
        `WITH owned AS (SELECT id FROM ${S}.runs WHERE id = $1 AND lease_owner = $2 FOR UPDATE)
         INSERT INTO ${S}.steps (run_id, step_id, seq, name, op, kind, data, error, completed_at)
         SELECT owned.id, $3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM ${S}.steps WHERE run_id = $1), $4, $5, $6, $7::jsonb, $8::jsonb, $9
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
      const check = await q<{ owned: boolean }>(`SELECT lease_owner = $2 AS owned FROM ${S}.runs WHERE id = $1`, [runId, owner]);
      return check.rows[0]?.owned ? "exists" : "lost";
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

    /** Ends a run (completed with `output`, or failed with `error`) if `owner` holds its lease. */
    async finishRun(
      runId: string,
      owner: string,
      end: { status: "completed"; output: unknown; calls: number } | { status: "failed"; error: SerializedError; calls: number },
      now: number,
    ): Promise<boolean> {
      const res = await q(
        `UPDATE ${S}.runs SET status = $3, output = $4::jsonb, error = $5::jsonb, calls = $6, planned = '[]',
           ended_at = $7, updated_at = $7, lease_owner = NULL, lease_expires_at = NULL
         WHERE id = $1 AND lease_owner = $2 AND status = 'running'`,
        [
          runId,
          owner,
          end.status,
          end.status === "completed" ? json(end.output) : null,
          end.status === "failed" ? json(end.error) : null,
          end.calls,
          now,
        ],
      );
      return res.rowCount === 1;
    },

    /**
     * The earliest time after which some active run not leased by `owner` may become claimable (its due
     * time, or its current lease's expiry), or null when there is none.
     */
    async nextWakeAt(owner: string): Promise<number | null> {
      const res = await q<{ at: string | null }>(
        `SELECT MIN(GREATEST(next_attempt_at, COALESCE(lease_expires_at, 0))) AS at FROM ${S}.runs
         WHERE status IN ${ACTIVE} AND lease_owner IS DISTINCT FROM $1`,
        [owner],
      );
      const at = res.rows[0]?.at;
      return at === null || at === undefined ? null : Number(at);
    },

    /** How many active runs are due at `now` (claimed or not). */
    async countDue(now: number): Promise<number> {
      const res = await q<{ n: string }>(
        `SELECT count(*) AS n FROM ${S}.runs WHERE status IN ${ACTIVE} AND next_attempt_at <= $1`,
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
      tick: { functionId: string; tickAt: number; cron: string; runId: string; maxAttempts: number; event: IngestEvent },
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
           SELECT $6, $7, $8, $9::jsonb, $10, $5 FROM tick
           ON CONFLICT (internal_id) DO NOTHING
           RETURNING internal_id
         ), created AS (
           INSERT INTO ${S}.runs (id, function_id, event_ids, status, max_attempts, created_at, updated_at, next_attempt_at)
           SELECT run_id, $1, jsonb_build_array($6::text), 'queued', $11, $5, $5, $5 FROM tick
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
        ],
      );
      return res.rowCount === 1;
    },

    /** One run by id, or undefined. */
    async getRun(runId: string): Promise<RunRow | undefined> {
      const res = await q<RunDbRow>(`SELECT * FROM ${S}.runs WHERE id = $1`, [runId]);
      const row = res.rows[0];
      return row ? toRun(row) : undefined;
    },
  };
}

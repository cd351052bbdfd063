/**
 * Runs and their leases: claiming due runs under a lease (`UPDATE … WHERE id IN (SELECT … FOR UPDATE
 * SKIP LOCKED) RETURNING`, so two executor processes never run the same attempt at once and a crashed
 * process's runs are retaken when its lease expires), concurrency slots, saving progress, ending a run,
 * and reads (due counts, the next wake-up, lists).
 *
 * Writes by a lease holder are guarded by `lease_owner = <me>` and `status = 'running'` (a run cancelled by
 * cancelOn accepts no further write). A claim is one multi-statement message (an implicit transaction): a
 * transaction-scoped advisory lock, then the claim, so concurrency limits hold across executor processes.
 */
import type pg from "pg";
import type { SerializedError } from "../protocol";
import { ACTIVE, due, fromJson, inlineParams, json, num, numOrNull, waitOver, type StorageContext } from "./sql";

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

/** Filter of `listRuns`. */
export interface RunFilter {
  functionId?: string;
  status?: RunStatus | RunStatus[];
  /** An internal event id (as returned by the event API). */
  eventId?: string;
  limit?: number;
}

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

/** Claims, leases, progress and ends of runs, and run reads. */
export function runQueries({ pool, q, S, schema }: StorageContext) {
  return {
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

    /** One run by id, or undefined. */
    async getRun(runId: string): Promise<RunRow | undefined> {
      const res = await q<RunDbRow>(`SELECT * FROM ${S}.runs WHERE id = $1`, [runId]);
      const row = res.rows[0];
      return row ? toRun(row) : undefined;
    },
  };
}

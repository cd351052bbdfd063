/**
 * cancelOn and the matching pass (the matcher is `../matching.ts`): the runs an event may cancel, one
 * pass applied in one statement (cancellations, resolved `step.waitForEvent` waits, events marked
 * matched), and the `inngest/function.cancelled` events still to emit.
 */
import type { SerializedError, StoredEvent } from "../protocol";
import { ACTIVE, json, num, type StorageContext } from "./sql";

/** An active run of a function with `cancelOn`, with its triggering event. */
export interface CancellableRun {
  id: string;
  functionId: string;
  /** Sequence number of its triggering event: only later events cancel it. */
  triggerSeq: number;
  createdAt: number;
  trigger: StoredEvent;
}

/** The error an invoking run's `step.invoke` receives when the invoked run is cancelled. */
export const INVOKED_RUN_CANCELLED = "the invoked function run was cancelled";

/** A run with its triggering event (`runWithTrigger` in {@link matchingQueries}): cancellable runs, cancellations to announce. */
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

/** The matching pass's reads and writes. */
export function matchingQueries({ q, S }: StorageContext) {
  /** Runs joined with their triggering event, as {@link toCancellable} reads them; add WHERE, ORDER BY. */
  const runWithTrigger = `SELECT r.id, r.function_id, r.trigger_seq, r.created_at, t.payload AS trigger
         FROM ${S}.runs r JOIN ${S}.events t ON t.internal_id = r.event_ids->>0`;

  return {
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
  };
}

/**
 * Waits (the `waits` table): `step.waitForEvent` (resolved by a later matching event, `matching.ts`) and
 * `step.invoke` (resolved when the child run ends, `runs.ts` `finishRun`), timed out at their expiry,
 * then memoized by the run and deleted.
 */
import type { ConcurrencySlot } from "../functions";
import type { StoredEvent } from "../protocol";
import type { IngestEvent } from "./events";
import { ACTIVE, fromJson, json, num, type StorageContext } from "./sql";

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

/** A wait of a run that is over: resolved (`result` is the memo entry) or timed out. */
export interface SettledWait {
  stepId: string;
  kind: "event" | "invoke";
  status: "resolved" | "timed_out";
  result: { data: unknown } | { error: unknown } | null;
}

/** Opening, settling and reading waits. */
export function waitQueries({ q, S }: StorageContext) {
  return {
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
     * (`deleteWaits`). An event and the timeout race on the wait's status: one of them wins.
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
  };
}

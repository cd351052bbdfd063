/**
 * Cron triggers' state: the ticks recorded per function and expression (`cron_ticks`, unique per function
 * and tick instant, so a tick starts one run even when several executor processes schedule it). The
 * schedule itself is `../cron.ts`.
 */
import type { ConcurrencySlot } from "../functions";
import type { IngestEvent } from "./events";
import { json, type StorageContext } from "./sql";

/** Reading and recording cron ticks. */
export function cronTickQueries({ q, S }: StorageContext) {
  return {
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
  };
}

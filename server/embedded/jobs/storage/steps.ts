/**
 * The memo: a run's completed steps in completion order, saved one at a time by the lease holder or
 * several at once from an SDK checkpoint (docs/protocols.md "Checkpointing"), within the run's step and
 * state limits.
 */
import { fromJson, json, num, type StorageContext } from "./sql";

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

/** Reading and saving memoized steps. */
export function stepQueries({ q, S }: StorageContext) {
  return {
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
  };
}

/**
 * Nightly retention (issue "Retention and erasure"; rules in server/services/retention/retention.ts): at
 * 02:30 UTC, fix the run's cutoffs in one step, then prune each table in steps of at most
 * {@link BATCHES_PER_STEP} short DELETE statements, so no single step (one HTTP request to the app) runs
 * long, and a retry redoes at most one step. Returns the rows deleted per table and the unread
 * notifications kept.
 */
import { inngest } from "../client";
import {
  RETENTION_TABLES,
  countUnreadKept,
  purgeTable,
  retentionPlan,
  type RetentionTable,
} from "../../server/services/retention/retention";

/** Batches per step: 20 × 5,000 rows = 100,000 rows per request to the app. */
export const BATCHES_PER_STEP = 20;
/**
 * Steps per table and run (2 M rows per table at the default batch size); what remains is deleted the next
 * night. Keeps a run under the executor's 1,000-step limit (8 tables × 100 + 2).
 */
export const MAX_STEPS_PER_TABLE = 100;

export const retention = inngest.createFunction(
  { id: "retention", name: "Retention: delete expired rows", triggers: [{ cron: "TZ=UTC 30 2 * * *" }], retries: 3 },
  async ({ step }) => {
    const plan = await step.run("plan", () => retentionPlan(new Date()));
    const deleted = {} as Record<RetentionTable, number>;
    const complete = {} as Record<RetentionTable, boolean>;
    for (const table of RETENTION_TABLES) {
      deleted[table] = 0;
      complete[table] = false;
      for (let i = 0; i < MAX_STEPS_PER_TABLE && !complete[table]; i++) {
        // The same id each time: the SDK numbers repeats ("purge-notifications:1", …).
        const r = await step.run(`purge-${table}`, () => purgeTable(table, plan, { maxBatches: BATCHES_PER_STEP }));
        deleted[table] += r.deleted;
        complete[table] = r.done;
      }
    }
    const unreadNotificationsKept = await step.run("count-unread-kept", () => countUnreadKept(plan));
    return { now: plan.now, deleted, complete, unreadNotificationsKept };
  },
);

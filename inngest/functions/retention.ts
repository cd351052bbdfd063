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
/** Inngest's limit of steps per run (https://www.inngest.com/docs/usage-limits/inngest), which the embedded executor applies too. */
export const MAX_STEPS_PER_RUN = 1000;

/**
 * Steps per table and run: the run's step budget shared by every table, after its "plan" and
 * "count-unread-kept" steps (55 with 18 tables: 5.5 M rows per table and night at the default batch of
 * 5,000); what remains is deleted the next night. A run with a backlog in every table then still ends
 * instead of failing at the step limit.
 */
export const MAX_STEPS_PER_TABLE = Math.floor((MAX_STEPS_PER_RUN - 2) / RETENTION_TABLES.length);

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

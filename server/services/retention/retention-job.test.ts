/**
 * The nightly retention function (inngest/functions/retention.ts) through the embedded executor and the
 * app's real `serve()` handler, with a fake clock: it is registered with its cron, runs at 02:30 UTC, prunes
 * in steps of at most BATCHES_PER_STEP batches, and reports per-table counts and unread notifications kept.
 * HERALD_RETENTION_BATCH is 2 here so a few dozen rows need several steps.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createExecutor, type Executor } from "../../embedded/jobs/executor";
import { FakeClock } from "../../embedded/jobs/clock";
import { createUser } from "../../../prisma/factory";
// Types only: app modules load after the executor listens and the env is set.
import type * as DbModule from "../../db";
import type * as RetentionModule from "./retention";

const DAY = 86_400_000;
const schema = `herald_jobs_retention_${randomBytes(4).toString("hex")}`;
/** The next 02:30 UTC after now. */
const tick = (() => {
  const d = new Date();
  const t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 2, 30);
  return t > Date.now() ? t : t + DAY;
})();
const clock = new FakeClock(tick - 60_000);

let executor: Executor;
let closeApi: () => Promise<void>;
let db: typeof DbModule.db;
let retention: typeof RetentionModule;

beforeAll(async () => {
  process.env.HERALD_RETENTION_BATCH = "2";
  const app: { handle?: (req: Request) => Promise<Response> } = {};
  executor = createExecutor({
    databaseUrl: process.env.DATABASE_URL!,
    handler: (req) => app.handle!(req),
    signingKey: process.env.INNGEST_SIGNING_KEY!,
    eventKey: process.env.INNGEST_EVENT_KEY!,
    schema,
    clock,
    log: () => undefined,
  });
  const api = await executor.listen(0, "127.0.0.1");
  closeApi = api.close;
  process.env.INNGEST_BASE_URL = `http://127.0.0.1:${api.port}`;
  const [{ serve }, { inngest }, { functions }] = await Promise.all([import("inngest/next"), import("../../../inngest/client"), import("../../../inngest")]);
  ({ db } = await import("../../db"));
  retention = await import("./retention");
  const served = serve({ client: inngest, functions }) as unknown as (req: Request, ctx: unknown) => Promise<Response>;
  app.handle = (req) => served(req, undefined);
  await executor.start();
}, 60_000);

afterAll(async () => {
  await executor?.stop();
  await closeApi?.();
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
  delete process.env.HERALD_RETENTION_BATCH;
});

describe("the nightly retention function", () => {
  it("is registered with a 02:30 UTC cron", () => {
    expect(executor.functions().find((f) => f.id === "herald-retention")).toMatchObject({ triggers: [{ cron: "TZ=UTC 30 2 * * *" }] });
  });

  it("plans at most Inngest's 1,000 steps per run, even with a backlog in every table", async () => {
    const { MAX_STEPS_PER_TABLE, MAX_STEPS_PER_RUN } = await import("../../../inngest/functions/retention");
    // "plan", up to MAX_STEPS_PER_TABLE purges per table, "count-unread-kept".
    expect(1 + retention.RETENTION_TABLES.length * MAX_STEPS_PER_TABLE + 1).toBeLessThanOrEqual(MAX_STEPS_PER_RUN);
    expect(MAX_STEPS_PER_TABLE).toBeGreaterThanOrEqual(50);
  });

  it("runs at 02:30 UTC, deletes in steps of bounded batches, and reports counts", async () => {
    await retention.runRetention(); // leftovers of earlier test files, so counts are exact
    const { BATCHES_PER_STEP } = await import("../../../inngest/functions/retention");
    const u = await createUser(db);
    const readOld = 2 * BATCHES_PER_STEP * 2 + 3; // two full steps of BATCHES_PER_STEP batches of 2, then a short one
    await db.$executeRaw`
      INSERT INTO notifications (user_id, type, category, title, dedupe_key, created_at, read_at)
      SELECT ${u.id}::uuid, 'business_update', 'business', 'n' || g, 'retention-job:' || g,
             now() - interval '120 days', CASE WHEN g <= ${readOld}::int THEN now() - interval '100 days' END
      FROM generate_series(1, ${readOld + 4}::int) g`;
    const unreadKept = await retention.countUnreadKept(retention.retentionPlan());
    await db.webhookEvent.create({ data: { id: `msg_${randomBytes(6).toString("hex")}`, source: "resend", type: "t", receivedAt: new Date(Date.now() - 40 * DAY) } });

    clock.set(tick - 1);
    await executor.idle();
    expect(await executor.runs({ functionId: "herald-retention" })).toEqual([]);

    clock.set(tick);
    await executor.idle();
    const runs = await executor.runs({ functionId: "herald-retention" });
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe("completed");
    expect(runs[0]!.output).toMatchObject({
      deleted: { notifications: readOld, webhook_events: 1, deliveries: 0 },
      complete: { notifications: true, webhook_events: true },
      unreadNotificationsKept: unreadKept,
    });
    expect(await db.notification.count({ where: { userId: u.id } })).toBe(4);
    expect(await db.notification.count({ where: { userId: u.id, readAt: null } })).toBe(4);

    const names = (await executor.runSteps(runs[0]!.id)).map((s) => s.name);
    expect(names[0]).toBe("plan");
    expect(names.filter((n) => n === "purge-notifications")).toHaveLength(3);
    expect(names.at(-1)).toBe("count-unread-kept");
    const notificationSteps = (await executor.runSteps(runs[0]!.id)).filter((s) => s.name === "purge-notifications").map((s) => s.data);
    expect(notificationSteps).toEqual([
      { table: "notifications", deleted: 2 * BATCHES_PER_STEP, batches: BATCHES_PER_STEP, done: false },
      { table: "notifications", deleted: 2 * BATCHES_PER_STEP, batches: BATCHES_PER_STEP, done: false },
      { table: "notifications", deleted: 3, batches: 2, done: true },
    ]);
  }, 120_000);
});

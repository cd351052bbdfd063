/**
 * Retention at scale: 1,000,000 notifications (one `INSERT … SELECT generate_series`), a mix of read more
 * than 90 days ago, read recently, and unread-but-old. Retention deletes exactly the read-old rows, in
 * batches of at most the batch size, walking `notifications_read_at_idx`; a writer on another connection
 * inserts and updates notifications throughout and completes writes between every two batches, and after
 * every batch no transaction holds a lock on the table.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { createUser } from "../../../prisma/factory";
import { batchDeleteSql, countUnreadKept, retentionPlan, runRetention, type RetentionBatch } from "./retention";

const N = 1_000_000;
const USERS = 50;
const BATCH = 5_000;
const DAY = 86_400_000;
/** g % 10: 0–1 read-old (read ≥ 99 days ago), 2–6 read-recent (read ≤ 80 days ago), 7–9 unread, created ≥ 91 days ago. */
const READ_OLD = (N / 10) * 2;
const READ_RECENT = (N / 10) * 5;
const UNREAD_OLD = (N / 10) * 3;

const now = new Date();
const userIds: string[] = [];
let writerUserId = "";
const timings: Record<string, number> = {};

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await fn();
  } finally {
    timings[label] = Math.round(performance.now() - t);
  }
}

async function mine(): Promise<{ readOld: number; readRecent: number; unreadOld: number; total: number }> {
  const [r] = await db.$queryRaw<{ read_old: number; read_recent: number; unread_old: number; total: number }[]>`
    SELECT count(*) FILTER (WHERE read_at < ${new Date(now.getTime() - 90 * DAY)}::timestamptz)::int AS read_old,
           count(*) FILTER (WHERE read_at >= ${new Date(now.getTime() - 90 * DAY)}::timestamptz)::int AS read_recent,
           count(*) FILTER (WHERE read_at IS NULL)::int AS unread_old,
           count(*)::int AS total
    FROM notifications WHERE user_id = ANY(${userIds}::uuid[])`;
  return { readOld: r!.read_old, readRecent: r!.read_recent, unreadOld: r!.unread_old, total: r!.total };
}

beforeAll(async () => {
  for (let i = 0; i < USERS; i++) userIds.push((await createUser(db, { name: `Retention Bulk ${i}` })).id);
  writerUserId = (await createUser(db, { name: "Retention Writer" })).id;
  // Whatever earlier test files left behind that is already eligible goes first, so counts below are exact.
  await runRetention({ now });
  await timed("insert 1M", () => db.$executeRaw`
    INSERT INTO notifications (user_id, type, category, title, body, dedupe_key, created_at, read_at)
    SELECT (${userIds}::uuid[])[1 + g % ${USERS}::int], 'business_update', 'business', 'Bulk ' || g, 'Something happened.',
           'retention-1m:' || g, c.created,
           CASE WHEN g % 10 < 2 THEN c.created + interval '1 day' WHEN g % 10 < 7 THEN c.created + interval '1 hour' END
    FROM generate_series(1, ${N}::int) g
    CROSS JOIN LATERAL (SELECT CASE
        WHEN g % 10 < 2 THEN ${now}::timestamptz - make_interval(days => 100 + g % 200)
        WHEN g % 10 < 7 THEN ${now}::timestamptz - make_interval(days => 1 + g % 80)
        ELSE ${now}::timestamptz - make_interval(days => 91 + g % 300) END AS created) c`);
  await timed("analyze", () => db.$executeRawUnsafe("ANALYZE notifications"));
}, 600_000);

afterAll(async () => {
  // Notifications first, by user_id (index): deleting the users directly would also look for each one in
  // notifications.actor_id, which has no index (a scan of the table per user). PGlite has no autovacuum.
  await timed("cleanup", async () => {
    await db.$executeRaw`DELETE FROM notifications WHERE user_id = ANY(${[...userIds, writerUserId]}::uuid[])`;
    await db.$executeRaw`DELETE FROM users WHERE id = ANY(${[...userIds, writerUserId]}::uuid[])`;
    await db.$executeRawUnsafe("VACUUM ANALYZE notifications");
  });
  console.log(`[retention 1M] ${process.env.HERALD_TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"} timings (ms):`, timings);
}, 600_000);

describe("retention on 1,000,000 notifications", () => {
  it("starts from the intended mix", async () => {
    expect(await mine()).toEqual({ readOld: READ_OLD, readRecent: READ_RECENT, unreadOld: UNREAD_OLD, total: N });
  });

  it("finds each batch through notifications_read_at_idx, then the primary key (EXPLAIN)", async () => {
    const plan = retentionPlan(now, { batchSize: BATCH });
    const sql = batchDeleteSql("notifications", plan);
    const rows = await db.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN ${sql}`);
    const text = rows.map((r) => r["QUERY PLAN"]).join("\n");
    console.log(`[retention 1M] plan of one batch:\n${text}`);
    // n keys from the read_at index (InitPlan, stops after n), then n primary-key lookups: nothing scans
    // the table or every eligible row.
    expect(text).toMatch(/Limit[^\n]*\n\s*->\s*Index (Only )?Scan using notifications_read_at_idx on notifications/);
    expect(text).toMatch(/Index Cond: \(id = ANY/);
    expect(text).not.toMatch(/Seq Scan|Hash Semi Join|Recheck Cond: \(read_at/);
  });

  it("deletes exactly the read-old rows in batches ≤ 5,000 while another connection keeps writing between batches", async () => {
    const unreadBefore = await countUnreadKept(retentionPlan(now));
    const writer = new pg.Client({ connectionString: process.env.DATABASE_URL });
    const probe = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await Promise.all([writer.connect(), probe.connect()]);

    // The concurrent writer: inserts a notification and updates a read-recent one, over and over.
    let writes = 0;
    let running = true;
    let writerError: unknown = null;
    const loop = (async () => {
      try {
        for (let i = 0; running; i++) {
          await writer.query(
            `INSERT INTO notifications (user_id, type, category, title, dedupe_key) VALUES ($1, 'business_update', 'business', 'During retention', $2)`,
            [writerUserId, `retention-writer:${i}`],
          );
          const g = (i % (N / 10)) * 10 + 4; // g % 10 = 4: a read-recent row, a different one each time
          await writer.query(`UPDATE notifications SET title = $2 WHERE user_id = $1 AND dedupe_key = $3`, [userIds[g % USERS], `Edited ${i}`, `retention-1m:${g}`]);
          writes++;
        }
      } catch (err) {
        writerError = err;
      }
    })();

    const batches: RetentionBatch[] = [];
    const writesAtBatch: number[] = [];
    let lockedAfterBatch = 0;
    const result = await timed("retention run", () =>
      runRetention({
        now,
        policy: { batchSize: BATCH },
        onBatch: async (b) => {
          if (b.table !== "notifications") return;
          batches.push(b);
          // The writer completes a write before the next batch starts. Were a lock or transaction held across
          // batches, it could not (on PGlite every other connection waits for an open transaction), and the
          // run stops here with an error after 10 s.
          const seen = writes;
          const deadline = Date.now() + 10_000;
          while (writes === seen && !writerError && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
          if (writes === seen) throw new Error(`no concurrent write completed after batch ${b.batch} within 10 s`);
          writesAtBatch.push(writes);
          // And nobody holds a write lock on the table now: SHARE conflicts with the ROW EXCLUSIVE lock that
          // any open transaction which deleted, inserted or updated rows still holds (the writer's own
          // statements are short: lock_timeout covers one in flight).
          try {
            await probe.query("BEGIN");
            await probe.query("SET LOCAL lock_timeout = '5s'");
            await probe.query("LOCK TABLE notifications IN SHARE MODE");
          } catch {
            lockedAfterBatch++;
          } finally {
            await probe.query("ROLLBACK");
          }
        },
      }),
    );
    running = false;
    await loop;
    await Promise.all([writer.end(), probe.end()]);

    expect(writerError).toBeNull();
    expect(result.deleted.notifications).toBe(READ_OLD);
    expect(batches.length).toBe(Math.ceil(READ_OLD / BATCH) + (READ_OLD % BATCH === 0 ? 1 : 0));
    expect(Math.max(...batches.map((b) => b.deleted))).toBe(BATCH);
    expect(batches.every((b) => b.deleted <= BATCH)).toBe(true);
    expect(result.batches.notifications).toBe(batches.length);
    // Writes interleaved: every gap between two batches saw at least one more completed write.
    for (let i = 1; i < writesAtBatch.length; i++) expect(writesAtBatch[i]!).toBeGreaterThan(writesAtBatch[i - 1]!);
    expect(lockedAfterBatch).toBe(0);

    expect(await mine()).toEqual({ readOld: 0, readRecent: READ_RECENT, unreadOld: UNREAD_OLD, total: READ_RECENT + UNREAD_OLD });
    expect(result.unreadNotificationsKept).toBe(unreadBefore);
    expect(result.unreadNotificationsKept).toBeGreaterThanOrEqual(UNREAD_OLD);
    expect(await db.notification.count({ where: { userId: writerUserId } })).toBe(writes);
    expect(await db.notification.count({ where: { userId: { in: userIds }, title: { startsWith: "Edited " } } })).toBe(writes);
    timings.batches = batches.length;
    timings["writes during run"] = writes;
  }, 600_000);
});

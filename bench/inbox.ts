/**
 * bench/inbox: the inbox's hot paths through the real service functions, for one user on a table of
 * 1,000,000 notifications (issue "Herald runs end to end"; docs/requirements.md R18.3, R18.4): first page, a page 1,000 rows deep
 * (keyset), the unread count, and mark-all-read of 500 rows; p50/p99 over 1,000 calls each.
 *
 *   npx tsx --conditions=react-server bench/inbox.ts [--db pglite|postgres] [--calls 1000]
 *
 * Data: 1,000 users; the measured user owns 100,000 rows (200 unread), the others share 900,000.
 * Targets on PostgreSQL: p99 < 5 ms for the pages and the count (deep page no slower than the first),
 * < 50 ms for mark-all-read. Writes the "## Inbox" section of bench/RESULTS.md.
 */
import { freshDatabase, perDatabase, startBenchEnvironment, type BenchDatabase } from "./db";
import { machineLine, ms, percentile, writeResults } from "./lib";

const argv = process.argv.slice(2);
const CALLS = Number(argv[argv.indexOf("--calls") + 1]) || 1000;
const ROWS = 1_000_000;

interface Row {
  op: string;
  p50: number;
  p99: number;
  target: string;
}

async function measure(kind: BenchDatabase["kind"]): Promise<Row[]> {
  const database = await freshDatabase(kind);
  const stopServices = await startBenchEnvironment(database);
  const { db } = await import("../server/db");
  const { listNotifications, countUnread } = await import("../server/services/notifications/list-notifications");
  const { markAllRead } = await import("../server/services/notifications/update-notifications");

  const t0 = performance.now();
  await db.$executeRaw`INSERT INTO users (email, name, password_hash, role)
    SELECT 'bench-' || lpad(g::text, 4, '0') || '@herald.test', 'Bench ' || g, 'x', 'CUSTOMER' FROM generate_series(1, 1000) g`;
  await db.$executeRaw`
    WITH u AS (SELECT array_agg(id ORDER BY email) AS ids FROM users WHERE email LIKE 'bench-%')
    INSERT INTO notifications (user_id, type, category, title, body, dedupe_key, created_at, read_at)
    SELECT u.ids[CASE WHEN g % 10 = 0 THEN 1 ELSE 2 + g % 999 END], 'new_listing', 'listings', 'Listing ' || g,
           'A surprise bag, collect before 18:00', 'bench:' || g, now() - g * interval '1 second',
           CASE WHEN g % 5000 = 0 OR (g % 10 <> 0 AND g % 97 = 0) THEN NULL ELSE now() END
    FROM u, generate_series(1, ${ROWS}::int) g`;
  await db.$executeRawUnsafe("ANALYZE notifications");
  console.log(`${kind}: loaded ${ROWS.toLocaleString()} notifications in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const userId = (await db.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE email = 'bench-0001@herald.test'`)[0]!.id;

  // The cursor that starts the page 1,000 rows deep.
  let cursor: string | null = null;
  for (let i = 0; i < 10; i++) cursor = (await listNotifications({ userId, limit: 100, cursor })).nextCursor;

  async function time(fn: () => Promise<unknown>, before?: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
    for (let i = 0; i < 20; i++) {
      await before?.();
      await fn(); // warm-up
    }
    const samples: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      await before?.();
      const s = performance.now();
      await fn();
      samples.push(performance.now() - s);
    }
    return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
  }

  const rows: Row[] = [];
  const first = await time(() => listNotifications({ userId, limit: 20 }));
  rows.push({ op: "first page (20 rows)", ...first, target: "p99 < 5 ms" });
  const deep = await time(() => listNotifications({ userId, limit: 20, cursor }));
  rows.push({ op: "page 1,000 rows deep (keyset)", ...deep, target: "p99 < 5 ms, ≈ first page" });
  const count = await time(() => countUnread(userId));
  rows.push({ op: "unread count", ...count, target: "p99 < 5 ms" });
  const unread500 = () => db.$executeRaw`
    UPDATE notifications SET read_at = NULL WHERE id IN (
      SELECT id FROM notifications WHERE user_id = ${userId}::uuid ORDER BY created_at DESC, id DESC LIMIT 500)`;
  const all = await time(async () => {
    const r = await markAllRead(userId);
    if (r.changedCount < 500) throw new Error(`mark-all-read changed ${r.changedCount}, expected ≥ 500`);
  }, unread500);
  rows.push({ op: "mark all read (500 unread)", ...all, target: "p99 < 50 ms" });

  await db.$disconnect();
  await stopServices();
  await database.stop();
  return rows;
}

const sections: string[] = [];
for await (const { kind, result: rows } of perDatabase<Row[]>(argv, measure, ["--calls", String(CALLS)])) {
  console.table(rows.map((x) => ({ op: x.op, p50: ms(x.p50), p99: ms(x.p99), target: x.target })));
  sections.push(
    `### ${kind}\n\n| operation | p50 | p99 | target (PostgreSQL) |\n|---|---|---|---|\n` +
      rows.map((x) => `| ${x.op} | ${ms(x.p50)} | ${ms(x.p99)} | ${x.target} |`).join("\n"),
  );
}
writeResults(
  "Inbox",
  `## Inbox\n\n\`npx tsx --conditions=react-server bench/inbox.ts\`: the real service functions (\`listNotifications\`, \`countUnread\`, ` +
    `\`markAllRead\` with its realtime signal to an embedded Pusher-protocol server), ${CALLS.toLocaleString()} calls each after 20 warm-up calls, ` +
    `for one user owning 100,000 of ${ROWS.toLocaleString()} notifications (200 unread). Mark-all-read: 500 rows set unread before each call (not timed).\n\n` +
    `${machineLine()}\n\n${sections.join("\n\n")}\n`,
);
console.log("wrote the \"## Inbox\" section of bench/RESULTS.md");

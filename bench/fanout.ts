/**
 * bench/fanout: fan-out of one listing to 10,000 and 100,000 followers through the whole pipeline
 * (createListing → `listing/created` → embedded executor → the app's functions → set-based inserts →
 * realtime signals to an embedded Pusher-protocol server), beside the floor: one raw
 * `INSERT … SELECT … ON CONFLICT DO NOTHING` of the same number of rows, in the same run.
 *
 *   npx tsx --conditions=react-server bench/fanout.ts [--db pglite|postgres] [--sizes 10000,100000]
 *
 * "to last row": from the createListing call to the moment a poll (every 20 ms) sees the last row
 * committed. "all runs done": until the executor is idle, i.e. also every realtime signal sent.
 * Target (issue "Herald runs end to end"): at least half the floor's rate; 100,000 followers in under
 * 1.5 s on PostgreSQL and 3 s on PGlite. Writes the "## Fan-out" section of bench/RESULTS.md.
 */
import pg from "pg";
import { freshDatabase, perDatabase, startBenchEnvironment, type BenchDatabase } from "./db";
import { machineLine, writeResults } from "./lib";

const argv = process.argv.slice(2);
const sizesArg = argv.includes("--sizes") ? argv[argv.indexOf("--sizes") + 1]! : "10000,100000";
const SIZES = sizesArg.split(",").map(Number);

interface Row {
  followers: number;
  floorMs: number;
  toLastRowMs: number;
  allRunsMs: number;
  /** `notification.new` events the realtime server accepted for this post (expected: one per follower). */
  signals: number;
}

async function measure(kind: BenchDatabase["kind"]): Promise<Row[]> {
  const database = await freshDatabase(kind);
  const stopServices = await startBenchEnvironment(database);
  const { startAppJobs } = await import("../test/app-jobs");
  const jobs = await startAppJobs();
  const { db } = await import("../server/db");
  const { createListing } = await import("../server/services/listings/create-listing");
  const factory = await import("../prisma/factory");
  const poller = new pg.Client({ connectionString: database.url });
  await poller.connect();

  const listingInput = () => ({
    title: "Bench bagels",
    description: "",
    priceCents: 1000,
    pickupStart: new Date(Date.now() + 3_600_000),
    pickupEnd: new Date(Date.now() + 7_200_000),
    expiresAt: new Date(Date.now() + 7_200_000),
  });

  const rows: Row[] = [];
  for (const n of SIZES) {
    // The floor: one statement, the same rows, on a business of its own.
    const floorBiz = await factory.createBusiness(db);
    await factory.createFollowers(db, floorBiz.business.id, n, { emailEnabled: false });
    const floorListing = await factory.createListing(db, floorBiz.business.id);
    await db.$executeRawUnsafe("ANALYZE");
    const f0 = performance.now();
    const inserted = await db.$executeRaw`
      INSERT INTO notifications (user_id, type, category, priority, title, body, data, action_url, business_id, actor_id, dedupe_key, expires_at)
      SELECT f.user_id, 'new_listing', 'listings', 'normal', 'New at Floor: bagels', 'ZAR 10.00', ${JSON.stringify({ listing_id: floorListing.id })}::jsonb,
             ${`/listings/${floorListing.id}`}, ${floorBiz.business.id}::uuid, ${floorBiz.owner.id}::uuid, ${`listing:${floorListing.id}`}, ${floorListing.expiresAt}
      FROM follows f WHERE f.business_id = ${floorBiz.business.id}::uuid AND f.deleted_at IS NULL AND f.user_id <> ${floorBiz.owner.id}::uuid
      ON CONFLICT (user_id, dedupe_key) DO NOTHING`;
    const floorMs = performance.now() - f0;
    if (inserted !== n) throw new Error(`floor inserted ${inserted}, expected ${n}`);

    // Herald.
    const { business, owner } = await factory.createBusiness(db);
    await factory.createFollowers(db, business.id, n, { emailEnabled: false });
    await db.$executeRawUnsafe("ANALYZE");
    const accepted0 = stopServices.realtime.stats().eventsAccepted;
    const t0 = performance.now();
    await createListing(owner.id, listingInput());
    let toLastRowMs = 0;
    for (;;) {
      const r = await poller.query<{ n: string }>("SELECT count(*) AS n FROM notifications WHERE business_id = $1", [business.id]);
      if (Number(r.rows[0]!.n) >= n) {
        toLastRowMs = performance.now() - t0;
        break;
      }
      if (performance.now() - t0 > 120_000) throw new Error("fan-out did not finish in 120 s");
      await new Promise((res) => setTimeout(res, 20));
    }
    await jobs.executor.idle();
    const allRunsMs = performance.now() - t0;
    const signals = stopServices.realtime.stats().eventsAccepted - accepted0;
    rows.push({ followers: n, floorMs, toLastRowMs, allRunsMs, signals });
    console.error(`${kind} ${n}: floor ${floorMs.toFixed(0)} ms, Herald to last row ${toLastRowMs.toFixed(0)} ms, all runs ${allRunsMs.toFixed(0)} ms, signals ${signals}`);
  }
  await poller.end();
  await jobs.stop();
  await db.$disconnect();
  await stopServices();
  await database.stop();
  return rows;
}

const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString("en-US")}/s`;

const sections: string[] = [];
for await (const { kind, result: rows } of perDatabase<Row[]>(argv, measure, ["--sizes", sizesArg])) {
  const target = (n: number) => (n === 100_000 ? (kind === "PostgreSQL" ? "< 1.5 s" : "< 3 s") : "");
  sections.push(
    `### ${kind}\n\n| followers | floor: raw INSERT … SELECT | Herald: event → last row | Herald rate ÷ floor rate | Herald: all runs done (incl. realtime) | realtime events accepted | target |\n|---|---|---|---|---|---|---|\n` +
      rows
        .map((x) => `| ${x.followers.toLocaleString("en-US")} | ${x.floorMs.toFixed(0)} ms (${rate(x.followers, x.floorMs)}) | ${x.toLastRowMs.toFixed(0)} ms (${rate(x.followers, x.toLastRowMs)}) | ${(x.floorMs / x.toLastRowMs).toFixed(2)} | ${x.allRunsMs.toFixed(0)} ms | ${x.signals.toLocaleString("en-US")} | ${target(x.followers)} |`)
        .join("\n"),
  );
}
writeResults(
  "Fan-out",
  `## Fan-out\n\n\`npx tsx --conditions=react-server bench/fanout.ts\`: one listing posted through \`createListing\` to a business with N followers; ` +
    `the embedded executor runs \`fan-out-listing\` (plans chunks of 5,000 followers with one index pass) and one \`deliver-listing-chunk\` run per chunk ` +
    `(8 runs in flight), each one \`INSERT … SELECT … ON CONFLICT DO NOTHING\`; each chunk then queues three runs of its own: its realtime leg ` +
    `(\`signal-listing-chunk\`: the recipients' inbox sequence numbers and \`notification.new\` payloads — entry, unread count, \`seq\` — in one transaction, then one event per recipient, \`batch_events\` of 100, the embedded mode's batch size), ` +
    `its push leg (\`decide-listing-push\`: decisions only for followers with an active push subscription; the bench followers have none) and its email leg ` +
    `(\`send-listing-emails\`: one set-based decision INSERT per chunk; the bench followers have email turned off, so nothing is rendered). ` +
    `"event → last row" is polled every 20 ms. The floor is the same rows in one raw statement, measured in the same run. ` +
    `"realtime events accepted": events the embedded realtime server accepted over its HTTP API from the post until the executor was idle (one \`notification.new\` per follower is expected; fewer would be a lost signal, more a publisher retry that had gone through).\n\n${machineLine()}\n\n${sections.join("\n\n")}\n`,
);
console.log("wrote the \"## Fan-out\" section of bench/RESULTS.md");

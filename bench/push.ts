/**
 * bench/push: time from a listing being posted to its web push arriving, decrypted, at a push service, for
 * N followers with one browser subscription each (docs/requirements.md R18.10: push within 5 s). The whole pipeline runs:
 * createListing → `listing/created` → `fan-out-listing` → `deliver-listing-chunk` (in-app rows) →
 * `decide-listing-push` (the set-based push decision) → `send-push` (decided again, payload encrypted per subscription with `web-push`,
 * RFC 8291 aes128gcm + a VAPID JWT) → HTTPS POST to a local push service stand-in
 * (test/push-service-stand-in.ts), which checks and decrypts every request as a browser's push service would.
 *
 *   npx tsx --conditions=react-server bench/push.ts [--db pglite|postgres] [--sizes 1000]
 *
 * Arrival is the moment the stand-in received each push, relative to the createListing call. The stand-in
 * runs on the same two cores as the app, so its decryption work is part of the measured time.
 * Writes the "## Web push" section of bench/RESULTS.md.
 */
import webpush from "web-push";
import { freshDatabase, perDatabase, startBenchEnvironment, type BenchDatabase } from "./db";
import { machineLine, ms, percentile, writeResults } from "./lib";
import { startPushServiceStandIn } from "../test/push-service-stand-in";

const argv = process.argv.slice(2);
const sizesArg = argv.includes("--sizes") ? argv[argv.indexOf("--sizes") + 1]! : "1000";
const SIZES = sizesArg.split(",").map(Number);

interface Row {
  followers: number;
  received: number;
  problems: number;
  p50: number;
  p99: number;
  last: number;
}

async function measure(kind: BenchDatabase["kind"]): Promise<Row[]> {
  const database = await freshDatabase(kind);
  const stopServices = await startBenchEnvironment(database);
  const standIn = await startPushServiceStandIn();
  const keys = webpush.generateVAPIDKeys();
  const { createWebPushTransport } = await import("../server/services/push/transport");
  (globalThis as unknown as { heraldPushTransport: unknown }).heraldPushTransport = createWebPushTransport({
    vapid: { publicKey: keys.publicKey, privateKey: keys.privateKey, subject: "mailto:bench@herald.test" },
    allowPrivateNetwork: true,
    ca: standIn.ca,
  });
  const { startAppJobs } = await import("../test/app-jobs");
  const jobs = await startAppJobs();
  const { db } = await import("../server/db");
  const { createListing } = await import("../server/services/listings/create-listing");
  const factory = await import("../prisma/factory");

  const rows: Row[] = [];
  for (const n of SIZES) {
    const { business, owner } = await factory.createBusiness(db);
    await factory.createFollowers(db, business.id, n, { emailEnabled: false });
    // Quiet hours off (the bench runs at any hour) and one subscription per follower at the stand-in.
    await db.$executeRaw`UPDATE notification_settings s SET quiet_hours_start = NULL, quiet_hours_end = NULL
      FROM follows f WHERE f.user_id = s.user_id AND f.business_id = ${business.id}::uuid`;
    const subs = Array.from({ length: n }, () => standIn.subscribe());
    await db.$executeRaw`
      INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, label)
      SELECT f.user_id, x.endpoint, x.p256dh, x.auth, 'Bench browser'
      FROM (SELECT user_id, row_number() OVER (ORDER BY user_id) AS rn FROM follows WHERE business_id = ${business.id}::uuid) f
      JOIN (SELECT *, row_number() OVER () AS rn FROM jsonb_to_recordset(${JSON.stringify(subs.map((s) => ({ endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth })))}::jsonb)
              AS r(endpoint text, p256dh text, auth text)) x ON x.rn = f.rn`;
    await db.$executeRawUnsafe("ANALYZE");
    const before = standIn.received.length;
    const t0 = Date.now();
    await createListing(owner.id, {
      title: "Bench bagels",
      priceCents: 1000,
      pickupStart: new Date(Date.now() + 3_600_000),
      pickupEnd: new Date(Date.now() + 7_200_000),
      expiresAt: new Date(Date.now() + 7_200_000),
    });
    await jobs.executor.idle();
    const got = standIn.received.slice(before);
    const arrivals = got.map((r) => r.receivedAt - t0).sort((a, b) => a - b);
    rows.push({
      followers: n,
      received: got.length,
      problems: got.filter((r) => r.problems.length > 0).length,
      p50: percentile(arrivals, 50),
      p99: percentile(arrivals, 99),
      last: arrivals.at(-1) ?? NaN,
    });
    console.error(`${kind} ${n}: ${got.length} pushes, p50 ${ms(percentile(arrivals, 50))}, last ${ms(arrivals.at(-1) ?? NaN)}`);
  }
  await jobs.stop();
  await standIn.close();
  await db.$disconnect();
  await stopServices();
  await database.stop();
  return rows;
}

const sections: string[] = [];
for await (const { kind, result: rows } of perDatabase<Row[]>(argv, measure, ["--sizes", sizesArg])) {
  sections.push(
    `### ${kind}\n\n| followers with a browser | pushes received | rejected by the stand-in | arrival p50 | p99 | last | target (R18.10) |\n|---|---|---|---|---|---|---|\n` +
      rows.map((x) => `| ${x.followers.toLocaleString("en-US")} | ${x.received.toLocaleString("en-US")} | ${x.problems} | ${ms(x.p50)} | ${ms(x.p99)} | ${ms(x.last)} | < 5 s |`).join("\n"),
  );
}
writeResults(
  "Web push",
  `## Web push\n\n\`npx tsx --conditions=react-server bench/push.ts\`: a listing posted to N followers who each have one push subscription at a local ` +
    `push service stand-in (HTTPS; it verifies the VAPID JWT and decrypts every aes128gcm body, as a browser's push service and browser would). ` +
    `Times are from the createListing call to each push's arrival at the stand-in, through the whole pipeline (fan-out, push decision, \`send-push\` ` +
    `loading every device of a batch in one query and sending 32 requests at once).\n\n${machineLine()}\n\n${sections.join("\n\n")}\n`,
);
console.log('wrote the "## Web push" section of bench/RESULTS.md');

/**
 * bench/campaign: a campaign to N users with in-app and email (captured by the embedded mode's capture
 * transport, one row per email in `captured_emails`), through the whole pipeline: sendCampaignNow →
 * `campaign-send` → one `campaign-chunk` run per 5,000 users (set-based insert, realtime signals, set-based
 * email decision, mail merge in provider batches of 100). Reports the time to the last in-app row and to
 * the last email handed to the transport; and, one second into the campaign, how long a transactional
 * email (a security alert through the notice path) takes to reach the transport while the campaign sends
 * (a campaign must not hold up transactional mail; docs/requirements.md R18.15).
 *
 *   npx tsx --import ./bench/server-only.mjs bench/campaign.ts [--db pglite|postgres] [--size 100000]
 *
 * (Not `--conditions=react-server` like the other benches: email rendering needs react-dom/server, which
 * that condition refuses outside Next.js; bench/server-only.mjs stubs the `server-only` marker instead.)
 *
 * Writes the "## Campaign" section of bench/RESULTS.md.
 */
import pg from "pg";
import { freshDatabase, perDatabase, startBenchEnvironment, type BenchDatabase } from "./db";
import { machineLine, writeResults } from "./lib";

const argv = process.argv.slice(2);
const sizeArg = argv.includes("--size") ? argv[argv.indexOf("--size") + 1]! : "100000";

interface Row {
  users: number;
  inAppMs: number;
  emailsMs: number;
  transactionalMs: number;
}

async function measure(kind: BenchDatabase["kind"]): Promise<Row> {
  // PGlite keeps the whole database in this process's memory: 100,000 captured emails (~10 KB each) do
  // not fit, so the embedded database is measured at a tenth of the size.
  const n = kind === "PGlite" ? Math.min(Number(sizeArg), 10_000) : Number(sizeArg);
  const database = await freshDatabase(kind);
  const stopServices = await startBenchEnvironment(database);
  const { startAppJobs } = await import("../test/app-jobs");
  const jobs = await startAppJobs();
  const { db } = await import("../server/db");
  const factory = await import("../prisma/factory");
  const campaigns = await import("../server/services/campaigns/campaigns");
  const { notifyUsers } = await import("../server/services/delivery/notify");
  const poller = new pg.Client({ connectionString: database.url });
  await poller.connect();

  const { business } = await factory.createBusiness(db);
  await factory.createFollowers(db, business.id, n);
  // No quiet hours, so every email is due now whatever the hour of the run.
  await db.$executeRaw`INSERT INTO notification_settings (user_id, quiet_hours_start, quiet_hours_end)
    SELECT f.user_id, NULL, NULL FROM follows f WHERE f.business_id = ${business.id}::uuid`;
  const admin = await factory.createUser(db, { role: "ADMIN" });
  const alerted = await factory.createUser(db);
  await db.$executeRawUnsafe("ANALYZE");
  const c = await campaigns.createCampaign(admin.id, {
    name: "Bench",
    inAppTitle: "Winter food drive",
    inAppBody: "Double the pickups",
    emailSubject: "Winter food drive",
    emailBody: "Help us **double** the pickups. [Find businesses](/businesses)",
    channels: ["IN_APP", "EMAIL"],
    audience: { kind: "followers", businessId: business.id },
  });

  const count = async (sql: string, args: unknown[]) => Number((await poller.query<{ n: string }>(sql, args)).rows[0]!.n);
  const t0 = performance.now();
  await campaigns.sendCampaignNow(admin.id, c.id);
  let inAppMs = 0;
  let transactionalMs = 0;
  let tx0 = 0;
  for (;;) {
    const now = performance.now();
    if (!tx0 && now - t0 > 1_000) {
      tx0 = now;
      await notifyUsers([
        { userId: alerted.id, type: "security_alert", title: "New sign-in", dedupeKey: "bench-alert", email: { event: "new_sign_in", occurredAt: new Date().toISOString(), secureAccountUrl: "/settings/tokens" } },
      ]);
    }
    if (tx0 && !transactionalMs && (await count("SELECT count(*) AS n FROM captured_emails WHERE \"to\" = $1", [alerted.email])) > 0) {
      transactionalMs = performance.now() - tx0;
    }
    if (!inAppMs && (await count("SELECT count(*) AS n FROM notifications WHERE campaign_id = $1", [c.id])) >= n) inAppMs = performance.now() - t0;
    if ((await count("SELECT count(*) AS n FROM deliveries d JOIN notifications x ON x.id = d.notification_id WHERE x.campaign_id = $1 AND d.status = 'SENT'", [c.id])) >= n) break;
    if (performance.now() - t0 > 1_800_000) throw new Error("campaign did not finish in 30 min");
    await new Promise((res) => setTimeout(res, 200));
  }
  const emailsMs = performance.now() - t0;
  await jobs.executor.idle();
  if (!transactionalMs) transactionalMs = NaN;
  console.error(`${kind} ${n}: in-app ${inAppMs.toFixed(0)} ms, emails ${emailsMs.toFixed(0)} ms, transactional during campaign ${transactionalMs.toFixed(0)} ms`);
  await poller.end();
  await jobs.stop();
  await db.$disconnect();
  await stopServices();
  await database.stop();
  return { users: n, inAppMs, emailsMs, transactionalMs };
}

const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString("en-US")}/s`;
const sections: string[] = [];
for await (const { kind, result: r } of perDatabase<Row>(argv, measure, ["--size", sizeArg])) {
  sections.push(
    `### ${kind}\n\n| users | to last in-app row | to last email handed to the transport | a transactional email sent 1 s into the campaign |\n|---|---|---|---|\n` +
      `| ${r.users.toLocaleString("en-US")} | ${(r.inAppMs / 1000).toFixed(1)} s (${rate(r.users, r.inAppMs)}) | ${(r.emailsMs / 1000).toFixed(1)} s (${rate(r.users, r.emailsMs)}) | ${Number.isNaN(r.transactionalMs) ? "not seen" : `${(r.transactionalMs / 1000).toFixed(2)} s`} |`,
  );
}
writeResults(
  "Campaign",
  `## Campaign\n\n\`npx tsx --import ./bench/server-only.mjs bench/campaign.ts\`: a campaign (in-app + email) to the N followers of a business through \`sendCampaignNow\`: ` +
    `\`campaign-send\` invokes one \`campaign-chunk\` run per 5,000 users, three at a time (in-app rows with their realtime signals and every email decision, one statement each), ` +
    `then one \`campaign-chunk-emails\` run per chunk, three at a time: rounds of 500 recipients (rows first, then the send-time decision for those rows), a mail merge of one rendered announcement, decided again and handed to the capture transport in batches of 100 (one \`captured_emails\` row each). ` +
    `One second in, a security alert goes through the notice path; its time to the transport shows that a campaign does not hold up transactional mail. ` +
    `PGlite runs at 10,000 users (the embedded database holds everything in memory).\n\n${machineLine()}\n\n${sections.join("\n\n")}\n`,
);
console.log('wrote the "## Campaign" section of bench/RESULTS.md');

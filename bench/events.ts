/**
 * bench/events: `POST /api/v1/events` (`listing.created`, a host platform's API key, an Idempotency-Key
 * per event) at increasing rates, through the real route handler, the embedded executor and the app's
 * functions. Reports the sustained events/second the pipeline kept up with and the end-to-end latency to
 * the inbox: from the POST to the follower's browser client (pusher-js on the user's private channel)
 * receiving `notification.new` for that listing. Each event fans out to the business's 1,000 followers.
 *
 *   npx tsx --conditions=react-server bench/events.ts [--db pglite|postgres] [--rates 2,5,10,20] [--seconds 5]
 *
 * Writes the "## Events API" section of bench/RESULTS.md.
 */
import { randomUUID } from "node:crypto";
import { freshDatabase, perDatabase, startBenchEnvironment, type BenchDatabase } from "./db";
import { machineLine, ms, percentile, writeResults } from "./lib";

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : fallback);
const RATES = arg("--rates", "2,5,10,20").split(",").map(Number);
const SECONDS = Number(arg("--seconds", "5"));
const FOLLOWERS = 1_000;

interface Row {
  rate: number;
  sent: number;
  accepted: number;
  achieved: number;
  p50: number;
  p99: number;
  lost: number;
}

async function measure(kind: BenchDatabase["kind"]): Promise<Row[]> {
  const database = await freshDatabase(kind);
  const stop = await startBenchEnvironment(database);
  const { startAppJobs } = await import("../test/app-jobs");
  const jobs = await startAppJobs();
  const { db } = await import("../server/db");
  const factory = await import("../prisma/factory");
  const { createApiKey } = await import("../server/services/api/api-keys");
  const { POST } = await import("../app/api/v1/events/route");
  const { heraldUserClient } = await import("../test/pusher");

  const admin = await factory.createUser(db, { role: "ADMIN" });
  const { key } = await createApiKey(admin.id, { name: "bench" });
  const { business } = await factory.createBusiness(db);
  await factory.createFollowers(db, business.id, FOLLOWERS - 1, { emailEnabled: false });
  const watcher = await factory.createUser(db);
  await db.notificationSettings.create({ data: { userId: watcher.id, emailEnabled: false } });
  await db.follow.create({ data: { userId: watcher.id, businessId: business.id } });

  const arrived = new Map<string, number>();
  const client = heraldUserClient({
    app: { key: process.env.PUSHER_KEY!, secret: process.env.PUSHER_SECRET! },
    port: Number(process.env.PUSHER_PORT),
    user: { id: watcher.id, role: "CUSTOMER", businessId: null },
  });
  const channel = client.subscribe(`private-user-${watcher.id}`);
  await new Promise<void>((resolve) => channel.bind("pusher:subscription_succeeded", () => resolve()));
  channel.bind("notification.new", (d: { data?: { listing_id?: string } }) => { const id = d.data?.listing_id; if (id && !arrived.has(id)) arrived.set(id, performance.now()); });

  const post = async () => {
    const start = new Date(Date.now() + 3_600_000);
    const body = JSON.stringify({
      name: "listing.created",
      data: { business_id: business.id, title: "Bench bagels", price: "10.00", pickup_start: start.toISOString(), pickup_end: new Date(start.getTime() + 3_600_000).toISOString(), expires_at: new Date(start.getTime() + 3_600_000).toISOString() },
    });
    const t0 = performance.now();
    const res = await POST(new Request("http://127.0.0.1/api/v1/events", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "idempotency-key": randomUUID(), "x-forwarded-for": "127.0.0.1" }, body }));
    const json = (await res.json()) as { id?: string };
    return { ok: res.status === 202, id: json.id, t0 };
  };

  const rows: Row[] = [];
  for (const rate of RATES) {
    const sent: Promise<{ ok: boolean; id?: string; t0: number }>[] = [];
    const started = performance.now();
    for (let i = 0; i < rate * SECONDS; i++) {
      const due = started + (i * 1000) / rate;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      sent.push(post());
    }
    const results = await Promise.all(sent);
    await jobs.executor.idle();
    const deadline = performance.now() + 10_000;
    while (results.some((r) => r.ok && r.id && !arrived.has(r.id)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const elapsed = (Math.max(...results.map((r) => (r.id ? (arrived.get(r.id) ?? 0) : 0))) - started) / 1000;
    const latencies = results.filter((r) => r.ok && r.id && arrived.has(r.id)).map((r) => arrived.get(r.id!)! - r.t0);
    const accepted = results.filter((r) => r.ok).length;
    rows.push({ rate, sent: results.length, accepted, achieved: accepted / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), lost: accepted - latencies.length });
    console.error(`${kind} ${rate}/s: accepted ${accepted}/${results.length}, ${(accepted / elapsed).toFixed(1)} events/s end to end, inbox p50 ${ms(percentile(latencies, 50))} p99 ${ms(percentile(latencies, 99))}`);
  }
  client.disconnect();
  await jobs.stop();
  await db.$disconnect();
  await stop();
  await database.stop();
  return rows;
}

const sections: string[] = [];
for await (const { kind, result: rows } of perDatabase<Row[]>(argv, measure, ["--rates", RATES.join(","), "--seconds", String(SECONDS)])) {
  sections.push(
    `### ${kind}\n\n| offered rate | events | accepted (202) | sustained end to end | inbox latency p50 | p99 | never arrived |\n|---|---|---|---|---|---|---|\n` +
      rows.map((x) => `| ${x.rate}/s | ${x.sent} | ${x.accepted} | ${x.achieved.toFixed(1)}/s | ${ms(x.p50)} | ${ms(x.p99)} | ${x.lost} |`).join("\n"),
  );
}
writeResults(
  "Events API",
  `## Events API\n\n\`npx tsx --conditions=react-server bench/events.ts\`: \`POST /api/v1/events\` (\`listing.created\`, API key, one Idempotency-Key per event) ` +
    `through the real route handler at each offered rate for ${SECONDS} s; each event fans out to ${FOLLOWERS.toLocaleString()} followers. ` +
    `"Sustained" is accepted events ÷ time until the last one reached the watching follower; latency is POST → \`notification.new\` received by ` +
    `that follower's pusher-js client.\n\n${machineLine()}\n\n${sections.join("\n\n")}\n`,
);
console.log("wrote the \"## Events API\" section of bench/RESULTS.md");

/**
 * bench/executor: runs per second of a three-step function through the embedded Inngest executor, with and
 * without checkpointing, and the run latency (event accepted → run completed).
 *
 *   npx tsx bench/executor.ts [--db pglite|postgres] [--runs 3000] [--rate 150] [--seconds 10] [--modes classic,checkpointing,buffered] [--no-write]
 *
 * Two processes, as in the embedded mode: the executor with its database (this process; PGlite runs here,
 * in its worker thread) serving the event and checkpoint APIs over HTTP, and the app: the real `inngest`
 * SDK's `serve()` (`inngest/node`) on a plain node:http server in a child process (Next.js's own cost per
 * request is measured by bench/live.ts, not here). The function: three `step.run`s returning small objects.
 *
 * - Throughput: `--runs` events posted at once (event API, 100 per request); runs/s = runs ÷ (last run
 *   completed − first event accepted). Latency under that burst includes the time queued.
 * - Latency: events at a steady `--rate` per second for `--seconds`; p50/p99 of completed − created.
 * - CPU: % of one core over the burst, from /proc (executor process incl. PGlite; app process; PostgreSQL).
 *
 * "classic": the executor does not offer checkpointing (no `ctx.fn_id`): one request per step, four in all.
 * "checkpointing": one request, the steps posted to `/v1/checkpoint/:runId/async`, RunComplete in the answer.
 * "buffered": checkpointing with the SDK's `checkpointing: { bufferedSteps: 3 }`: one checkpoint per run (the
 * SDK's default, which Herald keeps, posts after every step; buffering trades re-running up to 3 steps after
 * a crash of the app for fewer round trips).
 * `BENCH_PROF_APP=DIR` writes a V8 CPU profile of the app process to DIR.
 * Writes the "## Executor" section of bench/RESULTS.md (not with `--no-write`).
 */
import { fork, type ChildProcess } from "node:child_process";
import http from "node:http";
import { createServer } from "node:net";
import pg from "pg";
import { databaseKinds, freshDatabase, type BenchDatabase } from "./db";
import { machineLine, ms, percentile, postgresPids, procCpuTicks, writeResults } from "./lib";
import { createExecutor } from "../server/embedded/jobs/executor";
import { generateEventKey, generateSigningKey } from "../server/embedded/jobs/signature";

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : fallback);
const RUNS = Number(arg("--runs", "3000"));
const RATE = Number(arg("--rate", "150"));
const SECONDS = Number(arg("--seconds", "10"));
const MODES = arg("--modes", "classic,checkpointing,buffered").split(",") as Mode[];
type Mode = "classic" | "checkpointing" | "buffered";

// ---------- the app: the SDK's serve() in a child process ----------

async function runApp(): Promise<void> {
  const { Inngest } = await import("inngest");
  const { serve } = await import("inngest/node");
  const client = new Inngest({
    id: "bench",
    isDev: false,
    signingKey: process.env.BENCH_SIGNING_KEY!,
    eventKey: process.env.BENCH_EVENT_KEY!,
    baseUrl: process.env.BENCH_EXECUTOR_URL!,
    logger: { info() {}, warn() {}, error() {}, debug() {} },
    ...(process.env.BENCH_BUFFERED_STEPS ? { checkpointing: { bufferedSteps: Number(process.env.BENCH_BUFFERED_STEPS) } } : {}),
  });
  const three = client.createFunction({ id: "three-steps", triggers: [{ event: "bench/run" }] }, async ({ event, step }) => {
    const a = await step.run("a", () => ({
      n: (event.data as { n: number }).n,
    }));
    const b = await step.run("b", () => ({ n: a.n + 1 }));
    const c = await step.run("c", () => ({ n: b.n + 1 }));
    return { total: a.n + b.n + c.n };
  });
  process.on("SIGINT", () => process.exit(0)); // a normal exit, so that --cpu-prof writes its profile
  const server = http.createServer(serve({ client, functions: [three] }));
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    process.send?.({
      port: typeof address === "object" && address ? address.port : 0,
    });
  });
}

// ---------- the executor and the measurements ----------

interface Row {
  mode: Mode;
  runs: number;
  runsPerSecond: number;
  burstP50: number;
  burstP99: number;
  rate: number;
  steadyRuns: number;
  steadyP50: number;
  steadyP99: number;
  requestsPerRun: number;
  executorCpu: number;
  appCpu: number;
  postgresCpu: number | null;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function postEvents(port: number, eventKey: string, events: unknown[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(events);
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: `/e/${eventKey}`,
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`event API answered ${res.statusCode}`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function measure(database: BenchDatabase, mode: Mode): Promise<Row> {
  const signingKey = generateSigningKey("bench");
  const eventKey = generateEventKey();
  const schema = `bench_jobs_${mode}`;
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);

  // The app's client needs the executor's URL and the executor the app's: take a free port for the executor.
  const executorPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
  const app: ChildProcess = fork(import.meta.filename, ["--app"], {
    env: {
      ...process.env,
      BENCH_SIGNING_KEY: signingKey,
      BENCH_EVENT_KEY: eventKey,
      BENCH_EXECUTOR_URL: `http://127.0.0.1:${executorPort}`,
      ...(mode === "buffered" ? { BENCH_BUFFERED_STEPS: "3" } : {}),
    },
    execArgv: process.env.BENCH_PROF_APP ? [...process.execArgv, "--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROF_APP}`] : process.execArgv,
  });
  const appPort = await new Promise<number>((resolve) => app.once("message", (m: { port: number }) => resolve(m.port)));
  const executor = createExecutor({
    databaseUrl: database.url,
    appUrl: `http://127.0.0.1:${appPort}/api/inngest`,
    signingKey,
    eventKey,
    schema,
    checkpointing: mode !== "classic",
    log: () => {},
  });
  const api = await executor.listen(executorPort);
  await executor.start();

  // Every run exists once the event API has answered; wait until none is active (a cheap poll: the partial
  // index of active runs), then read the times from the runs themselves.
  const untilCompleted = async () => {
    const deadline = Date.now() + 600_000;
    while ((await sql.query(`SELECT 1 FROM ${schema}.runs WHERE status IN ('queued', 'running') LIMIT 1`)).rowCount! > 0) {
      if (Date.now() > deadline) throw new Error("runs still active after 10 min");
      await new Promise((r) => setTimeout(r, 100));
    }
    const failed = (await sql.query<{ status: string; error: unknown }>(`SELECT status, error FROM ${schema}.runs WHERE status <> 'completed' LIMIT 3`)).rows;
    if (failed.length > 0) throw new Error(`runs did not complete: ${JSON.stringify(failed)}`);
    return Number((await sql.query<{ t: string }>(`SELECT max(ended_at) AS t FROM ${schema}.runs`)).rows[0]!.t);
  };
  const latencies = async (afterCreated: number) =>
    (
      await sql.query<{ created_at: string; ended_at: string }>(
        `SELECT created_at, ended_at FROM ${schema}.runs WHERE status = 'completed' AND created_at >= $1`,
        [afterCreated],
      )
    ).rows.map((r) => Number(r.ended_at) - Number(r.created_at));

  // Warm-up: the first runs pay for JIT and connections.
  await postEvents(
    api.port,
    eventKey,
    Array.from({ length: 50 }, (_, n) => ({ name: "bench/run", data: { n } })),
  );
  await untilCompleted();
  const callsBefore = Number((await sql.query<{ n: string }>(`SELECT COALESCE(sum(calls), 0) AS n FROM ${schema}.runs`)).rows[0]!.n);

  // Throughput: a burst of RUNS events.
  const pgPids = database.kind === "PostgreSQL" ? postgresPids() : [];
  const cpu0 = {
    self: procCpuTicks("self"),
    app: procCpuTicks(app.pid!),
    pg: pgPids.reduce((a, p) => a + procCpuTicks(p), 0),
  };
  const t0 = Date.now();
  const batches: Promise<void>[] = [];
  for (let i = 0; i < RUNS; i += 100)
    batches.push(
      postEvents(
        api.port,
        eventKey,
        Array.from({ length: Math.min(100, RUNS - i) }, (_, k) => ({
          name: "bench/run",
          data: { n: i + k },
        })),
      ),
    );
  await Promise.all(batches);
  const lastEnded = await untilCompleted();
  const elapsed = (lastEnded - t0) / 1000;
  const ticks = (a: number, b: number) => (b - a) / elapsed; // ticks are 1/100 s: ticks per s = % of one core
  const cpu1 = {
    self: procCpuTicks("self"),
    app: procCpuTicks(app.pid!),
    pg: pgPids.reduce((a, p) => a + procCpuTicks(p), 0),
  };
  const burst = await latencies(t0);
  const calls = Number((await sql.query<{ n: string }>(`SELECT COALESCE(sum(calls), 0) AS n FROM ${schema}.runs`)).rows[0]!.n) - callsBefore;

  // Latency at a steady rate.
  const t1 = Date.now();
  const steady = RATE * SECONDS;
  const posted: Promise<void>[] = [];
  for (let i = 0; i < steady; i++) {
    const due = t1 + (i * 1000) / RATE;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    posted.push(postEvents(api.port, eventKey, [{ name: "bench/run", data: { n: i } }]));
  }
  await Promise.all(posted); // every run exists before the poll below can see "none active"
  await untilCompleted();
  const steadyLatencies = await latencies(t1);

  app.kill("SIGINT");
  await new Promise((r) => app.once("exit", r));
  await executor.stop();
  await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await sql.end();
  return {
    mode,
    runs: RUNS,
    runsPerSecond: RUNS / elapsed,
    burstP50: percentile(burst, 50),
    burstP99: percentile(burst, 99),
    rate: RATE,
    steadyRuns: steadyLatencies.length,
    steadyP50: percentile(steadyLatencies, 50),
    steadyP99: percentile(steadyLatencies, 99),
    requestsPerRun: calls / RUNS,
    executorCpu: ticks(cpu0.self, cpu1.self),
    appCpu: ticks(cpu0.app, cpu1.app),
    postgresCpu: database.kind === "PostgreSQL" ? ticks(cpu0.pg, cpu1.pg) : null,
  };
}

async function main(): Promise<void> {
  if (argv.includes("--app")) return runApp();
  const sections: string[] = [];
  for (const kind of await databaseKinds(argv)) {
    const database = await freshDatabase(kind);
    const rows: Row[] = [];
    try {
      for (const mode of MODES) {
        const row = await measure(database, mode);
        console.log(kind, JSON.stringify(row));
        rows.push(row);
      }
    } finally {
      await database.stop();
    }
    sections.push(
      [
        `### ${kind}`,
        "",
        "| mode | runs/s (burst of N) | latency in the burst p50 / p99 | latency at a steady rate p50 / p99 | app requests per run | executor CPU | app CPU | PostgreSQL CPU |",
        "|---|---|---|---|---|---|---|---|",
        ...rows.map(
          (r) =>
            `| ${r.mode} | ${r.runsPerSecond.toFixed(0)} (N = ${r.runs.toLocaleString("en-US")}) | ${ms(r.burstP50)} / ${ms(r.burstP99)} | ${ms(r.steadyP50)} / ${ms(r.steadyP99)} (${r.rate}/s for ${SECONDS} s) | ${r.requestsPerRun.toFixed(2)} | ${r.executorCpu.toFixed(0)}% | ${r.appCpu.toFixed(0)}% | ${r.postgresCpu === null ? "(in the executor)" : `${r.postgresCpu.toFixed(0)}%`} |`,
        ),
      ].join("\n"),
    );
  }
  if (argv.includes("--no-write")) return;
  writeResults(
    "Executor",
    [
      "## Executor",
      "",
      "`npx tsx bench/executor.ts` (see its TSDoc): a three-step function (`step.run` × 3, small outputs) through the embedded executor; the app is the real SDK's `serve()` in a process of its own, the executor and its database in another. Target (issue 13): ≥ 300 runs/s on this 2-core machine. CPU is % of one core over the burst.",
      "",
      machineLine(),
      "",
      ...sections.flatMap((s) => [s, ""]),
    ].join("\n"),
  );
}

await main();

/**
 * Runs the app's real Inngest functions (inngest/index.ts) in a test: an embedded executor on a throw-away
 * `herald_jobs_*` schema drives the app's own `serve()` handler in-process, and the app's client sends its
 * events to the executor's event API on a random port (INNGEST_BASE_URL), through the outbox relay that a
 * web process runs (server/services/outbox/relay.ts). Import app modules only after `startAppJobs()`
 * resolves (dynamic `import()`), so the client sees INNGEST_BASE_URL.
 *
 * `executor.idle()` of the returned object also waits for the outbox: it sends what services recorded and
 * waits for the runs it starts, until nothing is pending in either.
 *
 * `instances: n` runs n executors and n outbox relays on the one database and jobs schema, as n Herald
 * instances do (docs/deploy.md): the app sends its events to the first executor's API, and every executor
 * claims runs from the shared tables. The first takes one run at a time and the others poll every 20 ms, so
 * work of more than one run is shared between them; `callsPerExecutor()` tells how it was.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createExecutor, type Executor } from "../server/embedded/jobs/executor";
import type { Clock } from "../server/embedded/jobs/clock";
import type { OutboxRelay, RelayOptions } from "../server/services/outbox/relay";

/**
 * @param opts.clock the executor's clock (a FakeClock lets a test move time through sleeps and crons;
 *   app code still reads the wall clock, so start the FakeClock at `Date.now()`)
 * @param opts.eventApi maps the executor's event API origin to the one the app sends to (e.g. a
 *   test/fault-proxy.ts in front of it)
 * @param opts.relay options of the outbox relay (timeouts, lease)
 */
export async function startAppJobs(
  opts: { clock?: Clock; eventApi?: (executorUrl: string) => string | Promise<string>; relay?: RelayOptions; instances?: number } = {},
): Promise<{ executor: Executor; relay: OutboxRelay; callsPerExecutor(): number[]; stop(): Promise<void> }> {
  const schema = `herald_jobs_app_${randomBytes(4).toString("hex")}`;
  const app: { handle?: (req: Request) => Promise<Response> } = {};
  const instances = opts.instances ?? 1;
  const calls = Array.from({ length: instances }, () => 0);
  const executors = Array.from({ length: instances }, (_, i) =>
    createExecutor({
      databaseUrl: process.env.DATABASE_URL!,
      handler: (req) => {
        calls[i]!++;
        return app.handle!(req);
      },
      signingKey: process.env.INNGEST_SIGNING_KEY!,
      eventKey: process.env.INNGEST_EVENT_KEY!,
      schema,
      log: () => undefined,
      // A FakeClock stands still while the SDK stamps events with the real time: allow a test's length.
      ...(opts.clock ? { clock: opts.clock, clockSkewToleranceMs: 10 * 60_000 } : {}),
      ...(instances > 1 ? (i === 0 ? { concurrency: 1 } : { pollIntervalMs: 20 }) : {}),
    }),
  );
  const executor = executors[0]!;
  const api = await executor.listen(0, "127.0.0.1");
  const executorUrl = `http://127.0.0.1:${api.port}`;
  process.env.INNGEST_BASE_URL = opts.eventApi ? await opts.eventApi(executorUrl) : executorUrl;
  const [{ serve }, { inngest }, { functions }, { startOutboxRelay, pendingOutboxCount }, { inngestOutboxSender }] = await Promise.all([
    import("inngest/next"),
    import("../inngest/client"),
    import("../inngest"),
    import("../server/services/outbox/relay"),
    import("../inngest/outbox-sender"),
  ]);
  const served = serve({ client: inngest, functions }) as unknown as (req: Request, ctx: unknown) => Promise<Response>;
  app.handle = (req) => served(req, undefined);
  for (const ex of executors) await ex.start();
  const relays = Array.from({ length: instances }, () => startOutboxRelay(inngestOutboxSender, { pollMs: 100, log: () => undefined, ...opts.relay }));
  const relay = relays[0]!;
  const now = () => (opts.clock ? opts.clock.now() : Date.now());
  /** A run that some executor could take now (another instance's, not in this process's idle()). */
  const runnable = async () => (await executor.runs()).some((r) => (r.status === "queued" || r.status === "running") && r.nextAttemptAt <= now());
  const idle = async () => {
    for (;;) {
      await Promise.all(relays.map((r) => r.drain()));
      await Promise.all(executors.map((ex) => ex.idle()));
      if ((await pendingOutboxCount()) === 0 && (instances === 1 || !(await runnable()))) return;
      await new Promise((r) => setTimeout(r, 50)); // a send in backoff, or another instance's run: wait for it
    }
  };
  return {
    executor: { ...executor, idle },
    relay,
    callsPerExecutor: () => [...calls],
    async stop() {
      for (const r of relays) await r.stop();
      for (const ex of executors) await ex.stop();
      await api.close();
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}


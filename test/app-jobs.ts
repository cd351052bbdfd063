/**
 * Runs the app's real Inngest functions (inngest/index.ts) in a test: an embedded executor on a throw-away
 * `herald_jobs_*` schema drives the app's own `serve()` handler in-process, and the app's client sends its
 * events to the executor's event API on a random port (INNGEST_BASE_URL). Import app modules only after
 * `startAppJobs()` resolves (dynamic `import()`), so the client sees INNGEST_BASE_URL.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createExecutor, type Executor } from "../server/embedded/jobs/executor";
import type { Clock } from "../server/embedded/jobs/clock";

/**
 * @param opts.clock the executor's clock (a FakeClock lets a test move time through sleeps and crons;
 *   app code still reads the wall clock, so start the FakeClock at `Date.now()`)
 */
export async function startAppJobs(opts: { clock?: Clock } = {}): Promise<{ executor: Executor; stop(): Promise<void> }> {
  const schema = `herald_jobs_app_${randomBytes(4).toString("hex")}`;
  const app: { handle?: (req: Request) => Promise<Response> } = {};
  const executor = createExecutor({
    databaseUrl: process.env.DATABASE_URL!,
    handler: (req) => app.handle!(req),
    signingKey: process.env.INNGEST_SIGNING_KEY!,
    eventKey: process.env.INNGEST_EVENT_KEY!,
    schema,
    log: () => undefined,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const api = await executor.listen(0, "127.0.0.1");
  process.env.INNGEST_BASE_URL = `http://127.0.0.1:${api.port}`;
  const [{ serve }, { inngest }, { functions }] = await Promise.all([import("inngest/next"), import("../inngest/client"), import("../inngest")]);
  const served = serve({ client: inngest, functions }) as unknown as (req: Request, ctx: unknown) => Promise<Response>;
  app.handle = (req) => served(req, undefined);
  await executor.start();
  return {
    executor,
    async stop() {
      await executor.stop();
      await api.close();
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

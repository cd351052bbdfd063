/**
 * Test helpers for the embedded executor: a real `inngest` client and `serve()` handler (from
 * `inngest/next`, as the app uses) driven in-process by executors on a throw-away `herald_jobs_t_*` schema
 * of the test database (`DATABASE_URL`, set by vitest's global setup). Not a test file itself.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { Inngest, type Logger } from "inngest";
import { serve } from "inngest/next";
import { FakeClock } from "./clock";
import { createExecutor, type Executor, type ExecutorOptions } from "./executor";
import { generateEventKey, generateSigningKey } from "./signature";

/** A logger that drops everything (the SDK logs every step error otherwise). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };

type ServeFunctions = NonNullable<Parameters<typeof serve>[0]["functions"]>;

/** One call the executor made to the serve handler. */
export interface RecordedCall {
  method: string;
  fnId: string | null;
  stepId: string | null;
  status: number;
}

/** The pieces of a test. */
export interface Harness {
  client: Inngest;
  clock: FakeClock;
  signingKey: string;
  eventKey: string;
  schema: string;
  databaseUrl: string;
  /** The serve handler as the executor calls it (after `wrap`, with call recording). */
  handler: (req: Request) => Promise<Response>;
  /** The raw serve handler (no recording, no wrap). */
  rawHandler: (req: Request) => Promise<Response>;
  calls: RecordedCall[];
  /** Requests the client made to the executor's API (events, checkpoints), with the answer's status. */
  apiRequests: { method: string; path: string; status: number }[];
  /** The executor events are routed to (the latest one created). */
  executor: Executor;
  /** A new executor on the same database, schema, handler and clock (not started). */
  newExecutor(overrides?: Partial<ExecutorOptions>): Executor;
  /** Stops every executor created and drops the schema. */
  cleanup(): Promise<void>;
}

/** The test database URL, from vitest's global setup. */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (vitest global setup provides it)");
  return url;
}

/**
 * Builds a client, its functions (`define`), the serve handler and a first executor (not started).
 * Requests the client makes to Inngest (`inngest.send`, `step.sendEvent`, checkpoints) go to the current
 * executor's `handleApi` through the client's `fetch` option.
 */
export function createHarness(opts: {
  define: (client: Inngest) => ServeFunctions;
  wrap?: (handler: (req: Request) => Promise<Response>) => (req: Request) => Promise<Response>;
  executor?: Partial<ExecutorOptions>;
  logs?: string[];
  /** Start time of the FakeClock, ms since the epoch (default: the real current time). */
  startAt?: number;
  /**
   * false: the SDK's classic mode, one request per step (the client turns checkpointing off). Default: the
   * SDK's default, checkpointing (several steps per request, posted to the executor's checkpoint API). An
   * object: the SDK's checkpointing options (e.g. `{ bufferedSteps: 3 }`).
   */
  checkpointing?: boolean | { bufferedSteps?: number };
}): Harness {
  const signingKey = generateSigningKey("test");
  const eventKey = generateEventKey();
  const clock = new FakeClock(opts.startAt);
  const schema = `herald_jobs_t_${randomBytes(5).toString("hex")}`;
  const url = databaseUrl();
  const executors: Executor[] = [];
  let current: Executor | undefined;
  const apiRequests: Harness["apiRequests"] = [];

  const client = new Inngest({
    id: "herald-test",
    isDev: false,
    ...(opts.checkpointing === undefined || opts.checkpointing === true ? {} : { checkpointing: opts.checkpointing }),
    signingKey,
    eventKey,
    baseUrl: "http://executor.test/",
    logger: silentLogger,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (!current) throw new Error("no executor yet");
      const req = new Request(input, init);
      const res = await current.handleApi(req);
      apiRequests.push({ method: req.method, path: new URL(req.url).pathname, status: res.status });
      return res;
    }) as typeof fetch,
  });
  const served = serve({ client, functions: opts.define(client) });
  const rawHandler = (req: Request) => (served as unknown as (r: Request, ctx: unknown) => Promise<Response>)(req, undefined);
  const calls: RecordedCall[] = [];
  const wrapped = opts.wrap ? opts.wrap(rawHandler) : rawHandler;
  const handler = async (req: Request) => {
    const u = new URL(req.url);
    const res = await wrapped(req);
    calls.push({ method: req.method, fnId: u.searchParams.get("fnId"), stepId: u.searchParams.get("stepId"), status: res.status });
    return res;
  };

  const newExecutor = (overrides: Partial<ExecutorOptions> = {}) => {
    const ex = createExecutor({
      databaseUrl: url,
      handler,
      signingKey,
      eventKey,
      clock,
      schema,
      pollIntervalMs: 25,
      // The FakeClock stands still while the SDK stamps events with the real time: allow the test's length.
      clockSkewToleranceMs: 10 * 60_000,
      log: opts.logs ? (line) => opts.logs?.push(line) : () => {},
      ...opts.executor,
      ...overrides,
    });
    executors.push(ex);
    current = ex;
    return ex;
  };

  const harness: Harness = {
    client,
    clock,
    signingKey,
    eventKey,
    schema,
    databaseUrl: url,
    handler,
    rawHandler,
    calls,
    apiRequests,
    executor: newExecutor(),
    newExecutor(overrides) {
      const ex = newExecutor(overrides);
      harness.executor = ex;
      return ex;
    },
    async cleanup() {
      for (const ex of executors) await ex.stop().catch(() => undefined);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
  return harness;
}

/** A promise with its resolver, for steps the test holds open. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Moves the FakeClock forward to `atMs` in steps of at most `stepMs`, awaiting `executor.idle()` after each
 * step, so every due timer, sleep and cron tick on the way is handled at (about) its own time.
 */
export async function advanceTo(clock: FakeClock, executors: Executor[], atMs: number, stepMs = 60_000): Promise<void> {
  while (clock.now() < atMs) {
    clock.set(Math.min(atMs, clock.now() + stepMs));
    for (const ex of executors) await ex.idle();
  }
}

/** Waits (real time, polling every 10 ms) until `check` returns true; fails after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

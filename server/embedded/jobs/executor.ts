/**
 * Herald's embedded Inngest executor (docs/protocols.md): it plays the Inngest server against the app's own
 * `serve()` handler, so the same Inngest functions run here with nothing but Node and PostgreSQL/PGlite,
 * and on Inngest Cloud or self-hosted Inngest when real keys are set.
 *
 * Protocol: docs/protocols.md (verified with inngest 4.24) and SDK_SPEC (inngest/inngest
 * `docs/SDK_SPEC.md`) §4.3 sync, §4.4 calls, §5 steps. Cloud mode only: every request is signed and every
 * answer verified.
 *
 * Implemented: in-band sync; event triggers with an optional `if` in a small CEL subset; step memoization
 * (`StepRun`), planned/parallel steps (`StepPlanned` → call with `stepId`); `step.sendEvent`/`inngest.send`
 * through the event API `POST /e/:eventKey` (ids from `x-inngest-event-id-seed`, 24 h dedupe of sender
 * ids); retries with exponential backoff + jitter, `retry-after`, `NonRetriableError`; runs durable in the
 * database and resumed after a restart; leases so two executors never run the same attempt at once;
 * `inngest/function.failed` on failure (so `onFailure` handlers run);
 * `step.sleep`/`step.sleepUntil` (`Sleep` op: the wake time is stored as the run's `next_attempt_at` and a
 * `planned` entry, so a sleep survives a restart; on wake the step is memoized `null`; sleeps over 1 year
 * fail the run, NonRetriable); cron triggers (`cron.ts`: 5 fields, optional `TZ=` zone, DST-aware), each
 * tick starting one run with the event `inngest/scheduled.timer` `{data: {cron}}`, recorded with a unique
 * (function, tick) row so several executor processes or a restart never start a tick twice;
 * `step.waitForEvent` (a `waits` row matched by later events, `null` at the timeout) and `step.invoke` (a
 * child run with `inngest/function.invoked`; its output or error resumes the caller, or
 * `InngestInvokeTimeoutError` at the timeout), both durable in the database (`run-driver.ts`);
 * `cancelOn` (a later matching event cancels an active run: status `cancelled`, no further step,
 * then `inngest/function.cancelled`;
 * `matching.ts`); `concurrency` (at most `limit` runs per key hold a lease at once, across processes;
 * the rest stay queued; `storage/runs.ts` `claim`); `idempotency` (one run per function and key per 24 h).
 *
 * Missed cron ticks (no executor ran at the tick, or the process stalled across several ticks): ONE
 * catch-up run, for the most recent missed tick only, and only if that tick is at most
 * {@link CRON_CATCH_UP_MS} (24 h) old; older ones are skipped. Both are logged. A function's first start
 * (no tick recorded yet for its expression) schedules from now on, with no catch-up.
 *
 * Refused at start-up by name (functions.ts): cron `jitter`, wildcard event names, concurrency scopes other
 * than "fn", throttle, debounce, batchEvents, rateLimit, priority, timeouts, singleton, unknown options,
 * expressions beyond the subset; unreadable cron expressions throw `InvalidCronError` (functions.ts).
 * Failed at run time with a clear NonRetriable error naming the op: WaitForSignal, AI/fetch gateway steps,
 * defer, realtime publish and sendSignal steps, and `step.waitForEvent` `if` expressions beyond the subset.
 *
 * Time: every schedule (backoff, leases, sleeps, cron ticks) reads the injectable {@link Clock}
 * (`clock.ts`); tests move a FakeClock.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { randomBytes } from "node:crypto";
import { constantTimeEqual } from "../../signing";
import pg from "pg";
import { systemClock, type Clock, type TimerHandle } from "./clock";
import { nextTick, previousTick, type CronSchedule } from "./cron";
import { concurrencySlots, idempotencyKey, prepareFunctions, type FunctionDef } from "./functions";
import { createMatcher } from "./matching";
import { eventApiBodySchema, headers as h, internalEvents, jsonResponse, type EventInput, type SerializedError, type StoredEvent } from "./protocol";
import { createStorage, DEFAULT_SCHEMA, type IngestEvent, type MatchableEvent, type NewRun, type PlannedStep, type RunFilter, type RunRow, type RunStatus, type StepRow, type Storage } from "./storage";
import { cancelledEvent, createRunDriver, MAX_RUN_STATE_BYTES, MAX_STEP_OUTPUT_BYTES } from "./run-driver";
import { CHECKPOINT_ASYNC_PATH, createCheckpointApi } from "./checkpoint";
import { createTransport } from "./transport";
import { deterministicUlid, monotonicUlidFactory, seededEventId } from "./ulid";
import { BodyEncodingError, BodyTooLargeError, readBodyText } from "../../http/input-hygiene";

/** Options of {@link createExecutor}. Times are ms. */
export interface ExecutorOptions {
  /** PostgreSQL connection string (PostgreSQL 15+ or PGlite over the wire). */
  databaseUrl: string;
  /** Absolute http(s) URL of the app's `/api/inngest`, when driving the app over HTTP. */
  appUrl?: string;
  /** The app's serve handler, in-process (takes precedence over `appUrl`). */
  handler?: (req: Request) => Promise<Response>;
  /** Signing key (`signkey-<env>-<hex>`), shared with the app (`INNGEST_SIGNING_KEY`). */
  signingKey: string;
  /** The only key the event API accepts (`INNGEST_EVENT_KEY` of the app). */
  eventKey: string;
  /** Time source for every schedule (default: wall clock). */
  clock?: Clock;
  /** Runs in flight at once in this process (default 8). */
  concurrency?: number;
  /** Log sink (default `console.log`). */
  log?: (line: string) => void;
  /** How often to look for work created by other processes, in real ms (default 1000). */
  pollIntervalMs?: number;
  /** PostgreSQL schema owned by the executor (default `herald_jobs`). */
  schema?: string;
  /** Lease length in clock ms (default 60 000); renewed every third of it while a run is in flight. */
  leaseMs?: number;
  /** Delay before retry number `retry` (1-based), in clock ms (default {@link defaultBackoff}). */
  backoff?: (retry: number) => number;
  /** Steps a run may memoize before it is failed (default 1000, Inngest's limit). */
  maxStepsPerRun?: number;
  /** Largest step output, in UTF-8 bytes of its JSON (default 4 MiB, Inngest's limit). */
  maxStepOutputBytes?: number;
  /** Largest run state (events and step outputs), in UTF-8 bytes of their JSON (default 32 MiB, Inngest's limit). */
  maxRunStateBytes?: number;
  /** How long `start()` retries an unreachable app before giving up, real ms (default 30 000 with `appUrl`, 0 in-process). */
  syncWaitMs?: number;
  /** Maximum pool connections (default 4). */
  poolMax?: number;
  /** Largest event, in UTF-8 bytes of its JSON (default {@link DEFAULT_MAX_EVENT_BYTES}, Inngest's free plan). */
  maxEventBytes?: number;
  /** Largest event API request body, in bytes (default {@link MAX_EVENT_API_BODY}). */
  maxRequestBytes?: number;
  /**
   * An event whose `ts` lies more than this many ms ahead of the executor's clock starts its runs at `ts`
   * (Inngest delays the runs of a future-dated event); within it, at once (a sender's clock slightly ahead).
   * Default 1000.
   */
  clockSkewToleranceMs?: number;
  /** With `appUrl`: how long one call to the app may take, in ms (default 2 h 5 min, above Inngest's 2 h step limit). */
  callTimeoutMs?: number;
  /**
   * Stable identity of this executor process. At start, leases still held under this id are released at
   * once (a previous incarnation with this id died). Default: random per start (leases then expire after
   * `leaseMs`). Never give two live processes the same id.
   */
  instanceId?: string;
  /**
   * Offer checkpointing to the SDK (default true): discovery calls carry `ctx.fn_id` and `ctx.qi_id`, so the
   * SDK runs the steps it finds in the same request and posts each to the checkpoint API (checkpoint.ts).
   * false: one request per step (the SDK's classic mode).
   */
  checkpointing?: boolean;
}

/** A run as reported by {@link Executor.runs}. Times are ms since the epoch (UTC). */
export interface RunSummary {
  id: string;
  functionId: string;
  status: RunStatus;
  /** Internal ids of the triggering events (as returned by the event API). */
  eventIds: string[];
  /** Attempt of the next discovery call. */
  attempt: number;
  maxAttempts: number;
  /** Retries spent so far across the run. */
  retries: number;
  /** Calls made to the app's serve handler. */
  calls: number;
  /** Steps planned and still to call, with their attempt and due time. */
  planned: PlannedStep[];
  output: unknown;
  error: SerializedError | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  nextAttemptAt: number;
}

/** A synced function as reported by {@link Executor.functions}. */
export interface FunctionSummary {
  id: string;
  name: string;
  triggers: ({ event: string; if?: string } | { cron: string })[];
  retries: number;
}

/** The executor. */
export interface Executor {
  /**
   * Creates/migrates storage, syncs the app's functions, then starts claiming runs (runs left by a
   * previous process resume here). May be called again after it throws (e.g. while the app is still
   * starting); with `appUrl` it already retries an unreachable app for `syncWaitMs`.
   * @throws {UnsupportedFeatureError} naming every function and option it does not implement.
   * @throws `InvalidCronError` (functions.ts) naming every function and cron expression it cannot read.
   * @throws when the app cannot be synced (unreachable, signature refused, not in cloud mode).
   */
  start(): Promise<void>;
  /**
   * Stops claiming work; with `graceMs`, lets the runs in flight go on (their calls, checkpoints and next
   * steps; the event and checkpoint APIs keep answering) until they end or wait, for at most `graceMs` real
   * ms; then discards the answers of calls still in flight, releases this process's leases (so another
   * executor resumes those runs at once) and closes the pool and any `listen()` server.
   * @param opts.graceMs how long runs in flight may take to finish (default 0: stop them at once).
   * @param opts.abandon keep the leases, as a process that died would (tests of lease expiry).
   */
  stop(opts?: { graceMs?: number; abandon?: boolean }): Promise<void>;
  /** Re-syncs the app's functions (e.g. after a code reload). Same errors as `start()`. */
  sync(): Promise<FunctionSummary[]>;
  /** The functions of the last sync. */
  functions(): FunctionSummary[];
  /**
   * Accepts events as the event API does (no key check; `inngest/` names refused).
   * @throws on invalid events, or before `start()`.
   */
  send(events: EventInput | EventInput[]): Promise<{ ids: string[] }>;
  /**
   * The event API, `POST /e/:eventKey` (docs/protocols.md "Events"): 200 `{ids, status: 200}`; 401 for
   * any other key; 400 for a body that is not JSON or not valid events; 503 before `start()`.
   */
  handleEventApi(req: Request): Promise<Response>;
  /**
   * Everything the SDK and event senders may ask of the executor over HTTP, by path: the event API
   * (`/e/:eventKey`), the checkpoint API (`/v1/checkpoint/:runId/async`, checkpoint.ts) and `GET /health`;
   * 404 naming the request otherwise.
   */
  handleApi(req: Request): Promise<Response>;
  /** Serves {@link handleApi} over HTTP on `host` (default 127.0.0.1); `port` 0 picks a free port. */
  listen(port: number, host?: string): Promise<{ port: number; close(): Promise<void> }>;
  /**
   * Resolves when no run is due (next attempt at or before `clock.now()`, or a wait of it is over), none is
   * in flight here, no stored event awaits its matching pass, and no cron tick is due here. Runs held back
   * by a concurrency limit count as due. Runs waiting for a later time (backoff, sleep) and future ticks do not count:
   * move the clock. For tests.
   */
  idle(): Promise<void>;
  /** Runs, oldest first. */
  runs(filter?: RunFilter): Promise<RunSummary[]>;
  /** A run's memoized steps, in completion order. */
  runSteps(runId: string): Promise<StepRow[]>;
}

/**
 * Default retry delay: 10 s · 2^(retry − 1), capped at 1 h, with "equal jitter" (a uniform value between
 * half and all of it). Retry 1 waits 5–10 s, retry 2 10–20 s, retry 3 20–40 s, retry 4 40–80 s.
 */
export function defaultBackoff(retry: number): number {
  const ceiling = Math.min(10_000 * 2 ** Math.max(0, retry - 1), 3_600_000);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Oldest missed cron tick that still gets its (single) catch-up run: 24 h. */
export const CRON_CATCH_UP_MS = 24 * 60 * 60 * 1000;

/** How long an event's sender-given `id` deduplicates later events with the same id: 24 h (Inngest). */
export const EVENT_ID_DEDUPE_MS = 24 * 60 * 60 * 1000;

/** Largest event API body accepted by default, in bytes: 3 MiB (Inngest's largest event size on paid plans). */
export const MAX_EVENT_API_BODY = 3 * 1024 * 1024;

/**
 * Largest event accepted by default, in UTF-8 bytes of its JSON: 256 KiB, the "Maximum event size" of
 * Inngest's free plan (https://www.inngest.com/docs/durable-execution/limits); paid plans allow 3 MiB.
 */
export const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;

/** The `inngest/scheduled.timer` event of a cron tick, with ids fixed by function and tick. */
function cronEvent(functionId: string, cron: string, tick: number): IngestEvent {
  const internalId = deterministicUlid(tick, `${functionId}:cron-event:${tick}`);
  return { internalId, event: { id: internalId, name: internalEvents.scheduledTimer, data: { cron }, ts: tick } };
}

function summarize(run: RunRow): RunSummary {
  return {
    id: run.id,
    functionId: run.functionId,
    status: run.status,
    eventIds: run.eventIds,
    attempt: run.attempt,
    maxAttempts: run.maxAttempts,
    retries: run.retries,
    calls: run.calls,
    planned: run.planned,
    output: run.output,
    error: run.error,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    nextAttemptAt: run.nextAttemptAt,
  };
}

/**
 * Creates an executor (not started).
 * @throws when neither `handler` nor `appUrl` is given, or the schema name is unsafe.
 */
export function createExecutor(opts: ExecutorOptions): Executor {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? ((line: string) => console.log(line));
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const pollIntervalMs = opts.pollIntervalMs ?? 1000;
  const leaseMs = opts.leaseMs ?? 60_000;
  const backoff = opts.backoff ?? defaultBackoff;
  const maxStepsPerRun = opts.maxStepsPerRun ?? 1000;
  const maxEventBytes = opts.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const maxRequestBytes = opts.maxRequestBytes ?? MAX_EVENT_API_BODY;
  const clockSkewToleranceMs = opts.clockSkewToleranceMs ?? 1000;
  const maxStepOutputBytes = opts.maxStepOutputBytes ?? MAX_STEP_OUTPUT_BYTES;
  const maxRunStateBytes = opts.maxRunStateBytes ?? MAX_RUN_STATE_BYTES;
  const syncWaitMs = opts.syncWaitMs ?? (opts.handler ? 0 : 30_000);
  const owner = opts.instanceId ?? `exec-${randomBytes(6).toString("hex")}`;
  const transport = createTransport({ handler: opts.handler, appUrl: opts.handler ? undefined : opts.appUrl, signingKey: opts.signingKey, callTimeoutMs: opts.callTimeoutMs });

  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolMax ?? 4 });
  pool.on("error", (err) => log(`[herald-jobs ${owner}] database pool error: ${err.message}`));
  const storage: Storage = createStorage(pool, opts.schema ?? DEFAULT_SCHEMA);
  const ulid = monotonicUlidFactory();

  let functions = new Map<string, FunctionDef>();
  let started = false;
  let stopped = false;
  /** Set by a graceful stop: claim nothing more, let the runs in flight finish. */
  let draining = false;
  const abort = new AbortController();
  const inFlight = new Map<string, Promise<void>>();
  let loopDone: Promise<void> | undefined;
  const servers = new Set<{ close(): Promise<void> }>();

  // Wake-ups of the loop and of idle() waiters.
  let nudged = false;
  /**
   * Whether the loop's next pass looks for unmatched events and cancellations to announce: at start, at least
   * once per `pollIntervalMs` (other processes store events too, and a busy loop may never wait for its
   * poll), after a cron tick, a failed matching pass or a cancellation; not on every nudge of a run that
   * ended, which happens once per run.
   */
  let scanDue = true;
  let lastScanAt = 0;
  let wakeLoop: (() => void) | undefined;
  const nudge = () => {
    nudged = true;
    wakeLoop?.();
  };
  let tickWaiters: (() => void)[] = [];
  const notifyTick = () => {
    const waiters = tickWaiters;
    tickWaiters = [];
    for (const w of waiters) w();
  };

  // ---------------------------------------------------------------------------------------------------
  // Events

  function matchingRuns(e: IngestEvent): NewRun[] {
    const runs: NewRun[] = [];
    for (const fn of functions.values()) {
      const matches = fn.triggers.some((t) => t.event === e.event.name && (!t.expression || t.expression.evaluate({ event: e.event })));
      if (!matches) continue;
      const key = idempotencyKey(fn, e.event);
      if (key === null) log(`[herald-jobs ${owner}] function ${fn.id}: idempotency "${fn.idempotency?.source}" cannot be evaluated for event ${e.event.id}; the run starts without idempotency`);
      runs.push({
        id: ulid(clock.now()),
        functionId: fn.id,
        maxAttempts: fn.maxAttempts,
        concurrency: concurrencySlots(fn, e.event),
        ...(typeof key === "string" ? { idempotencyKey: key } : {}),
      });
    }
    return runs;
  }

  const match = createMatcher({
    storage,
    functions: () => functions,
    now: () => clock.now(),
    log: (line) => log(`[herald-jobs ${owner}] ${line}`),
  });

  /** A matching pass (matching.ts); nudges the loop when it resumed or cancelled runs. */
  async function matchEvents(events: MatchableEvent[]): Promise<void> {
    const result = await match(events);
    if (result.cancelled.length > 0) scanDue = true; // their `inngest/function.cancelled` events
    if (result.resumed.length > 0 || result.cancelled.length > 0) nudge();
  }

  function prepareEvents(inputs: EventInput[], seed: string | null | undefined): IngestEvent[] {
    const now = clock.now();
    return inputs.map((input, index) => {
      const internalId = seededEventId(seed, index) ?? ulid(now);
      const event: StoredEvent = {
        id: input.id ?? internalId,
        name: input.name,
        data: input.data ?? {},
        ts: input.ts || now,
        ...(input.user ? { user: input.user } : {}),
        ...(input.v ? { v: input.v } : {}),
      };
      return { internalId, dedupeKey: input.id ? `id:${input.id}` : undefined, event };
    });
  }

  async function ingest(events: IngestEvent[]): Promise<string[]> {
    const now = clock.now();
    const { accepted, runIds } = await storage.ingest(events, matchingRuns, now, EVENT_ID_DEDUPE_MS, clockSkewToleranceMs);
    // The matching pass (waitForEvent, cancelOn); should it fail, the executor loop retries it.
    const stored = events.flatMap((e) => {
      const seq = accepted.get(e.internalId);
      return seq === undefined ? [] : [{ internalId: e.internalId, seq, receivedAt: now, event: e.event }];
    });
    await matchEvents(stored).catch((err: unknown) => {
      scanDue = true;
      log(`[herald-jobs ${owner}] matching events failed (retried by the loop): ${(err as Error).message}`);
    });
    const skipped = events.length - accepted.size;
    if (events.length > 0) {
      log(`[herald-jobs ${owner}] events: ${events.map((e) => e.event.name).join(", ")} → ${runIds.length} run(s)${skipped ? `, ${skipped} duplicate(s) skipped` : ""}`);
    }
    if (runIds.length > 0) nudge();
    return events.map((e) => e.internalId);
  }

  /**
   * Emits `inngest/function.cancelled` for runs cancelled by `cancelOn` (stored first, then marked: a crash in
   * between re-emits the same event id, which is deduplicated).
   */
  async function emitCancellations(): Promise<void> {
    for (;;) {
      const pending = await storage.pendingCancellations(100);
      if (pending.length === 0) return;
      await ingest(pending.map((run) => cancelledEvent(run, run.trigger, clock.now())));
      await storage.markCancellationsEmitted(pending.map((run) => run.id));
      if (pending.length < 100) return;
    }
  }

  /**
   * Checks an event API body (one event or an array): the schema, reserved names and each event's size
   * (`maxEventBytes`). Errors name the event and field. Any JSON value is stored as sent (storage/ddl.ts v7).
   */
  function validateInputs(body: unknown): { ok: true; events: EventInput[] } | { ok: false; status: 400 | 413; error: string } {
    const parsed = eventApiBodySchema.safeParse(body);
    if (!parsed.success) return { ok: false, status: 400, error: `invalid events: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}` };
    const events = parsed.data;
    const reserved = events.find((e) => e.name.startsWith("inngest/"));
    if (reserved) return { ok: false, status: 400, error: `event name is reserved for internal use: ${reserved.name}` };
    const single = !Array.isArray(body);
    for (const [i, event] of events.entries()) {
      const where = single ? "the event" : `event ${i}`;
      const bytes = Buffer.byteLength(JSON.stringify(event), "utf8");
      if (bytes > maxEventBytes) return { ok: false, status: 413, error: `${where} (${event.name}) is ${bytes} bytes; the limit is ${maxEventBytes}` };
    }
    return { ok: true, events };
  }

  // ---------------------------------------------------------------------------------------------------
  // Runs

  const drive = createRunDriver({
    storage,
    transport,
    clock,
    owner,
    leaseMs,
    backoff,
    maxStepsPerRun,
    maxStepOutputBytes,
    maxRunStateBytes,
    checkpointing: opts.checkpointing ?? true,
    functions: () => functions,
    ingest,
    match: matchEvents,
    nudge,
    log,
    isStopped: () => stopped,
    signal: abort.signal,
  });

  const handleCheckpoint = createCheckpointApi({
    storage,
    signingKey: opts.signingKey,
    now: () => clock.now(),
    maxStepsPerRun,
    maxStepOutputBytes,
    maxRunStateBytes,
    log: (line) => log(`[herald-jobs ${owner}] ${line}`),
  });

  // ---------------------------------------------------------------------------------------------------
  // Cron

  /** One cron trigger being scheduled by this process. */
  interface CronEntry {
    fn: FunctionDef;
    cron: string;
    schedule: CronSchedule;
    /** Ticks after this time are candidates (the last recorded tick at start, then the last pass). */
    cursor: number;
    /** When the next pass is due for this entry (0: at once), or null when it never ticks again. */
    next: number | null;
    /** The first pass after start: a tick it fires is a catch-up of one missed while no executor ran. */
    starting: boolean;
  }
  let cronEntries: CronEntry[] = [];

  /** Builds the cron schedule of the synced functions, reading each expression's last recorded tick. */
  async function initCron(): Promise<void> {
    const now = clock.now();
    const entries: CronEntry[] = [];
    for (const fn of functions.values()) {
      for (const c of fn.crons) {
        const last = await storage.lastCronTick(fn.id, c.cron);
        entries.push({ fn, cron: c.cron, schedule: c.schedule, cursor: last ?? now, next: 0, starting: last !== null });
      }
    }
    cronEntries = entries;
  }

  const iso = (ms: number) => new Date(ms).toISOString();

  /** Starts the runs of cron ticks that are due (see the module header for missed ticks). */
  async function cronPass(): Promise<void> {
    for (const entry of cronEntries) {
      const now = clock.now();
      if (entry.next === null || entry.next > now) continue;
      const tick = previousTick(entry.schedule, now);
      if (tick !== null && tick > entry.cursor) {
        const expected = nextTick(entry.schedule, entry.cursor);
        const what = `function ${entry.fn.id}, cron "${entry.cron}"`;
        if (now - tick > CRON_CATCH_UP_MS) {
          log(`[herald-jobs ${owner}] ${what}: missed ticks up to ${iso(tick)} are older than 24 h; no catch-up run`);
        } else {
          const event = cronEvent(entry.fn.id, entry.cron, tick);
          const created = await storage.recordCronTick(
            {
              functionId: entry.fn.id,
              tickAt: tick,
              cron: entry.cron,
              runId: deterministicUlid(tick, `${entry.fn.id}:cron-run:${tick}`),
              maxAttempts: entry.fn.maxAttempts,
              concurrency: concurrencySlots(entry.fn, event.event),
              event,
            },
            now,
          );
          if (entry.starting || (expected !== null && expected < tick)) {
            log(
              `[herald-jobs ${owner}] ${what}: missed tick(s) from ${iso(expected ?? tick)} to ${iso(tick)}; ` +
                `one catch-up run for ${iso(tick)}${created ? "" : " (already started by another executor)"}`,
            );
          } else if (created) {
            log(`[herald-jobs ${owner}] ${what}: tick ${iso(tick)} → 1 run`);
          }
          if (created) nudge();
        }
      }
      entry.cursor = Math.max(entry.cursor, now);
      entry.starting = false;
      entry.next = nextTick(entry.schedule, now);
    }
  }

  /** The earliest cron pass due, or null. */
  function nextCronAt(): number | null {
    let at: number | null = null;
    for (const e of cronEntries) if (e.next !== null && (at === null || e.next < at)) at = e.next;
    return at;
  }

  // ---------------------------------------------------------------------------------------------------
  // Loop

  function startRun(run: RunRow) {
    const p = drive(run)
      .catch((err: unknown) => log(`[herald-jobs ${owner}] run ${run.id}: ${(err as Error).message}`))
      .finally(() => {
        inFlight.delete(run.id);
        nudge();
        notifyTick();
      });
    inFlight.set(run.id, p);
  }

  async function waitForWake(wakeAt: number | null): Promise<void> {
    if (nudged) {
      nudged = false;
      return;
    }
    await new Promise<void>((resolve) => {
      let clockTimer: TimerHandle | undefined;
      const realTimer = setTimeout(done, pollIntervalMs);
      function done() {
        clearTimeout(realTimer);
        clockTimer?.cancel();
        wakeLoop = undefined;
        resolve();
      }
      if (wakeAt !== null && wakeAt > clock.now()) clockTimer = clock.setTimeout(done, wakeAt - clock.now());
      wakeLoop = done;
    });
    nudged = false;
  }

  async function loop(): Promise<void> {
    while (!stopped && !draining) {
      try {
        const cronAt = nextCronAt();
        if (cronAt !== null && cronAt <= clock.now()) {
          await cronPass();
          scanDue = true;
        }
        if (stopped) break;
        if (scanDue || Date.now() - lastScanAt >= pollIntervalMs) {
          scanDue = false;
          lastScanAt = Date.now();
          // Events whose matching pass did not happen (cron ticks, a crash after storing) are matched here.
          const unmatched = await storage.unmatchedEvents(500);
          if (unmatched.length > 0) await matchEvents(unmatched);
          if (stopped) break;
          await emitCancellations();
          if (stopped) break;
        }
        const free = concurrency - inFlight.size;
        if (free > 0 && !draining) {
          const claimed = await storage.claim(owner, clock.now(), leaseMs, free);
          for (const run of claimed) {
            if (stopped) break;
            startRun(run);
          }
        }
        if (stopped) break;
        const runWakeAt = await storage.nextWakeAt(owner);
        const cronWakeAt = nextCronAt();
        const wakeAt = runWakeAt === null ? cronWakeAt : cronWakeAt === null ? runWakeAt : Math.min(runWakeAt, cronWakeAt);
        notifyTick();
        await waitForWake(wakeAt);
      } catch (err) {
        if (stopped) break;
        log(`[herald-jobs ${owner}] loop error: ${(err as Error).message}`);
        notifyTick();
        await waitForWake(null);
      }
    }
    notifyTick();
  }

  // ---------------------------------------------------------------------------------------------------
  // Sync

  async function doSync(): Promise<FunctionSummary[]> {
    const deadline = Date.now() + syncWaitMs;
    for (;;) {
      try {
        const answer = await transport.sync(abort.signal);
        functions = new Map(prepareFunctions(answer.functions).map((f) => [f.id, f]));
        await initCron();
        log(`[herald-jobs ${owner}] synced app "${answer.app_id}": ${[...functions.keys()].join(", ") || "no functions"}`);
        return summarizeFunctions();
      } catch (err) {
        const unreachable = err instanceof Error && err.message.includes("cannot reach");
        if (!unreachable || Date.now() >= deadline || stopped) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  function summarizeFunctions(): FunctionSummary[] {
    return [...functions.values()].map((f) => ({
      id: f.id,
      name: f.name,
      triggers: [
        ...f.triggers.map((t) => ({ event: t.event, ...(t.expression ? { if: t.expression.source } : {}) })),
        ...f.crons.map((c) => ({ cron: c.cron })),
      ],
      retries: f.retries,
    }));
  }

  // ---------------------------------------------------------------------------------------------------
  // Public API

  const executor: Executor = {
    async start() {
      if (started) throw new Error("herald jobs executor: already started");
      if (stopped) throw new Error("herald jobs executor: a stopped executor cannot start again; create a new one");
      await storage.migrate();
      await doSync();
      if (opts.instanceId) await storage.releaseLeases(owner);
      started = true;
      loopDone = loop();
    },

    async stop(stopOpts) {
      if (stopped) return;
      const graceMs = stopOpts?.abandon ? 0 : (stopOpts?.graceMs ?? 0);
      if (graceMs > 0 && !draining) {
        draining = true;
        nudge();
        await loopDone;
        if (inFlight.size > 0) {
          log(`[herald-jobs ${owner}] stopping: ${inFlight.size} run(s) in flight get up to ${graceMs} ms to finish`);
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([
            Promise.allSettled([...inFlight.values()]),
            new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
          ]);
          clearTimeout(timer);
        }
      }
      stopped = true;
      abort.abort(new Error("herald jobs executor stopped"));
      nudge();
      await loopDone;
      if (!stopOpts?.abandon) await storage.releaseLeases(owner).catch(() => 0);
      for (const s of [...servers]) await s.close();
      notifyTick();
      await transport.close();
      await pool.end();
    },

    async sync() {
      const result = await doSync();
      nudge();
      return result;
    },

    functions: summarizeFunctions,

    async send(input) {
      if (!started || stopped) throw new Error("herald jobs executor: not running");
      const checked = validateInputs(input);
      if (!checked.ok) throw new Error(checked.error);
      return { ids: await ingest(prepareEvents(checked.events, undefined)) };
    },

    async handleEventApi(req) {
      if (req.method !== "POST") return jsonResponse(405, { error: "method not allowed; POST events to /e/:eventKey", status: 405 });
      const match = /\/e\/([^/]+)\/?$/.exec(new URL(req.url).pathname);
      const key = match?.[1] ? decodeURIComponent(match[1]) : "";
      if (!constantTimeEqual(key, opts.eventKey)) return jsonResponse(401, { error: "Event key not found", status: 401 });
      if (!started || stopped) return jsonResponse(503, { error: "the executor is not running", status: 503 });
      // The key is checked first and the size before reading: a refused body is never read (a declared
      // Content-Length over the limit), or read only up to the limit (a streamed one).
      let text: string;
      try {
        text = await readBodyText(req, maxRequestBytes);
      } catch (err) {
        if (err instanceof BodyTooLargeError) return jsonResponse(413, { error: `the body exceeds ${maxRequestBytes} bytes`, status: 413 });
        if (err instanceof BodyEncodingError) return jsonResponse(400, { error: "the body is not UTF-8", status: 400 });
        throw err;
      }
      let body: unknown;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        return jsonResponse(400, { error: "the body is not JSON", status: 400 });
      }
      const checked = validateInputs(body);
      if (!checked.ok) return jsonResponse(checked.status, { error: checked.error, status: checked.status });
      try {
        const ids = await ingest(prepareEvents(checked.events, req.headers.get(h.eventIdSeed)));
        return jsonResponse(200, { ids, status: 200 });
      } catch (err) {
        log(`[herald-jobs ${owner}] event API error: ${(err as Error).message}`);
        return jsonResponse(500, { error: "could not store the events", status: 500 });
      }
    },

    async handleApi(req) {
      const path = new URL(req.url).pathname;
      if (path.startsWith("/e/")) return executor.handleEventApi(req);
      const checkpoint = CHECKPOINT_ASYNC_PATH.exec(path);
      if (checkpoint) {
        if (!started || stopped) return jsonResponse(503, { error: "the executor is not running", status: 503 });
        try {
          return await handleCheckpoint(req, decodeURIComponent(checkpoint[1] ?? ""));
        } catch (err) {
          log(`[herald-jobs ${owner}] checkpoint API error: ${(err as Error).message}`);
          return jsonResponse(500, { error: "could not store the checkpoint", status: 500 });
        }
      }
      if (path === "/health") return jsonResponse(200, { ok: started && !stopped });
      return jsonResponse(404, { error: `not served by Herald's embedded executor: ${req.method} ${path}`, status: 404 });
    },

    listen(port, host = "127.0.0.1") {
      return new Promise((resolve, reject) => {
        const server = createServer((req: IncomingMessage, res: ServerResponse) => {
          void (async () => {
            try {
              const url = `http://${host}${req.url ?? "/"}`;
              const forwarded: Record<string, string> = {};
              for (const name of ["content-type", "content-length", "authorization", h.eventIdSeed]) {
                const value = req.headers[name];
                if (typeof value === "string") forwarded[name] = value;
              }
              // The body is streamed to the handler, which reads it only after the key check and only up to
              // the size limit.
              const init: RequestInit & { duplex?: "half" } = { method: req.method, headers: forwarded };
              if (req.method !== "GET" && req.method !== "HEAD") {
                init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
                init.duplex = "half";
              }
              const response = await executor.handleApi(new Request(url, init));
              // A body left unread (refused before or while reading it) is not drained: the connection closes.
              const unread = !req.complete;
              res.writeHead(response.status, { ...Object.fromEntries(response.headers), ...(unread ? { connection: "close" } : {}) });
              res.end(Buffer.from(await response.arrayBuffer()), () => {
                if (!req.complete) req.destroy();
              });
            } catch (err) {
              res.writeHead(500, { "content-type": "application/json" });
              res.end(JSON.stringify({ error: (err as Error).message, status: 500 }));
            }
          })();
        });
        server.once("error", reject);
        server.listen(port, host, () => {
          const address = server.address();
          const handle = {
            port: typeof address === "object" && address ? address.port : port,
            close: () =>
              new Promise<void>((r) => {
                servers.delete(handle);
                server.closeAllConnections?.();
                server.close(() => r());
              }),
          };
          servers.add(handle);
          resolve(handle);
        });
      });
    },

    async idle() {
      if (!started) throw new Error("herald jobs executor: not started");
      for (;;) {
        if (stopped) return;
        const cronAt = nextCronAt();
        if (inFlight.size === 0 && (cronAt === null || cronAt > clock.now())) {
          const due = await storage.countDue(clock.now());
          if (due === 0 && inFlight.size === 0) return;
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, pollIntervalMs);
          tickWaiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },

    async runs(filter) {
      return (await storage.listRuns(filter)).map(summarize);
    },

    runSteps: (runId) => storage.loadSteps(runId),
  };
  return executor;
}

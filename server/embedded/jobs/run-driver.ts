/**
 * Drives one claimed run to its next resting point: completed, failed, or waiting for a later time
 * (a retry's backoff, a sleep's wake-up), an event (`step.waitForEvent`) or an invoked run (`step.invoke`).
 * It plays Inngest's executor loop for the run (docs/protocols.md "A call"; SDK_SPEC.md §4.4, §5):
 *
 * 1. Waits of the run that are over (resolved by an event or a finished child run, or past their timeout)
 *    are memoized: `WaitForEvent` → the matching event (`{data: event}`), or `null` at the timeout;
 *    `InvokeFunction` → the child's `{data: output}` or `{error}`, or at the timeout `{error}`
 *    `InngestInvokeTimeoutError` (the SDK throws it in the caller as a `StepError`).
 * 2. If steps wait in the run's `planned` list and are due: a planned step (`StepPlanned`, e.g.
 *    `Promise.all` of steps, or a step retry) is called with `stepId=<hashed id>`; a sleep (`Sleep` op) is
 *    memoized `null` without a call. Answers are recorded in completion order.
 * 3. Otherwise make a discovery call (`stepId=step`) with the memo so far. With checkpointing offered
 *    (`ctx.fn_id`, `ctx.qi_id`), the SDK may run several new steps in it, posting each to the checkpoint API
 *    (checkpoint.ts), and answer only what is left.
 * 4. Apply the answer: 200 or 206 `[RunComplete]` → completed; 206 ops → memoize `StepRun` `{data}` / `StepFailed` `{error}`,
 *    schedule a `StepError` step's retry (attempt + 1, backoff or `retry-after`), queue `StepPlanned`
 *    steps, queue a `Sleep` until its wake time (duration or ISO time in `name`, at most
 *    {@link MAX_SLEEP_MS}), open a `WaitForEvent` wait (event name in `name`, `opts.timeout`, `opts.if`),
 *    start an `InvokeFunction` child run (`opts.function_id`, `opts.payload`, `opts.timeout`, default 1 year)
 *    with the event `inngest/function.invoked`; 500 (retriable) → retry the same call later with
 *    attempt + 1; 400 `x-inngest-no-retry: true` or attempts exhausted (max attempts = retries + 1) →
 *    failed, emitting `inngest/function.failed`.
 * 5. Repeat while the run makes progress and is due; otherwise save its state (wake times are the run's
 *    `next_attempt_at`, waits are rows in `waits`: all durable across restarts), release the lease, and let
 *    the executor loop claim it again when `next_attempt_at` comes or a wait is over.
 *
 * Every write is guarded by this executor's lease and the run's `running` status (`storage/runs.ts`); before
 * each call the lease is renewed, which fails once the run was cancelled (cancelOn), so a cancelled run
 * never makes another call. When the executor stops, answers still in flight are discarded. Ops it does
 * not implement fail the run with a NonRetriableError naming the op ({@link UNIMPLEMENTED_OPS}).
 */
import type { Clock, TimerHandle } from "./clock";
import { MAX_SLEEP_MS, sleepWakeAt } from "./durations";
import { compileExpression } from "./expression";
import { concurrencySlots, type FunctionDef } from "./functions";
import { internalEvents, opCodes, toSerializedError, type CallRequestBody, type MemoEntry, type Op, type SerializedError, type StoredEvent } from "./protocol";
import type { IngestEvent, MatchableEvent, PlannedStep, RunRow, SettledWait, StepRow, Storage } from "./storage";
import type { CallOutcome, Transport } from "./transport";
import { deterministicUlid } from "./ulid";

/** What the driver needs from its executor. */
export interface RunDriverDeps {
  storage: Storage;
  transport: Transport;
  clock: Clock;
  /** This executor's lease owner id. */
  owner: string;
  leaseMs: number;
  backoff: (retry: number) => number;
  maxStepsPerRun: number;
  /** Largest step output and run state, in UTF-8 bytes of their JSON. */
  maxStepOutputBytes: number;
  maxRunStateBytes: number;
  /** Offer checkpointing to the SDK on discovery calls (checkpoint.ts). */
  checkpointing: boolean;
  functions: () => ReadonlyMap<string, FunctionDef>;
  /** Stores events (and starts their runs), as the event API does. */
  ingest: (events: IngestEvent[]) => Promise<unknown>;
  /** A matching pass over stored events (`matching.ts`). */
  match: (events: MatchableEvent[]) => Promise<unknown>;
  /** Tells the executor loop that runs became due (a child run was created, a parent resumed). */
  nudge: () => void;
  log: (line: string) => void;
  isStopped: () => boolean;
  /** Aborted when the executor stops. */
  signal: AbortSignal;
}

/** Step ops the executor does not implement yet, with the SDK call that produces them. */
export const UNIMPLEMENTED_OPS: Readonly<Record<string, string>> = {
  [opCodes.waitForSignal]: "step.waitForSignal",
  [opCodes.aiGateway]: "step.ai.infer",
  [opCodes.gateway]: "step.fetch",
  [opCodes.deferAdd]: "defer()",
  [opCodes.deferAbort]: "defer().abort()",
};

/** Ops that do not count as steps of an answer (Inngest's `OpcodeIsLazy`). */
const LAZY_OPS: ReadonlySet<string> = new Set([opCodes.deferAdd, opCodes.deferAbort]);

/** Step types (op `opts.type`) whose SDK side calls Inngest API endpoints the executor does not serve. */
export const UNSUPPORTED_STEP_TYPES: Readonly<Record<string, string>> = {
  "step.realtime.publish": "step.realtime.publish",
  "step.sendSignal": "step.sendSignal",
};

export { MAX_SLEEP_MS, sleepWakeAt };

/** The error a `step.invoke` gets when the invoked run does not finish in time (Inngest's name and message). */
/** Largest step output, in UTF-8 bytes of its JSON: 4 MiB (https://www.inngest.com/docs/usage-limits/inngest). */
export const MAX_STEP_OUTPUT_BYTES = 4 * 1024 * 1024;

/** Largest run state (events, step outputs), in UTF-8 bytes of their JSON: 32 MiB (same page). */
export const MAX_RUN_STATE_BYTES = 32 * 1024 * 1024;

/** Runs at most `width` of the functions given to it at once; the others wait for a free slot, in order. */
function slotGate(width: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (active >= width) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** UTF-8 bytes of `value`'s JSON (`null` for undefined). */
function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), "utf8");
}

export const INVOKE_TIMEOUT_ERROR: SerializedError = {
  name: "InngestInvokeTimeoutError",
  message: "Timed out waiting for invoked function to complete",
};

class LeaseLost extends Error {}
class Stopped extends Error {}
class Cancelled extends Error {}

type End = { status: "completed"; output: unknown } | { status: "failed"; error: SerializedError };

/** One pass over one claimed run. */
class RunExecution {
  private readonly state: Pick<RunRow, "attempt" | "retries" | "calls" | "version" | "disableImmediateExecution" | "planned">;
  private lost = false;
  private events: StoredEvent[] = [];
  private memo: Record<string, MemoEntry> = {};
  /** UTF-8 bytes of the run's events' JSON, and of events plus memoized step outputs (Inngest's run state). */
  private eventsBytes = 0;
  private stateBytes = 0;
  /** Set by a call that offered checkpointing: steps may have been stored since `stateBytes` was counted. */
  private stateStale = false;
  private stack: string[] = [];
  /** Set once the run has ended in this pass. */
  private ended = false;
  /** Set when the current iteration changed the run's state. */
  private progressed = false;
  /** Until the pass's first call: the lease was taken by the claim that started this pass. */
  private claimFresh = true;
  /** Set when the discovery call must wait until this time (a retry). */
  private discoveryDueAt: number | undefined;
  private readonly label: string;

  constructor(
    private readonly deps: RunDriverDeps,
    private readonly run: RunRow,
    /** The function as synced; undefined when the app no longer serves it. */
    private readonly fn: FunctionDef | undefined,
  ) {
    this.state = {
      attempt: run.attempt,
      retries: run.retries,
      calls: run.calls,
      version: run.version,
      disableImmediateExecution: run.disableImmediateExecution,
      planned: [...run.planned],
    };
    this.label = `run ${run.id} (${run.functionId})`;
  }

  private get now(): number {
    return this.deps.clock.now();
  }

  private log(line: string) {
    this.deps.log(`[herald-jobs ${this.deps.owner}] ${this.label}${line}`);
  }

  /** Throws when the executor stopped or the lease was lost: nothing more may be written. */
  private guard() {
    if (this.deps.isStopped()) throw new Stopped();
    if (this.lost) throw new LeaseLost();
  }

  async drive(): Promise<void> {
    let heartbeat: TimerHandle | undefined;
    const beat = () => {
      heartbeat = this.deps.clock.setTimeout(
        () => {
          if (this.deps.isStopped() || this.lost) return;
          this.deps.storage
            .renewLease(this.run.id, this.deps.owner, this.now + this.deps.leaseMs)
            .then((ok) => (ok ? beat() : (this.lost = true)))
            .catch(() => undefined);
        },
        Math.max(1, Math.floor(this.deps.leaseMs / 3)),
      );
    };
    beat();
    try {
      await this.loop();
    } catch (err) {
      if (err instanceof Stopped || this.deps.isStopped()) return;
      if (err instanceof LeaseLost || err instanceof Cancelled) {
        const run = await this.deps.storage.getRun(this.run.id).catch(() => undefined);
        if (run?.status === "cancelled") this.log(": cancelled (cancelOn); it runs no further step");
        else this.log(": lease lost; another executor continues this run");
        return;
      }
      // A database or unexpected failure (a step output the database refuses, say): it counts as a failed
      // attempt. Give the lease back and try again after a backoff; after the run's attempts, fail it (if even
      // that fails, the lease expires and the run is retaken then).
      this.log(`: executor error: ${(err as Error).stack ?? String(err)}`);
      const errors = await this.deps.storage.recordExecutorError(this.run.id, this.deps.owner).catch(() => 0);
      if (errors >= this.run.maxAttempts) {
        this.ended = false; // also when the failed write was the run's own end (an output the database refused)
        const error = { name: "ExecutorError", message: `the executor could not go on with this run (${errors} times): ${(err as Error).message}` };
        const failed = await this.finish({ status: "failed", error }).then(
          () => true,
          () => false,
        );
        if (failed) return;
      }
      await this.deps.storage.releaseRun(this.run.id, this.deps.owner, this.now + this.deps.backoff(Math.max(1, errors))).catch(() => false);
    } finally {
      heartbeat?.cancel();
    }
  }

  private async loop(): Promise<void> {
    if (!this.fn) {
      const synced = [...this.deps.functions().keys()].join(", ") || "none";
      return this.fail(`function "${this.run.functionId}" is not served by the app (synced: ${synced})`);
    }
    this.events = await this.deps.storage.loadEvents(this.run.eventIds);
    if (this.events.length === 0) return this.fail(`the triggering events of run ${this.run.id} are missing from storage`);
    this.eventsBytes = jsonBytes(this.events);
    let idleIterations = 0;
    let first = true;
    for (;;) {
      this.guard();
      this.progressed = false;
      this.discoveryDueAt = undefined;
      // Waits that are over are memoized first (on the first pass too: a retake may find some).
      if (first || this.state.planned.some(isWait)) await this.settleWaits();
      first = false;
      const steps = await this.deps.storage.loadSteps(this.run.id);
      // Inngest's step limit: a run with `maxStepsPerRun` steps runs no further step; parallel steps that
      // would pass it are not started (https://www.inngest.com/docs/usage-limits/inngest).
      const memoized = new Set(steps.map((s) => s.stepId));
      const dueSteps = this.state.planned.filter((p) => !isWait(p) && p.nextAt <= this.now && !memoized.has(p.id)).length;
      if (steps.length >= this.deps.maxStepsPerRun || steps.length + dueSteps > this.deps.maxStepsPerRun) {
        return this.fail(`The function run exceeded the step limit of ${this.deps.maxStepsPerRun} steps.`, "InngestErrFunctionOverflowed");
      }
      this.countState(steps);
      this.memo = {};
      // A finished sleep is memoized `null` (docs/protocols.md: "on wake memoize null").
      for (const s of steps) this.memo[s.stepId] = s.op === opCodes.sleep ? null : s.kind === "data" ? { data: s.data } : { error: s.error };
      this.stack = steps.map((s) => s.stepId);
      this.state.planned = this.state.planned.filter((p) => !(p.id in this.memo));

      if (this.state.planned.length > 0) {
        const due = this.state.planned.filter((p) => !isWait(p) && p.nextAt <= this.now);
        if (due.length === 0) return this.persist(true, Math.min(...this.state.planned.map((p) => p.nextAt)));
        // Planned (parallel) steps: call them at once, as many as the run's concurrency slots allow (Inngest's
        // concurrency counts steps in flight); record the answers in completion order.
        const calls = due.filter((p) => p.kind !== "sleep").length;
        const width = calls > 1 ? await this.deps.storage.takeSlots(this.run.id, this.deps.owner, calls, this.now) : 1;
        if (width === 0) throw new LeaseLost();
        const gate = slotGate(width);
        let chain = Promise.resolve();
        await Promise.all(
          due.map(async (p) => {
            if (p.kind === "sleep") {
              chain = chain.then(() => this.wake(p));
              return chain;
            }
            const outcome = await gate(() => this.call(p.id, p.attempt));
            chain = chain.then(() => this.apply(outcome, p));
            await chain;
          }),
        );
        await chain;
        if (width > 1 && !this.ended && (await this.deps.storage.takeSlots(this.run.id, this.deps.owner, 1, this.now)) === 0) throw new LeaseLost();
      } else {
        await this.apply(await this.call("step", this.state.attempt), undefined);
        if (!this.ended && this.discoveryDueAt !== undefined) return this.persist(true, this.discoveryDueAt);
      }
      if (this.ended) return;
      if (this.progressed) idleIterations = 0;
      else if (++idleIterations >= 3) {
        return this.fail("the SDK keeps answering without progress (only steps that are already memoized)", "ExecutorError");
      }
      await this.persist(false, this.now);
    }
  }

  /** Counts the run's state (events and the memoized steps' outputs and errors), in UTF-8 bytes of their JSON. */
  private countState(steps: readonly StepRow[]): void {
    this.stateBytes = this.eventsBytes + steps.reduce((n, s) => n + jsonBytes(s.kind === "data" ? s.data : s.error), 0);
    this.stateStale = false;
  }

  private body(attempt: number): CallRequestBody {
    return {
      event: this.events[0] as StoredEvent,
      events: this.events,
      steps: this.memo,
      version: this.state.version,
      ctx: {
        run_id: this.run.id,
        attempt,
        max_attempts: this.run.maxAttempts,
        disable_immediate_execution: this.state.disableImmediateExecution,
        use_api: false,
        // Checkpointing: the SDK runs new steps in this request and posts them to the checkpoint API with
        // `qi_id`, by which the checkpoint API checks that this executor still holds the run's lease.
        ...(this.deps.checkpointing ? { fn_id: this.run.functionId, qi_id: this.deps.owner } : {}),
        stack: { stack: this.stack, current: Math.max(0, this.stack.length - 1) },
      },
    };
  }

  private async call(stepId: string, attempt: number): Promise<CallOutcome> {
    // Renewing the lease also checks the run is still running: a cancelled run makes no further call. The
    // first call of a pass follows the claim, which has just checked that and taken the lease.
    this.guard();
    if (this.claimFresh) this.claimFresh = false;
    else if (!(await this.deps.storage.renewLease(this.run.id, this.deps.owner, this.now + this.deps.leaseMs))) {
      this.lost = true; // parallel calls still in flight write nothing either
      throw new Cancelled();
    }
    this.state.calls++;
    if (this.deps.checkpointing && stepId === "step") this.stateStale = true;
    const outcome = await this.deps.transport.call(this.run.functionId, stepId, this.body(attempt), this.deps.signal);
    this.guard();
    if (outcome.version !== undefined) this.state.version = outcome.version;
    return outcome;
  }

  /** Applies one answer; `current` is the planned step that was called (undefined: discovery). */
  private async apply(outcome: CallOutcome, current: PlannedStep | undefined): Promise<void> {
    if (this.ended) return;
    if (outcome.kind === "done") return this.finish({ status: "completed", output: outcome.data });
    if (outcome.kind === "error") return this.applyError(outcome, current);
    // Parallel steps (several ops in one answer) turn immediate execution off, so every step of the run is
    // planned and called by id (and the SDK checkpoints nothing), until a sleep or wait ends with nothing
    // else planned (Inngest's `ForceStepPlan`: executor.go `HandleGeneratorResponse`, force_step_plan.go).
    if (outcome.ops.filter((op) => !LAZY_OPS.has(op.op)).length > 1) this.state.disableImmediateExecution = true;
    for (const op of outcome.ops) {
      if (this.ended) return;
      await this.applyOp(op, current, outcome.retryAfterMs);
    }
  }

  private async applyOp(op: Op, current: PlannedStep | undefined, retryAfterMs: number | undefined): Promise<void> {
    const stepName = op.displayName ?? op.userland?.id ?? op.name ?? op.id;
    const type = typeof op.opts?.["type"] === "string" ? (op.opts["type"] as string) : undefined;
    const unsupportedType = type ? UNSUPPORTED_STEP_TYPES[type] : undefined;
    if (unsupportedType) return this.fail(`the embedded Inngest executor does not implement ${unsupportedType} (step "${stepName}")`);

    switch (op.op) {
      case opCodes.stepRun:
        return this.memoize(op.id, stepName, op.op, "data", op.data ?? null);
      case opCodes.stepFailed:
        return this.memoize(op.id, stepName, op.op, "error", toSerializedError(op.error));
      case opCodes.stepError: {
        const prior = current?.id === op.id ? current.attempt : (this.state.planned.find((p) => p.id === op.id)?.attempt ?? this.state.attempt);
        const next = prior + 1;
        // The SDK answers StepFailed on the last attempt; should it not, the step's error is final here.
        if (next >= this.run.maxAttempts) return this.memoize(op.id, stepName, opCodes.stepFailed, "error", toSerializedError(op.error));
        const nextAt = this.now + (retryAfterMs ?? this.deps.backoff(next));
        this.state.retries++;
        this.state.planned = [...this.state.planned.filter((p) => p.id !== op.id), { id: op.id, name: stepName, attempt: next, nextAt }];
        this.progressed = true;
        this.log(`: step "${stepName}" failed (attempt ${next}/${this.run.maxAttempts}): ${toSerializedError(op.error).message}; retry at ${new Date(nextAt).toISOString()}`);
        return;
      }
      case opCodes.sleep: {
        if (op.id in this.memo || this.state.planned.some((p) => p.id === op.id)) return;
        const target = sleepWakeAt(op.name, this.now);
        if (!target.ok) return this.fail(`step "${stepName}" (step.sleep / step.sleepUntil): ${target.reason}`);
        if (target.wakeAt - this.now > MAX_SLEEP_MS) {
          return this.fail(
            `step "${stepName}" (step.sleep / step.sleepUntil) would sleep until ${new Date(target.wakeAt).toISOString()}, ` +
              `more than 1 year ahead ("${op.name ?? ""}"); Inngest's limit for a sleep is 1 year`,
          );
        }
        this.state.planned.push({ id: op.id, name: stepName, kind: "sleep", attempt: 0, nextAt: target.wakeAt });
        this.progressed = true;
        if (target.wakeAt > this.now) this.log(`: sleeping in step "${stepName}" until ${new Date(target.wakeAt).toISOString()}`);
        return;
      }
      case opCodes.waitForEvent:
        return this.openEventWait(op, stepName);
      case opCodes.invokeFunction:
        return this.startInvoke(op, stepName);
      case opCodes.stepPlanned:
        if (!(op.id in this.memo) && !this.state.planned.some((p) => p.id === op.id)) {
          this.state.planned.push({ id: op.id, name: stepName, attempt: 0, nextAt: this.now });
          this.progressed = true;
        }
        return;
      case opCodes.runComplete:
        return this.finish({ status: "completed", output: op.data ?? null });
      default: {
        const what = UNIMPLEMENTED_OPS[op.op];
        return this.fail(
          what
            ? `the embedded Inngest executor does not implement step op "${op.op}" (${what}) yet; step "${stepName}" was not run`
            : `the embedded Inngest executor does not know step op "${op.op}" (step "${stepName}")`,
        );
      }
    }
  }

  /** A function-level error or an untrustworthy answer of the call `current` (undefined: discovery). */
  private async applyError(outcome: Extract<CallOutcome, { kind: "error" }>, current: PlannedStep | undefined): Promise<void> {
    const prior = current ? current.attempt : this.state.attempt;
    const next = prior + 1;
    if (!outcome.retriable || next >= this.run.maxAttempts) return this.finish({ status: "failed", error: outcome.error });
    const nextAt = this.now + (outcome.retryAfterMs ?? this.deps.backoff(next));
    this.state.retries++;
    this.progressed = true;
    if (current) this.state.planned = this.state.planned.map((p) => (p.id === current.id ? { ...p, attempt: next, nextAt } : p));
    else {
      this.state.attempt = next;
      this.discoveryDueAt = nextAt;
    }
    this.log(`: attempt ${next}/${this.run.maxAttempts} failed: ${outcome.error.message}; retry at ${new Date(nextAt).toISOString()}`);
  }

  private async memoize(stepId: string, name: string, op: string, kind: "data" | "error", value: unknown): Promise<void> {
    this.guard();
    // Inngest's limits: a step's output at most 4 MiB, a run's state (events, step outputs) at most 32 MiB.
    const bytes = jsonBytes(value);
    const { maxStepOutputBytes, maxRunStateBytes } = this.deps;
    if (this.stateStale) this.countState(await this.deps.storage.loadSteps(this.run.id));
    if (kind === "data" && bytes > maxStepOutputBytes) {
      return this.fail(`step output size is greater than the limit (step "${name}": ${bytes} bytes, limit ${maxStepOutputBytes})`, "InngestErrStepOutputTooLarge");
    }
    if (this.stateBytes + bytes > maxRunStateBytes) {
      return this.fail(`The function run exceeded the state size limit of ${maxRunStateBytes} bytes.`, "InngestErrStateOverflowed");
    }
    this.stateBytes += bytes;
    const saved = await this.deps.storage.saveStep(this.run.id, this.deps.owner, { stepId, name, op, kind, value }, this.now);
    if (saved === "lost") throw new LeaseLost();
    if (saved === "saved") {
      this.progressed = true;
      this.state.attempt = 0;
    }
  }

  /**
   * `step.waitForEvent` (SDK_SPEC.md §5.3.3): the event name is in `name`, the timeout and `if` in `opts`.
   * Opens the wait (a `waits` row), plans it until its timeout, then matches the events stored since the
   * wait began (a concurrent matching pass could not see it).
   */
  private async openEventWait(op: Op, stepName: string): Promise<void> {
    if (op.id in this.memo || this.state.planned.some((p) => p.id === op.id)) return;
    const what = `step "${stepName}" (step.waitForEvent)`;
    const eventName = op.name ?? "";
    if (!eventName) return this.fail(`${what} names no event`);
    const timeout = typeof op.opts?.["timeout"] === "string" ? op.opts["timeout"] : undefined;
    const target = sleepWakeAt(timeout, this.now);
    if (!target.ok) return this.fail(`${what}: timeout: ${target.reason}`);
    if (target.wakeAt - this.now > MAX_SLEEP_MS) return this.fail(`${what}: the timeout "${timeout}" is more than 1 year ahead (Inngest's limit)`);
    const source = typeof op.opts?.["if"] === "string" && op.opts["if"] !== "" ? op.opts["if"] : null;
    if (source !== null) {
      const compiled = compileExpression(source, ["event", "async"]);
      if (!compiled.ok) {
        return this.fail(
          `${what}: the embedded executor cannot evaluate "${source}" (comparisons ==, !=, <, <=, >, >= of event/async ` +
            `fields and literals, + and && / || only): ${compiled.reason}`,
        );
      }
    }
    this.guard();
    const seq = await this.deps.storage.createEventWait(
      this.run.id,
      this.deps.owner,
      { stepId: op.id, eventName, expression: source, expiresAt: target.wakeAt },
      this.now,
    );
    if (seq === null) throw new LeaseLost();
    this.state.planned.push({ id: op.id, name: stepName, kind: "wait", attempt: 0, nextAt: target.wakeAt });
    this.progressed = true;
    this.log(`: step "${stepName}" waits for event "${eventName}" until ${new Date(target.wakeAt).toISOString()}`);
    const later = await this.deps.storage.eventsAfter(eventName, seq);
    if (later.length > 0) await this.deps.match(later);
  }

  /**
   * `step.invoke` (SDK_SPEC.md §5.3.4): starts a run of `opts.function_id` with the event
   * `inngest/function.invoked` (`data` = `opts.payload.data` plus `_inngest` metadata, as Inngest adds) and
   * plans the step until `opts.timeout` (default 1 year). An unknown function is the step's error.
   */
  private async startInvoke(op: Op, stepName: string): Promise<void> {
    if (op.id in this.memo || this.state.planned.some((p) => p.id === op.id)) return;
    const what = `step "${stepName}" (step.invoke)`;
    const functionId = typeof op.opts?.["function_id"] === "string" ? op.opts["function_id"] : "";
    const timeout = typeof op.opts?.["timeout"] === "string" && op.opts["timeout"] !== "" ? op.opts["timeout"] : undefined;
    const target = timeout === undefined ? { ok: true as const, wakeAt: this.now + MAX_SLEEP_MS } : sleepWakeAt(timeout, this.now);
    if (!target.ok) return this.fail(`${what}: timeout: ${target.reason}`);
    if (target.wakeAt - this.now > MAX_SLEEP_MS) return this.fail(`${what}: the timeout "${timeout}" is more than 1 year ahead (Inngest's limit)`);
    const fn = this.deps.functions().get(functionId);
    if (!fn) {
      const synced = [...this.deps.functions().keys()].join(", ") || "none";
      return this.memoize(op.id, stepName, op.op, "error", { name: "Error", message: `function "${functionId}" is not served by the app (synced: ${synced})` });
    }
    const payload = (op.opts?.["payload"] ?? {}) as { data?: Record<string, unknown> | null; v?: string };
    const internalId = deterministicUlid(this.run.createdAt, `${this.run.id}:invoke-event:${op.id}`);
    const event: StoredEvent = {
      id: internalId,
      name: internalEvents.functionInvoked,
      ts: this.now,
      data: {
        ...(payload.data ?? {}),
        _inngest: { fn_id: functionId, source_fn_id: this.run.functionId, source_run_id: this.run.id, correlation_id: `${this.run.id}.${op.id}`, expire: target.wakeAt },
      },
      ...(payload.v ? { v: payload.v } : {}),
    };
    const childRunId = deterministicUlid(this.run.createdAt, `${this.run.id}:invoke-run:${op.id}`);
    this.guard();
    const started = await this.deps.storage.startInvoke(
      this.run.id,
      this.deps.owner,
      {
        stepId: op.id,
        childRunId,
        functionId,
        maxAttempts: fn.maxAttempts,
        concurrency: concurrencySlots(fn, event),
        expiresAt: target.wakeAt,
        event: { internalId, event },
      },
      this.now,
    );
    if (started === "lost") throw new LeaseLost();
    this.state.planned.push({ id: op.id, name: stepName, kind: "invoke", attempt: 0, nextAt: target.wakeAt });
    this.progressed = true;
    this.log(`: step "${stepName}" invokes ${functionId} (run ${childRunId}), waiting until ${new Date(target.wakeAt).toISOString()}`);
    this.deps.nudge();
  }

  /** Memoizes the run's waits that are over (see the module header, point 1), then deletes them. */
  private async settleWaits(): Promise<void> {
    const settled = await this.deps.storage.settleWaits(this.run.id, this.deps.owner, this.now);
    if (settled.length === 0) return;
    for (const w of settled) {
      const name = this.state.planned.find((p) => p.id === w.stepId)?.name ?? w.stepId;
      const entry = settledEntry(w);
      const op = w.kind === "event" ? opCodes.waitForEvent : opCodes.invokeFunction;
      if ("data" in entry) await this.memoize(w.stepId, name, op, "data", entry.data);
      else await this.memoize(w.stepId, name, op, "error", toSerializedError(entry.error));
      this.state.planned = this.state.planned.filter((p) => p.id !== w.stepId);
      if (w.status === "timed_out") this.log(`: step "${name}" timed out`);
    }
    await this.deps.storage.deleteWaits(
      this.run.id,
      this.deps.owner,
      settled.map((w) => w.stepId),
    );
    this.parallelismEnded();
  }

  /** A sleep is over: memoize its step `null` (stored as data `null` with op `Sleep`). */
  private async wake(p: PlannedStep): Promise<void> {
    if (this.ended) return;
    await this.memoize(p.id, p.name ?? p.id, opCodes.sleep, "data", null);
    this.state.planned = this.state.planned.filter((x) => x.id !== p.id);
    this.parallelismEnded();
  }

  /** A sleep or wait ended: with nothing else planned, steps may run (and be checkpointed) at once again. */
  private parallelismEnded(): void {
    if (this.state.planned.length === 0 && this.state.version >= 2) this.state.disableImmediateExecution = false;
  }

  private async persist(release: boolean, nextAttemptAt: number): Promise<void> {
    this.guard();
    const ok = await this.deps.storage.saveProgress(this.run.id, this.deps.owner, { ...this.state, nextAttemptAt }, this.now, release);
    if (!ok) throw new LeaseLost();
  }

  private fail(message: string, name = "NonRetriableError"): Promise<void> {
    return this.finish({ status: "failed", error: { name, message } });
  }

  private async finish(end: End): Promise<void> {
    this.guard();
    this.ended = true;
    const now = this.now;
    // `inngest/function.failed` (what onFailure handlers are triggered by), except for runs that were
    // themselves triggered by it. Emitted before the run is marked failed, with an id fixed by the run id:
    // a retake after a crash in between re-emits the same id, which is deduplicated.
    if (end.status === "failed" && this.events[0]?.name !== internalEvents.functionFailed) {
      // Not for a run cancelled meanwhile (renewing the lease checks it is still running).
      if (!(await this.deps.storage.renewLease(this.run.id, this.deps.owner, now + this.deps.leaseMs))) throw new LeaseLost();
      await this.deps.ingest([failureEvent(this.run, this.events[0], end.error, now)]);
      this.guard();
    }
    const { ok, resumedParent } = await this.deps.storage.finishRun(this.run.id, this.deps.owner, { ...end, calls: this.state.calls }, now);
    if (!ok) throw new LeaseLost();
    if (resumedParent) this.deps.nudge();
    if (end.status === "completed") this.log(` completed after ${this.state.calls} call(s)`);
    else this.log(` failed: ${end.error.name}: ${end.error.message}`);
  }
}

/** Whether a planned entry is a wait (`step.waitForEvent` or `step.invoke`), resolved outside the run. */
function isWait(p: PlannedStep): boolean {
  return p.kind === "wait" || p.kind === "invoke";
}

/** The memo entry of a wait that is over: its result, or what its timeout means (SDK_SPEC.md §5.3.3, §5.3.4). */
function settledEntry(w: SettledWait): { data: unknown } | { error: unknown } {
  if (w.status === "timed_out" || w.result === null) return w.kind === "event" ? { data: null } : { error: INVOKE_TIMEOUT_ERROR };
  return w.result;
}

/**
 * A system event about a run's end (`inngest/function.failed`, `inngest/function.cancelled`): `data:
 * {function_id, run_id, error, event}`, the shape the SDK's `onFailure` handler parses and Inngest documents
 * (https://www.inngest.com/docs/reference/system-events/inngest-function-cancelled), with an internal id
 * derived from the run id and the event name (a second emit after a crash is deduplicated).
 */
function runEndEvent(name: string, run: { id: string; functionId: string; createdAt: number }, event: StoredEvent | undefined, error: SerializedError, now: number): IngestEvent {
  const internalId = deterministicUlid(run.createdAt, `${run.id}:${name.slice("inngest/".length)}`);
  return { internalId, event: { id: internalId, name, ts: now, data: { function_id: run.functionId, run_id: run.id, error, event: event ?? null } } };
}

/** `inngest/function.failed` for a failed run (what `onFailure` handlers are triggered by). */
export function failureEvent(run: RunRow, event: StoredEvent | undefined, error: SerializedError, now: number): IngestEvent {
  return runEndEvent(internalEvents.functionFailed, run, event, error, now);
}

/** `inngest/function.cancelled` for a run cancelled by `cancelOn`; its error is always "function cancelled". */
export function cancelledEvent(run: { id: string; functionId: string; createdAt: number }, event: StoredEvent | undefined, now: number): IngestEvent {
  return runEndEvent(internalEvents.functionCancelled, run, event, { name: "Error", message: "function cancelled" }, now);
}

/**
 * Returns `drive(run)`: advances a run this executor has just claimed, until it ends or must wait.
 * Never throws: failures of the executor itself are logged and the run is released for a later retry.
 */
export function createRunDriver(deps: RunDriverDeps): (run: RunRow) => Promise<void> {
  return (run) => new RunExecution(deps, run, deps.functions().get(run.functionId)).drive();
}

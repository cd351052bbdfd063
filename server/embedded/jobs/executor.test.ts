/**
 * The embedded executor against REAL `inngest` 4.24 functions served by `serve()` from `inngest/next`, in
 * cloud mode, on a throw-away schema of the test database. Time is a FakeClock: backoff and lease expiry
 * are moved, never waited for.
 */
import { createHash } from "node:crypto";
import { getEventListeners } from "node:events";
import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { NonRetriableError, RetryAfterError } from "inngest";
import { UnsupportedFeatureError } from "./functions";
import { signRequestBody, signText } from "./signature";
import { createTransport } from "./transport";
import { createHarness, deferred, waitFor, type Harness } from "./test-harness";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

/** Moves the FakeClock to each scheduled retry of the run until it ends (bounded). */
async function driveRetries(t: Harness, maxRounds = 10) {
  for (let i = 0; i < maxRounds; i++) {
    await t.executor.idle();
    const [run] = await t.executor.runs();
    if (!run || run.status === "completed" || run.status === "failed") return;
    t.clock.set(Math.max(t.clock.now(), run.nextAttemptAt));
  }
  throw new Error("run did not end");
}

describe("embedded Inngest executor", () => {
  it("discovers the app's functions through the serve handler (signed in-band sync)", async () => {
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "plain", triggers: [{ event: "test/plain" }] }, async () => "ok"),
        c.createFunction({ id: "filtered", retries: 2, triggers: [{ event: "test/filtered", if: "event.data.kind == 'x'" }] }, async () => "ok"),
      ],
    });
    await h.executor.start();
    expect(h.executor.functions()).toEqual([
      { id: "herald-test-plain", name: "plain", triggers: [{ event: "test/plain" }], retries: 4 },
      { id: "herald-test-filtered", name: "filtered", triggers: [{ event: "test/filtered", if: "event.data.kind == 'x'" }], retries: 2 },
    ]);
    expect(h.calls).toEqual([{ method: "PUT", fnId: null, stepId: null, status: 200 }]);
  });

  it.each([
    // Classic mode: a request per step, the body replays up to each new step (4 requests).
    { mode: "classic", checkpointing: false, bodies: 4 },
    // Checkpointing: one request runs a, b and c, posting each to the checkpoint API, and ends with RunComplete.
    { mode: "checkpointing", checkpointing: true, bodies: 1 },
  ])("runs a function for a matching event only, and memoizes steps: each side effect once ($mode)", async ({ checkpointing, bodies }) => {
    const count = { body: 0, a: 0, b: 0, c: 0 };
    h = createHarness({
      checkpointing,
      define: (c) => [
        c.createFunction({ id: "memo", triggers: [{ event: "test/memo", if: "event.data.go == true" }] }, async ({ event, step }) => {
          count.body++;
          const a = await step.run("a", () => ++count.a && 1);
          const b = await step.run("b", () => ++count.b && 2);
          const c3 = await step.run("c", () => ++count.c && 3);
          return a + b + c3 + (event.data as { n: number }).n;
        }),
      ],
    });
    await h.executor.start();
    const { ids } = await h.client.send([
      { name: "test/memo", data: { n: 10, go: true } },
      { name: "test/memo", data: { n: 99, go: false } },
    ]);
    expect(ids).toHaveLength(2);
    await h.executor.idle();

    const runs = await h.executor.runs();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ functionId: "herald-test-memo", status: "completed", output: 16, eventIds: [ids[0]], retries: 0 });
    expect(count).toEqual({ body: bodies, a: 1, b: 1, c: 1 });
    expect(runs[0]!.calls).toBe(bodies);
    const steps = await h.executor.runSteps(runs[0]!.id);
    expect(steps.map((s) => [s.stepId, s.seq, s.data])).toEqual([
      [sha1("a"), 1, 1],
      [sha1("b"), 2, 2],
      [sha1("c"), 3, 3],
    ]);
  });

  it("plans parallel steps (StepPlanned) and calls each with its stepId", async () => {
    const count = { a: 0, b: 0, c: 0 };
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "parallel", triggers: [{ event: "test/parallel" }] }, async ({ step }) => {
          const [a, b] = await Promise.all([step.run("a", () => ++count.a && "A"), step.run("b", () => ++count.b && "B")]);
          return step.run("c", () => ++count.c && `${a}${b}C`);
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/parallel", data: {} });
    await h.executor.idle();

    const [run] = await h.executor.runs();
    expect(run).toMatchObject({ status: "completed", output: "ABC" });
    expect(count).toEqual({ a: 1, b: 1, c: 1 });
    const stepCalls = h.calls.filter((c) => c.method === "POST").map((c) => c.stepId);
    expect(stepCalls).toContain(sha1("a"));
    expect(stepCalls).toContain(sha1("b"));
    const steps = await h.executor.runSteps(run!.id);
    expect(steps.map((s) => s.stepId).sort()).toEqual([sha1("a"), sha1("b"), sha1("c")].sort());
  });

  it("step.sendEvent triggers a second function once per event, and is not re-sent on replay", async () => {
    const seen: number[] = [];
    let after = 0;
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "parent", triggers: [{ event: "test/parent" }] }, async ({ step }) => {
          const sent = await step.sendEvent("fan-out", [
            { name: "test/child", data: { i: 1 } },
            { name: "test/child", data: { i: 2 } },
          ]);
          await step.run("after", () => ++after);
          return sent.ids.length;
        }),
        c.createFunction({ id: "child", triggers: [{ event: "test/child" }] }, async ({ event, step }) => {
          return step.run("record", () => {
            seen.push((event.data as { i: number }).i);
            return (event.data as { i: number }).i;
          });
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/parent", data: {} });
    await h.executor.idle();

    expect(seen.sort()).toEqual([1, 2]);
    expect(after).toBe(1);
    const parent = await h.executor.runs({ functionId: "herald-test-parent" });
    expect(parent).toMatchObject([{ status: "completed", output: 2 }]);
    const children = await h.executor.runs({ functionId: "herald-test-child" });
    expect(children.map((r) => r.status)).toEqual(["completed", "completed"]);
  });

  it("retries a failing step with exponential backoff on the clock, then succeeds", async () => {
    let tries = 0;
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "flaky", triggers: [{ event: "test/flaky" }] }, async ({ step }) =>
          step.run("flaky-step", () => {
            tries++;
            if (tries <= 2) throw new Error(`boom ${tries}`);
            return "ok";
          }),
        ),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/flaky", data: {} });
    await h.executor.idle();

    let [run] = await h.executor.runs();
    expect(tries).toBe(1);
    expect(run).toMatchObject({ status: "running", retries: 1 });
    expect(run!.planned).toMatchObject([{ id: sha1("flaky-step"), attempt: 1 }]);
    const firstDelay = run!.planned[0]!.nextAt - h.clock.now();
    expect(firstDelay).toBeGreaterThanOrEqual(5_000);
    expect(firstDelay).toBeLessThanOrEqual(10_000);

    h.clock.set(run!.planned[0]!.nextAt - 1);
    await h.executor.idle();
    expect(tries).toBe(1); // not due yet

    h.clock.set(run!.planned[0]!.nextAt);
    await h.executor.idle();
    expect(tries).toBe(2);
    [run] = await h.executor.runs();
    expect(run!.planned).toMatchObject([{ attempt: 2 }]);
    const secondDelay = run!.planned[0]!.nextAt - h.clock.now();
    expect(secondDelay).toBeGreaterThanOrEqual(10_000);
    expect(secondDelay).toBeLessThanOrEqual(20_000);

    h.clock.set(run!.planned[0]!.nextAt);
    await h.executor.idle();
    expect(tries).toBe(3);
    [run] = await h.executor.runs();
    expect(run).toMatchObject({ status: "completed", output: "ok", retries: 2 });
  });

  it("respects retry-after (RetryAfterError) instead of the backoff", async () => {
    let tries = 0;
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "slow", triggers: [{ event: "test/slow" }] }, async ({ step }) =>
          step.run("s", () => {
            if (++tries === 1) throw new RetryAfterError("rate limited", "30s");
            return tries;
          }),
        ),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/slow", data: {} });
    await h.executor.idle();
    const [run] = await h.executor.runs();
    expect(run!.planned[0]!.nextAt - h.clock.now()).toBe(30_000);
    h.clock.advance(30_000);
    await h.executor.idle();
    expect((await h.executor.runs())[0]).toMatchObject({ status: "completed", output: 2 });
  });

  it("retries a function-level error (500) with the next attempt", async () => {
    let calls = 0;
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "fn-error", triggers: [{ event: "test/fn-error" }] }, async ({ attempt }) => {
          calls++;
          if (attempt === 0) throw new Error("transient");
          return `attempt ${attempt}`;
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/fn-error", data: {} });
    await driveRetries(h);
    expect(calls).toBe(2);
    expect((await h.executor.runs())[0]).toMatchObject({ status: "completed", output: "attempt 1", retries: 1 });
  });

  it("NonRetriableError fails the run without retries and emits inngest/function.failed (onFailure runs)", async () => {
    let tries = 0;
    const failures: { message: string; functionId: unknown; originalData: unknown }[] = [];
    h = createHarness({
      define: (c) => [
        c.createFunction(
          {
            id: "strict",
            triggers: [{ event: "test/strict" }],
            onFailure: async ({ error, event }) => {
              failures.push({ message: error.message, functionId: event.data.function_id, originalData: event.data.event.data });
            },
          },
          async ({ step }) =>
            step.run("validate", () => {
              tries++;
              throw new NonRetriableError("bad input");
            }),
        ),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/strict", data: { order: 7 } });
    await h.executor.idle();

    expect(tries).toBe(1);
    const [run] = await h.executor.runs({ functionId: "herald-test-strict" });
    expect(run).toMatchObject({ status: "failed", retries: 0 });
    expect(run!.error?.message).toContain("bad input");
    expect(failures).toEqual([{ message: expect.stringContaining("bad input"), functionId: "herald-test-strict", originalData: { order: 7 } }]);
    expect(await h.executor.runs({ functionId: "herald-test-strict-failure" })).toMatchObject([{ status: "completed" }]);
  });

  it("fails the run once retries are exhausted (max attempts = retries + 1)", async () => {
    let tries = 0;
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "doomed", retries: 2, triggers: [{ event: "test/doomed" }] }, async ({ step }) =>
          step.run("always", () => {
            tries++;
            throw new Error("always broken");
          }),
        ),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/doomed", data: {} });
    await driveRetries(h);
    expect(tries).toBe(3);
    const [run] = await h.executor.runs({ functionId: "herald-test-doomed" });
    expect(run).toMatchObject({ status: "failed", maxAttempts: 3, retries: 2 });
    expect(run!.error?.message).toContain("always broken");
    const [step] = await h.executor.runSteps(run!.id);
    expect(step).toMatchObject({ stepId: sha1("always"), kind: "error" });
  });

  it("fails a run that reaches an op it does not implement (waitForSignal), naming the op", async () => {
    let after = 0;
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "signalled", triggers: [{ event: "test/signalled" }] }, async ({ step }) => {
          await step.waitForSignal("wait-signal", { signal: "go", timeout: "1d", onConflict: "replace" });
          after++;
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/signalled", data: {} });
    await h.executor.idle();
    const [run] = await h.executor.runs();
    expect(run).toMatchObject({ status: "failed", retries: 0, error: { name: "NonRetriableError" } });
    expect(run!.error!.message).toContain('step op "WaitForSignal" (step.waitForSignal)');
    expect(run!.error!.message).toContain('step "wait-signal"');
    expect(after).toBe(0);
  });

  it("refuses at start-up every function option it does not implement, naming function and option", async () => {
    const noop = async () => null;
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "throttled", throttle: { limit: 1, period: "1s" }, triggers: [{ event: "x/a" }] }, noop),
        c.createFunction({ id: "debounced", debounce: { period: "5s" }, triggers: [{ event: "x/a" }] }, noop),
        c.createFunction({ id: "batched", batchEvents: { maxSize: 10, timeout: "5s" }, triggers: [{ event: "x/a" }] }, noop),
        c.createFunction({ id: "limited", rateLimit: { limit: 1, period: "1m" }, triggers: [{ event: "x/a" }] }, noop),
        c.createFunction({ id: "prioritized", priority: { run: "event.data.p" }, triggers: [{ event: "x/a" }] }, noop),
        c.createFunction({ id: "concurrent", concurrency: { limit: 2, key: "event.data.k" }, triggers: [{ event: "x/a" }] }, noop),
        c.createFunction({ id: "account-wide", concurrency: [{ limit: 5 }, { limit: 2, key: "event.data.k", scope: "account" }], triggers: [{ event: "x/a" }] }, noop),
        c.createFunction({ id: "idempotent", idempotency: "event.data.id", triggers: [{ event: "x/a" }] }, noop),
        c.createFunction({ id: "idempotent-call", idempotency: "string(event.data.id)", triggers: [{ event: "x/a" }] }, noop),
        c.createFunction({ id: "cancellable", cancelOn: [{ event: "x/b", match: "data.id" }], triggers: [{ event: "x/a" }] }, noop),
        c.createFunction({ id: "cancel-negated", cancelOn: [{ event: "x/b", if: "!async.data.keep" }], triggers: [{ event: "x/a" }] }, noop),
        c.createFunction({ id: "timed", timeouts: { finish: "1m" }, triggers: [{ event: "x/a" }] }, noop),
        c.createFunction({ id: "single", singleton: { mode: "skip" }, triggers: [{ event: "x/a" }] }, noop),
        c.createFunction({ id: "jittery", triggers: [{ cron: "0 * * * *", jitter: "5m" }] }, noop),
        c.createFunction({ id: "badcron", triggers: [{ cron: "61 * * * *" }] }, noop),
        c.createFunction({ id: "clever", triggers: [{ event: "x/a", if: "size(event.data.items) > 3" }] }, noop),
        c.createFunction({ id: "fine", triggers: [{ event: "x/a" }] }, noop),
      ],
    });
    const error = await h.executor.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    const message = (error as Error).message;
    for (const [fn, option] of [
      ["throttled", "throttle"],
      ["debounced", "debounce"],
      ["batched", "batchEvents"],
      ["limited", "rateLimit"],
      ["prioritized", "priority"],
      ["account-wide", "concurrency[1].scope"],
      ["idempotent-call", "idempotency"],
      ["cancel-negated", "cancelOn[0].if"],
      ["timed", "timeouts"],
      ["single", "singleton"],
      ["jittery", "triggers[0].jitter"],
      ["badcron", "cron"],
      ["clever", "triggers[0].if"],
    ]) {
      expect(message).toContain(`function "herald-test-${fn}": option "${option}"`);
    }
    expect(message).not.toContain("herald-test-fine");
    // Implemented now: plain concurrency, idempotency and cancelOn are accepted.
    for (const fn of ["concurrent", "idempotent", "cancellable"]) expect(message).not.toContain(`"herald-test-${fn}"`);
  });

  it("resumes an interrupted run on a new executor: completed steps do not run again", async () => {
    const count = { a: 0, bStarts: 0, bDone: 0, c: 0 };
    const bStarted = deferred();
    const gate = deferred();
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "long", triggers: [{ event: "test/long" }] }, async ({ step }) => {
          const a = await step.run("a", () => ++count.a);
          const b = await step.run("b", async () => {
            if (++count.bStarts === 1) {
              bStarted.resolve();
              await gate.promise; // the first process dies while this step is in flight
            }
            return ++count.bDone;
          });
          const c3 = await step.run("c", () => ++count.c);
          return [a, b, c3];
        }),
      ],
    });
    const first = h.executor;
    await first.start();
    await h.client.send({ name: "test/long", data: {} });
    await bStarted.promise;
    await first.stop();

    const second = h.newExecutor();
    await second.start();
    await second.idle();
    const [run] = await second.runs();
    expect(run).toMatchObject({ status: "completed", output: [1, 1, 1] });
    expect(count).toEqual({ a: 1, bStarts: 2, bDone: 1, c: 1 });

    // The first process's late answer is discarded: the memo keeps what the second process recorded.
    gate.resolve();
    await waitFor(() => count.bDone === 2, 2000, "the abandoned step to finish");
    const steps = await second.runSteps(run!.id);
    expect(steps.map((s) => s.data)).toEqual([1, 1, 1]);
    expect((await second.runs())[0]).toMatchObject({ status: "completed", output: [1, 1, 1] });
  });

  it("a graceful stop claims nothing more and lets the run in flight finish; another executor takes the rest", async () => {
    const count = { a: 0, quick: 0 };
    const aStarted = deferred();
    const gate = deferred();
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "slow", triggers: [{ event: "test/slow" }] }, async ({ step }) => {
          const a = await step.run("a", async () => {
            count.a++;
            aStarted.resolve();
            await gate.promise;
            return 1;
          });
          return step.run("b", () => a + 1);
        }),
        c.createFunction({ id: "quick", triggers: [{ event: "test/quick" }] }, () => ++count.quick),
      ],
    });
    const first = h.executor;
    await first.start();
    await h.client.send({ name: "test/slow", data: {} });
    await aStarted.promise;
    let stopped = false;
    const stopping = first.stop({ graceMs: 10_000 }).then(() => (stopped = true));
    // While it drains, its event API still takes events, but it starts no new run.
    await h.client.send({ name: "test/quick", data: {} });
    await new Promise((r) => setTimeout(r, 300));
    expect({ quick: count.quick, stopped }).toEqual({ quick: 0, stopped: false });
    gate.resolve();
    await stopping;
    const second = h.newExecutor(); // not started yet: reads the shared tables as the first left them
    const left = await second.runs();
    expect(left.find((r) => r.functionId.endsWith("slow"))).toMatchObject({ status: "completed", output: 2, retries: 0 });
    expect(left.find((r) => r.functionId.endsWith("quick"))?.status).toBe("queued");

    await second.start();
    await second.idle();
    expect((await second.runs()).map((r) => r.status)).toEqual(["completed", "completed"]);
    expect(count).toEqual({ a: 1, quick: 1 });
  });

  it("a graceful stop gives up after graceMs and releases the lease, so another executor finishes the run at once", async () => {
    const count = { a: 0 };
    const aStarted = deferred();
    h = createHarness({
      executor: { leaseMs: 600_000 },
      define: (c) => [
        c.createFunction({ id: "stuck", triggers: [{ event: "test/stuck" }] }, async ({ step }) => {
          await step.run("a", async () => {
            if (++count.a === 1) {
              aStarted.resolve();
              await new Promise(() => undefined); // never answers
            }
          });
          return "done";
        }),
      ],
    });
    const first = h.executor;
    await first.start();
    await h.client.send({ name: "test/stuck", data: {} });
    await aStarted.promise;
    const t0 = Date.now();
    await first.stop({ graceMs: 200 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(Date.now() - t0).toBeLessThan(5000);

    const second = h.newExecutor({ leaseMs: 600_000 });
    await second.start();
    await second.idle(); // no lease to wait out: the clock never moves here
    expect((await second.runs())[0]).toMatchObject({ status: "completed", output: "done" });
    expect(count.a).toBe(2);
  });

  it("retakes a run whose executor died holding its lease, once the lease expires", async () => {
    const count = { a: 0, b: 0 };
    const aStarted = deferred();
    h = createHarness({
      executor: { leaseMs: 30_000 },
      define: (c) => [
        c.createFunction({ id: "crashy", triggers: [{ event: "test/crashy" }] }, async ({ step }) => {
          await step.run("a", async () => {
            if (++count.a === 1) {
              aStarted.resolve();
              await new Promise(() => undefined); // never answers: the process "dies" here
            }
          });
          return step.run("b", () => ++count.b);
        }),
      ],
    });
    const dead = h.executor;
    await dead.start();
    await h.client.send({ name: "test/crashy", data: {} });
    await aStarted.promise;
    await dead.stop({ abandon: true });

    const survivor = h.newExecutor({ leaseMs: 30_000 });
    await survivor.start();
    const callsBefore = h.calls.length;
    expect((await survivor.runs())[0]!.status).toBe("running");
    h.clock.advance(29_000);
    expect(h.calls.length).toBe(callsBefore); // still leased by the dead process
    h.clock.advance(1_001);
    await waitFor(async () => (await survivor.runs())[0]!.status === "completed", 5000, "the retaken run to complete");
    expect(count).toEqual({ a: 2, b: 1 });
  });

  it("with a stable instanceId, a restarted process takes its dead incarnation's runs back at once", async () => {
    let a = 0;
    const aStarted = deferred();
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "reborn", triggers: [{ event: "test/reborn" }] }, async ({ step }) =>
          step.run("a", async () => {
            if (++a === 1) {
              aStarted.resolve();
              await new Promise(() => undefined);
            }
            return a;
          }),
        ),
      ],
    });
    const dead = h.newExecutor({ instanceId: "embedded-main" });
    await dead.start();
    await h.client.send({ name: "test/reborn", data: {} });
    await aStarted.promise;
    await dead.stop({ abandon: true });

    const reborn = h.newExecutor({ instanceId: "embedded-main" });
    await reborn.start();
    await reborn.idle(); // no clock movement: the lease was released at start
    expect((await reborn.runs())[0]).toMatchObject({ status: "completed", output: 2 });
  });

  it("keeps many concurrent runs apart, with failures emitting events meanwhile (PGlite over the wire)", async () => {
    h = createHarness({
      executor: { concurrency: 8 },
      define: (c) => [
        c.createFunction({ id: "busy", retries: 0, triggers: [{ event: "test/busy" }] }, async ({ event, step }) => {
          const n = (event.data as { n: number }).n;
          const doubled = await step.run("double", () => n * 2);
          if (n % 3 === 0) throw new NonRetriableError(`multiple of three: ${n}`);
          const plusOne = await step.run("plus-one", () => doubled + 1);
          return { n, result: plusOne };
        }),
      ],
    });
    await h.executor.start();
    await h.client.send(Array.from({ length: 24 }, (_, n) => ({ name: "test/busy", data: { n } })));
    await h.executor.idle();
    const runs = await h.executor.runs({ functionId: "herald-test-busy" });
    expect(runs).toHaveLength(24);
    for (const run of runs) {
      const [event] = await h.executor.runSteps(run.id); // first memo is "double"
      const n = (event!.data as number) / 2;
      if (n % 3 === 0) {
        expect(run).toMatchObject({ status: "failed", error: { message: `multiple of three: ${n}` } });
      } else {
        expect(run).toMatchObject({ status: "completed", output: { n, result: n * 2 + 1 } });
      }
    }
  });

  it("two executors on one database run each event's run exactly once", async () => {
    const counts = new Map<number, number>();
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "shared", triggers: [{ event: "test/shared" }] }, async ({ event, step }) => {
          const i = (event.data as { i: number }).i;
          await step.run("work", async () => {
            counts.set(i, (counts.get(i) ?? 0) + 1);
            await new Promise((r) => setImmediate(r));
          });
          return i;
        }),
      ],
    });
    const one = h.executor;
    const two = h.newExecutor();
    await one.start();
    await two.start();
    await h.client.send(Array.from({ length: 12 }, (_, i) => ({ name: "test/shared", data: { i } })));
    await one.idle();
    await two.idle();
    const runs = await one.runs();
    expect(runs).toHaveLength(12);
    expect(runs.every((r) => r.status === "completed")).toBe(true);
    expect([...counts.values()]).toEqual(Array.from({ length: 12 }, () => 1));
    expect(counts.size).toBe(12);
  });
});

/** The app's serve handler behind a real HTTP server on 127.0.0.1 (as `next start` serves /api/inngest). */
async function serveOverHttp(raw: (req: Request) => Promise<Response>) {
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const init: RequestInit = { method: req.method, headers };
      if (req.method !== "GET") init.body = Buffer.concat(chunks);
      const response = await raw(new Request(`http://${req.headers.host}${req.url}`, init));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : 0 };
}

describe("driving the app over HTTP (appUrl), as the dev launcher does", () => {
  it("waits for a long step as long as callTimeoutMs says (not the HTTP client's default), and no longer", async () => {
    let entered = 0;
    let finished = 0;
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "slow", triggers: [{ event: "test/slow" }] }, async ({ step }) =>
          step.run("work", async () => {
            entered++;
            await new Promise((r) => setTimeout(r, 1200));
            return ++finished;
          }),
        ),
      ],
    });
    const { server, port } = await serveOverHttp(h.rawHandler);
    try {
      // A limit above the step's length: one attempt, completed.
      const patient = h.newExecutor({ handler: undefined, appUrl: `http://127.0.0.1:${port}/api/inngest`, callTimeoutMs: 5000 });
      await patient.start();
      await h.client.send({ name: "test/slow", data: {} });
      await patient.idle();
      expect(await patient.runs()).toMatchObject([{ status: "completed", output: 1, retries: 0 }]);
      expect(entered).toBe(1);
      await patient.stop();

      // A limit below it: the call is given up as a retriable error; the retry waits for its backoff (the
      // clock is not moved), so no second attempt starts while the first still runs in the app.
      const hasty = h.newExecutor({ handler: undefined, appUrl: `http://127.0.0.1:${port}/api/inngest`, callTimeoutMs: 300 });
      await hasty.start();
      await h.client.send({ name: "test/slow", data: {} });
      await waitFor(async () => (await hasty.runs({ functionId: "herald-test-slow" })).some((r) => r.retries === 1), 5000, "the first attempt given up");
      // Both runs were created at the same (fake) instant: find the second one by what happened to it.
      const cut = (await hasty.runs({ functionId: "herald-test-slow" })).find((r) => r.status !== "completed");
      expect(cut).toMatchObject({ status: "running", retries: 1 });
      expect(cut!.nextAttemptAt).toBeGreaterThan(h.clock.now());
      await waitFor(() => finished === 2, 5000, "the app's first attempt finished on its own");
      expect(entered).toBe(2);
      await hasty.stop();
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("syncs and runs steps through a real HTTP endpoint", async () => {
    let ran = 0;
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "remote", triggers: [{ event: "test/remote" }] }, async ({ step, event }) => {
          const a = await step.run("a", () => ++ran);
          return `${(event.data as { who: string }).who}:${a}`;
        }),
      ],
    });
    const { server, port } = await serveOverHttp(h.rawHandler);
    try {
      const ex = h.newExecutor({ handler: undefined, appUrl: `http://127.0.0.1:${port}/api/inngest` });
      await ex.start();
      expect(ex.functions().map((f) => f.id)).toEqual(["herald-test-remote"]);
      await h.client.send({ name: "test/remote", data: { who: "http" } });
      await ex.idle();
      expect(await ex.runs()).toMatchObject([{ status: "completed", output: "http:1" }]);
      expect(ran).toBe(1);
      await ex.stop();
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
  it("leaves no abort listener behind on the executor's signal after its calls over HTTP", async () => {
    h = createHarness({ define: (c) => [c.createFunction({ id: "quick", triggers: [{ event: "test/quick" }] }, async () => "ok")] });
    const { server, port } = await serveOverHttp(h.rawHandler);
    try {
      const transport = createTransport({ appUrl: `http://127.0.0.1:${port}/api/inngest`, signingKey: h.signingKey });
      const executorSignal = new AbortController().signal;
      const event = { id: "e", name: "test/quick", data: {}, ts: Date.now() };
      const body = { event, events: [event], steps: {}, version: -1, ctx: { run_id: "r", attempt: 0, max_attempts: 1, disable_immediate_execution: false, use_api: false as const, stack: { stack: [], current: 0 } } };
      for (let i = 0; i < 20; i++) expect(await transport.call("herald-test-quick", "step", body, executorSignal)).toMatchObject({ kind: "done", data: "ok" });
      // fetch keeps a listener on the signal it was given until the request is garbage-collected: a long-lived
      // executor would pile up thousands (Node warns past 1,500); each request gets a signal of its own.
      expect(getEventListeners(executorSignal, "abort")).toHaveLength(0);
      await transport.close();
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe("signatures between executor and serve handler (cloud mode)", () => {
  it("the SDK refuses unsigned and wrongly signed requests", async () => {
    h = createHarness({ define: (c) => [c.createFunction({ id: "guarded", triggers: [{ event: "test/guarded" }] }, async () => "secret")] });
    const url = "http://herald.embedded/api/inngest?fnId=herald-test-guarded&stepId=step";
    const event = { id: "e", name: "test/guarded", data: {}, ts: Date.now() };
    const body = JSON.stringify({
      event,
      events: [event],
      steps: {},
      version: -1,
      ctx: { run_id: "r", attempt: 0, max_attempts: 1, disable_immediate_execution: false, use_api: false, stack: { stack: [], current: 0 } },
    });
    const post = (headers: Record<string, string>) =>
      h!.rawHandler(new Request(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } }));

    expect((await post({})).status).toBe(401);
    expect((await post({ "x-inngest-signature": signRequestBody(body, "signkey-test-00ff00ff") })).status).toBe(401);
    const good = await post({ "x-inngest-signature": signRequestBody(body, h.signingKey) });
    expect(good.status).toBe(200);
    expect(await good.json()).toBe("secret");

    const sync = await h.rawHandler(
      new Request("http://herald.embedded/api/inngest", {
        method: "PUT",
        body: JSON.stringify({ url: "http://herald.embedded/api/inngest" }),
        headers: { "content-type": "application/json", "x-inngest-sync-kind": "in_band", "x-inngest-signature": "t=1&s=00" },
      }),
    );
    expect(sync.status).toBe(401);

    const wrongKey = h.newExecutor({ signingKey: "signkey-test-0123456789abcdef" });
    await expect(wrongKey.start()).rejects.toThrow(/refused the executor's signature \(401\)/);
  });

  it("the executor refuses an unsigned or badly signed sync answer", async () => {
    h = createHarness({
      define: (c) => [c.createFunction({ id: "f", triggers: [{ event: "test/f" }] }, async () => 1)],
      wrap: (inner) => async (req) => {
        const res = await inner(req);
        const headers = new Headers(res.headers);
        headers.delete("x-inngest-signature");
        return new Response(await res.text(), { status: res.status, headers });
      },
    });
    await expect(h.executor.start()).rejects.toThrow(/refused the sync answer: no x-inngest-signature header/);
  });

  it("the executor refuses an unsigned or badly signed call answer and fails the run", async () => {
    let ran = 0;
    let mode: "strip" | "forge" = "strip";
    h = createHarness({
      define: (c) => [c.createFunction({ id: "f", retries: 0, triggers: [{ event: "test/f" }] }, async () => ++ran)],
      wrap: (inner) => async (req) => {
        const res = await inner(req);
        if (req.method !== "POST") return res;
        const text = await res.text();
        const headers = new Headers(res.headers);
        if (mode === "strip") headers.delete("x-inngest-signature");
        else headers.set("x-inngest-signature", signText(text, "signkey-test-deadbeef"));
        return new Response(text, { status: res.status, headers });
      },
    });
    await h.executor.start();
    await h.client.send({ name: "test/f", data: {} });
    await h.executor.idle();
    mode = "forge";
    await h.client.send({ name: "test/f", data: {} });
    await h.executor.idle();

    const runs = await h.executor.runs({ functionId: "herald-test-f" });
    expect(ran).toBe(2); // the function ran, but its answers were not trusted
    expect(runs.map((r) => r.status)).toEqual(["failed", "failed"]);
    // With checkpointing (the SDK's default) a function without steps ends in a 206 carrying `RunComplete`.
    expect(runs[0]!.error!.message).toContain("refused the SDK's answer (HTTP 206): no x-inngest-signature header");
    expect(runs[1]!.error!.message).toContain("does not match");
  });
});

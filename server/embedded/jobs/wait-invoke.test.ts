/**
 * `step.waitForEvent` and `step.invoke` in the embedded executor, against REAL `inngest` 4.24 functions
 * served by `serve()`. Time is a FakeClock: timeouts are reached by moving it, never waited for.
 */
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { NonRetriableError, referenceFunction } from "inngest";
import { createHarness, type Harness } from "./test-harness";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
const MIN = 60_000;
const HOUR = 60 * MIN;

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

interface Ev {
  id?: string;
  name: string;
  data: Record<string, unknown>;
}

describe("step.waitForEvent", () => {
  it("resumes with the first matching event sent after the wait began; earlier and non-matching events do not count", async () => {
    const recorded: unknown[] = [];
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "approval", triggers: [{ event: "test/order" }] }, async ({ step }) => {
          const approval = (await step.waitForEvent("wait-approval", { event: "test/approved", timeout: "1d", match: "data.orderId" })) as Ev | null;
          return step.run("record", () => {
            recorded.push(approval?.data ?? null);
            return { name: approval?.name, data: approval?.data };
          });
        }),
      ],
    });
    await h.executor.start();
    const t0 = h.clock.now();
    await h.client.send({ name: "test/approved", data: { orderId: 1, by: "too-early" } }); // before the wait began
    await h.client.send({ name: "test/order", data: { orderId: 1 } });
    await h.executor.idle();

    let [run] = await h.executor.runs();
    expect(run).toMatchObject({ status: "running", nextAttemptAt: t0 + 24 * HOUR });
    expect(run!.planned).toEqual([{ id: sha1("wait-approval"), name: "wait-approval", kind: "wait", attempt: 0, nextAt: t0 + 24 * HOUR }]);

    h.clock.advance(MIN);
    await h.client.send({ name: "test/approved", data: { orderId: 2, by: "other-order" } });
    await h.executor.idle();
    expect((await h.executor.runs())[0]!.status).toBe("running");

    await h.client.send({ name: "test/approved", data: { orderId: 1, by: "ann" } });
    await h.executor.idle();
    [run] = await h.executor.runs();
    expect(run).toMatchObject({ status: "completed", output: { name: "test/approved", data: { orderId: 1, by: "ann" } } });

    await h.client.send({ name: "test/approved", data: { orderId: 1, by: "late" } });
    await h.executor.idle();
    expect(recorded).toEqual([{ orderId: 1, by: "ann" }]);
    const steps = await h.executor.runSteps(run!.id);
    expect(steps.map((s) => [s.stepId, s.op])).toEqual([
      [sha1("wait-approval"), "WaitForEvent"],
      [sha1("record"), "StepRun"],
    ]);
  });

  it("resolves with null at the timeout, not before; a run's own triggering event never resolves its wait", async () => {
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "pinger", triggers: [{ event: "test/ping" }] }, async ({ event, step }) => {
          const next = (await step.waitForEvent("next-ping", { event: "test/ping", timeout: "1h" })) as Ev | null;
          return { me: (event.data as { n: number }).n, next: next ? (next.data as { n: number }).n : null };
        }),
      ],
    });
    await h.executor.start();
    const t0 = h.clock.now();
    await h.client.send({ name: "test/ping", data: { n: 1 } });
    await h.executor.idle();
    h.clock.advance(10 * MIN);
    await h.client.send({ name: "test/ping", data: { n: 2 } }); // resumes run 1, starts run 2 (which it does not resume)
    await h.executor.idle();
    let runs = await h.executor.runs();
    expect(runs.map((r) => [r.status, r.output])).toEqual([
      ["completed", { me: 1, next: 2 }],
      ["running", null],
    ]);

    h.clock.set(t0 + 10 * MIN + HOUR - 1);
    await h.executor.idle();
    expect((await h.executor.runs())[1]!.status).toBe("running");
    h.clock.advance(1);
    await h.executor.idle();
    runs = await h.executor.runs();
    expect(runs[1]).toMatchObject({ status: "completed", output: { me: 2, next: null } });
    const [wait] = await h.executor.runSteps(runs[1]!.id);
    expect(wait).toMatchObject({ op: "WaitForEvent", data: null, completedAt: t0 + 10 * MIN + HOUR });
  });

  it("evaluates `if` (async = incoming event, event = trigger) and is resumed by another run's step.sendEvent", async () => {
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "auction", triggers: [{ event: "test/auction" }] }, async ({ step }) => {
          const bid = (await step.waitForEvent("winning-bid", {
            event: "test/bid",
            timeout: "2h",
            if: "async.data.auction == event.data.id && (async.data.amount >= event.data.min || async.data.buyNow == true)",
          })) as Ev | null;
          return bid?.data ?? null;
        }),
        c.createFunction({ id: "bidders", triggers: [{ event: "test/bidders" }] }, async ({ step }) => {
          await step.sendEvent("bids", [
            { name: "test/bid", data: { auction: "a1", amount: 50 } },
            { name: "test/bid", data: { auction: "a2", amount: 500 } },
            { name: "test/bid", data: { auction: "a1", amount: 120 } },
            { name: "test/bid", data: { auction: "a1", amount: 130 } },
          ]);
        }),
      ],
    });
    await h.executor.start();
    await h.client.send([
      { name: "test/auction", data: { id: "a1", min: 100 } },
      { name: "test/auction", data: { id: "a3", min: 1 } },
    ]);
    await h.executor.idle();
    await h.client.send({ name: "test/bidders", data: {} });
    await h.executor.idle();
    const runs = await h.executor.runs({ functionId: "herald-test-auction" });
    expect(runs.map((r) => [r.status, r.output])).toEqual([
      ["completed", { auction: "a1", amount: 120 }],
      ["running", null], // no bid for a3
    ]);
    await h.client.send({ name: "test/bid", data: { auction: "a3", amount: 0, buyNow: true } });
    await h.executor.idle();
    expect((await h.executor.runs({ functionId: "herald-test-auction" }))[1]).toMatchObject({
      status: "completed",
      output: { auction: "a3", amount: 0, buyNow: true },
    });
  });

  it("survives an executor restart: the wait is in the database, the event resumes the run once", async () => {
    const count = { before: 0, after: 0 };
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "durable-wait", triggers: [{ event: "test/signup" }] }, async ({ step }) => {
          await step.run("send-mail", () => ++count.before);
          const click = (await step.waitForEvent("wait-click", { event: "test/clicked", timeout: "3d", match: "data.user" })) as Ev | null;
          return step.run("welcome", () => {
            count.after++;
            return click?.data ?? null;
          });
        }),
      ],
    });
    const first = h.executor;
    await first.start();
    await h.client.send({ name: "test/signup", data: { user: "u1" } });
    await first.idle();
    await first.stop({ abandon: true }); // as if the process died while the run waited

    h.clock.advance(2 * 24 * HOUR);
    const second = h.newExecutor();
    await second.start();
    await second.idle();
    expect((await second.runs())[0]!.status).toBe("running");
    await h.client.send({ name: "test/clicked", data: { user: "u1", link: "welcome" } });
    await second.idle();
    const runs = await second.runs();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "completed", output: { user: "u1", link: "welcome" } });
    expect(count).toEqual({ before: 1, after: 1 });
  });
});

describe("step.invoke", () => {
  it("starts the function with { data } and resumes the caller with its return value", async () => {
    const seen: { name: string; n: unknown; source: unknown }[] = [];
    h = createHarness({
      define: (c) => {
        const square = c.createFunction({ id: "square", triggers: [{ event: "test/never-sent" }] }, async ({ event, step }) => {
          const data = event.data as { n: number; _inngest?: { source_fn_id?: string } };
          return step.run("square", () => {
            seen.push({ name: event.name, n: data.n, source: data._inngest?.source_fn_id });
            return data.n * data.n;
          });
        });
        return [
          square,
          c.createFunction({ id: "calc", triggers: [{ event: "test/calc" }] }, async ({ step }) => {
            const sq = await step.invoke("call-square", { function: square, data: { n: 7 } });
            return step.run("plus-one", () => sq + 1);
          }),
        ];
      },
    });
    await h.executor.start();
    await h.client.send({ name: "test/calc", data: {} });
    await h.executor.idle();
    expect(await h.executor.runs({ functionId: "herald-test-calc" })).toMatchObject([{ status: "completed", output: 50 }]);
    expect(await h.executor.runs({ functionId: "herald-test-square" })).toMatchObject([{ status: "completed", output: 49 }]);
    expect(seen).toEqual([{ name: "inngest/function.invoked", n: 7, source: "herald-test-calc" }]);
    const [calc] = await h.executor.runs({ functionId: "herald-test-calc" });
    expect((await h.executor.runSteps(calc!.id))[0]).toMatchObject({ stepId: sha1("call-square"), op: "InvokeFunction", kind: "data", data: 49 });
  });

  it("a failed invoked run is a step error in the caller (StepError with its message); uncaught, it fails the caller", async () => {
    h = createHarness({
      define: (c) => {
        const lookup = c.createFunction({ id: "lookup", retries: 0, triggers: [{ event: "test/never-sent" }] }, async () => {
          throw new NonRetriableError("no such user");
        });
        return [
          lookup,
          c.createFunction({ id: "careful", triggers: [{ event: "test/careful" }] }, async ({ step }) => {
            try {
              await step.invoke("call-lookup", { function: lookup, data: { user: "x" } });
              return "unexpected";
            } catch (err) {
              return { caught: (err as Error).message };
            }
          }),
          c.createFunction({ id: "careless", triggers: [{ event: "test/careless" }] }, async ({ step }) => {
            await step.invoke("call-lookup", { function: lookup, data: { user: "y" } });
            return "unexpected";
          }),
        ];
      },
    });
    await h.executor.start();
    await h.client.send([
      { name: "test/careful", data: {} },
      { name: "test/careless", data: {} },
    ]);
    await h.executor.idle();
    expect(await h.executor.runs({ functionId: "herald-test-lookup" })).toMatchObject([{ status: "failed" }, { status: "failed" }]);
    expect(await h.executor.runs({ functionId: "herald-test-careful" })).toMatchObject([{ status: "completed", output: { caught: "no such user" } }]);
    const [careless] = await h.executor.runs({ functionId: "herald-test-careless" });
    expect(careless).toMatchObject({ status: "failed", retries: 0 });
    expect(careless!.error!.message).toContain("no such user");
  });

  it("invoking a function the app does not serve is a step error naming it", async () => {
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "caller", triggers: [{ event: "test/caller" }] }, async ({ step }) => {
          try {
            await step.invoke("call-missing", { function: referenceFunction({ functionId: "missing" }), data: {} });
            return "unexpected";
          } catch (err) {
            return { caught: (err as Error).message };
          }
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/caller", data: {} });
    await h.executor.idle();
    const runs = await h.executor.runs();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "completed", output: { caught: expect.stringContaining('function "herald-test-missing" is not served by the app') } });
  });

  it("times out with InngestInvokeTimeoutError while the invoked run goes on", async () => {
    h = createHarness({
      define: (c) => {
        const slow = c.createFunction({ id: "slow", triggers: [{ event: "test/never-sent" }] }, async ({ step }) => {
          await step.sleep("take-time", "1h");
          return "late";
        });
        return [
          slow,
          c.createFunction({ id: "impatient", triggers: [{ event: "test/impatient" }] }, async ({ step }) => {
            try {
              return await step.invoke("call-slow", { function: slow, data: {}, timeout: "10m" });
            } catch (err) {
              return { name: (err as Error).name, message: (err as Error).message };
            }
          }),
        ];
      },
    });
    await h.executor.start();
    const t0 = h.clock.now();
    await h.client.send({ name: "test/impatient", data: {} });
    await h.executor.idle();
    h.clock.set(t0 + 10 * MIN - 1);
    await h.executor.idle();
    expect((await h.executor.runs({ functionId: "herald-test-impatient" }))[0]!.status).toBe("running");
    h.clock.advance(1);
    await h.executor.idle();
    const timedOut = { status: "completed", output: { name: "InngestInvokeTimeoutError", message: "Timed out waiting for invoked function to complete" } };
    expect(await h.executor.runs({ functionId: "herald-test-impatient" })).toMatchObject([timedOut]);
    expect(await h.executor.runs({ functionId: "herald-test-slow" })).toMatchObject([{ status: "running" }]);
    h.clock.advance(HOUR);
    await h.executor.idle();
    expect(await h.executor.runs({ functionId: "herald-test-slow" })).toMatchObject([{ status: "completed", output: "late" }]);
    expect(await h.executor.runs({ functionId: "herald-test-impatient" })).toMatchObject([timedOut]);
  });
});

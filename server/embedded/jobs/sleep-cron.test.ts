/**
 * Durable sleeps (`step.sleep`, `step.sleepUntil`) and cron triggers in the embedded executor, against REAL
 * `inngest` 4.24 functions. Time is a FakeClock: sleeps and ticks are reached by moving it, never waited for.
 */
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidCronError } from "./functions";
import { advanceTo, createHarness, type Harness } from "./test-harness";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;
const HOUR = 60 * MIN;

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

describe("step.sleep / step.sleepUntil", () => {
  it("sleeps on the clock: the step after the sleep runs only once the wake time is reached", async () => {
    const count = { before: 0, after: 0 };
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "napper", triggers: [{ event: "test/nap" }] }, async ({ step }) => {
          const a = await step.run("before", () => ++count.before);
          await step.sleep("nap", "2h");
          await step.sleep("blink", 200); // under 1 s: the SDK rounds it up to 1 s
          const b = await step.run("after", () => ++count.after);
          return a + b;
        }),
      ],
    });
    await h.executor.start();
    const t0 = h.clock.now();
    await h.client.send({ name: "test/nap", data: {} });
    await h.executor.idle();

    let [run] = await h.executor.runs();
    expect(run).toMatchObject({ status: "running", nextAttemptAt: t0 + 2 * HOUR });
    expect(run!.planned).toEqual([{ id: sha1("nap"), name: "nap", kind: "sleep", attempt: 0, nextAt: t0 + 2 * HOUR }]);
    expect(count).toEqual({ before: 1, after: 0 });

    h.clock.advance(2 * HOUR - 1);
    await h.executor.idle();
    expect(count.after).toBe(0);
    expect((await h.executor.runs())[0]!.status).toBe("running");

    h.clock.advance(1);
    await h.executor.idle();
    [run] = await h.executor.runs();
    expect(run).toMatchObject({ status: "running", nextAttemptAt: t0 + 2 * HOUR + 1000 });
    expect(run!.planned).toMatchObject([{ id: sha1("blink"), kind: "sleep", nextAt: t0 + 2 * HOUR + 1000 }]);
    expect(count.after).toBe(0);

    h.clock.advance(1000);
    await h.executor.idle();
    [run] = await h.executor.runs();
    expect(run).toMatchObject({ status: "completed", output: 2, planned: [] });
    expect(count).toEqual({ before: 1, after: 1 });
    const steps = await h.executor.runSteps(run!.id);
    expect(steps.map((s) => [s.stepId, s.op, s.data, s.completedAt])).toEqual([
      [sha1("before"), "StepRun", 1, t0],
      [sha1("nap"), "Sleep", null, t0 + 2 * HOUR],
      [sha1("blink"), "Sleep", null, t0 + 2 * HOUR + 1000],
      [sha1("after"), "StepRun", 1, t0 + 2 * HOUR + 1000],
    ]);
  });

  it("a sleep in parallel with a step: the step runs at once, the function resumes after the wake", async () => {
    const count = { work: 0, end: 0 };
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "both", triggers: [{ event: "test/both" }] }, async ({ step }) => {
          const [, w] = await Promise.all([step.sleep("pause", "10m"), step.run("work", () => ++count.work)]);
          return step.run("end", () => ++count.end + w);
        }),
      ],
    });
    await h.executor.start();
    const t0 = h.clock.now();
    await h.client.send({ name: "test/both", data: {} });
    await h.executor.idle();
    expect(count).toEqual({ work: 1, end: 0 });
    expect((await h.executor.runs())[0]).toMatchObject({ status: "running", nextAttemptAt: t0 + 10 * MIN });
    h.clock.advance(10 * MIN);
    await h.executor.idle();
    expect((await h.executor.runs())[0]).toMatchObject({ status: "completed", output: 2 });
    expect(count).toEqual({ work: 1, end: 1 });
  });

  it("sleepUntil an ISO date wakes at that instant", async () => {
    let after = 0;
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "alarm", triggers: [{ event: "test/alarm" }] }, async ({ event, step }) => {
          await step.sleepUntil("until-reminder", (event.data as { at: string }).at);
          return step.run("remind", () => ++after);
        }),
      ],
    });
    await h.executor.start();
    const wake = h.clock.now() + 26 * HOUR + 123;
    await h.client.send({ name: "test/alarm", data: { at: new Date(wake).toISOString() } });
    await h.executor.idle();
    expect((await h.executor.runs())[0]).toMatchObject({ status: "running", nextAttemptAt: wake });

    h.clock.set(wake - 1);
    await h.executor.idle();
    expect(after).toBe(0);
    h.clock.set(wake);
    await h.executor.idle();
    expect((await h.executor.runs())[0]).toMatchObject({ status: "completed", output: 1 });
  });

  it("survives a restart mid-sleep: a new executor wakes the run once, earlier steps are not run again", async () => {
    const count = { before: 0, after: 0, body: 0 };
    const logs: string[] = [];
    h = createHarness({
      logs,
      define: (c) => [
        c.createFunction({ id: "durable", triggers: [{ event: "test/durable" }] }, async ({ step }) => {
          count.body++;
          await step.run("before", () => ++count.before);
          await step.sleep("wait-a-day", "1d");
          return step.run("after", () => ++count.after);
        }),
      ],
    });
    const first = h.executor;
    await first.start();
    const t0 = h.clock.now();
    await h.client.send({ name: "test/durable", data: {} });
    await first.idle();
    // Checkpointing: one request runs "before", posts it, and answers the sleep.
    expect(count).toEqual({ before: 1, after: 0, body: 1 });
    await first.stop({ abandon: true }); // as if the process died while the run slept

    h.clock.advance(12 * HOUR);
    const second = h.newExecutor();
    await second.start();
    await second.idle();
    expect(count.after).toBe(0); // not due yet
    expect((await second.runs())[0]).toMatchObject({ status: "running", nextAttemptAt: t0 + 24 * HOUR });

    h.clock.advance(12 * HOUR);
    await second.idle();
    const runs = await second.runs();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "completed", output: 1 });
    expect(count).toEqual({ before: 1, after: 1, body: 2 });
    expect((await second.runSteps(runs[0]!.id)).map((s) => s.op)).toEqual(["StepRun", "Sleep", "StepRun"]);
    expect(logs.some((l) => l.includes('sleeping in step "wait-a-day" until'))).toBe(true);
  });

  it("refuses a sleep of more than a year, clearly and without retries", async () => {
    let after = 0;
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "hibernate", triggers: [{ event: "test/hibernate" }] }, async ({ step }) => {
          await step.sleep("hibernation", "366d");
          after++;
        }),
        c.createFunction({ id: "far-future", triggers: [{ event: "test/far" }] }, async ({ step }) => {
          await step.sleepUntil("next-decade", "2040-01-01T00:00:00Z");
          after++;
        }),
        c.createFunction({ id: "one-year", triggers: [{ event: "test/year" }] }, async ({ step }) => {
          await step.sleep("exactly-a-year", "365d");
          return "woke";
        }),
      ],
    });
    await h.executor.start();
    await h.client.send([
      { name: "test/hibernate", data: {} },
      { name: "test/far", data: {} },
      { name: "test/year", data: {} },
    ]);
    await h.executor.idle();
    const byFn = new Map((await h.executor.runs()).map((r) => [r.functionId, r]));
    for (const [fn, step] of [
      ["herald-test-hibernate", "hibernation"],
      ["herald-test-far-future", "next-decade"],
    ] as const) {
      const run = byFn.get(fn);
      expect(run, fn).toMatchObject({ status: "failed", retries: 0, error: { name: "NonRetriableError" } });
      expect(run!.error!.message).toContain(`step "${step}" (step.sleep / step.sleepUntil)`);
      expect(run!.error!.message).toContain("Inngest's limit for a sleep is 1 year");
    }
    expect(after).toBe(0);
    expect(byFn.get("herald-test-one-year")).toMatchObject({ status: "running" }); // exactly 1 year is allowed
    h.clock.advance(365 * 24 * HOUR);
    await h.executor.idle();
    expect(await h.executor.runs({ functionId: "herald-test-one-year" })).toMatchObject([{ status: "completed", output: "woke" }]);
  });
});

describe("cron triggers", () => {
  /** A cron function that reports the event it ran for. */
  function cronHarness(cron: string, startAt: string, logs?: string[], counter?: { n: number }) {
    return createHarness({
      startAt: at(startAt),
      logs,
      define: (c) => [
        c.createFunction({ id: "ticker", triggers: [{ cron }] }, async ({ event, step }) => {
          await step.run("work", () => {
            if (counter) counter.n++;
          });
          return { name: event.name, cron: (event.data as { cron: string }).cron, ts: new Date(event.ts as number).toISOString() };
        }),
      ],
    });
  }

  const outputs = async (t: Harness) => (await t.executor.runs({ functionId: "herald-test-ticker" })).map((r) => [r.status, r.output]);

  it("starts one run per tick as the clock advances across three ticks (*/5 * * * *)", async () => {
    const counter = { n: 0 };
    h = cronHarness("*/5 * * * *", "2026-05-04T10:02:30Z", undefined, counter);
    await h.executor.start();
    expect(h.executor.functions()).toEqual([{ id: "herald-test-ticker", name: "ticker", triggers: [{ cron: "*/5 * * * *" }], retries: 4 }]);
    await h.executor.idle();
    expect(await outputs(h)).toEqual([]); // the first start does not catch up on 10:00

    const expected: unknown[] = [];
    for (const tick of ["10:05", "10:10", "10:15"]) {
      h.clock.set(at(`2026-05-04T${tick}:00Z`) - 1);
      await h.executor.idle();
      expect(await outputs(h)).toEqual(expected);
      h.clock.advance(1);
      await h.executor.idle();
      expected.push(["completed", { name: "inngest/scheduled.timer", cron: "*/5 * * * *", ts: `2026-05-04T${tick}:00.000Z` }]);
      expect(await outputs(h)).toEqual(expected);
    }
    h.clock.advance(4 * MIN);
    await h.executor.idle();
    expect(counter.n).toBe(3);
    expect(await outputs(h)).toHaveLength(3);
  });

  it("two executors on one database start one run per tick", async () => {
    const counter = { n: 0 };
    h = cronHarness("*/5 * * * *", "2026-05-04T10:02:30Z", undefined, counter);
    const one = h.executor;
    const two = h.newExecutor();
    await Promise.all([one.start(), two.start()]);
    await advanceTo(h.clock, [one, two], at("2026-05-04T10:16:00Z"), MIN);
    const runs = await one.runs();
    expect(runs.map((r) => (r.output as { ts: string }).ts)).toEqual([
      "2026-05-04T10:05:00.000Z",
      "2026-05-04T10:10:00.000Z",
      "2026-05-04T10:15:00.000Z",
    ]);
    expect(runs.every((r) => r.status === "completed")).toBe(true);
    expect(counter.n).toBe(3);
  });

  it("after a restart across missed ticks, starts exactly one catch-up run (the latest tick), never for ticks over 24 h old", async () => {
    const logs: string[] = [];
    h = cronHarness("*/5 * * * *", "2026-05-04T10:02:30Z", logs);
    const first = h.executor;
    await first.start();
    await advanceTo(h.clock, [first], at("2026-05-04T10:06:00Z"));
    expect(await outputs(h)).toHaveLength(1);
    await first.stop();

    h.clock.set(at("2026-05-04T10:17:00Z")); // 10:10 and 10:15 pass with no executor
    const second = h.newExecutor();
    await second.start();
    await second.idle();
    let ts = (await outputs(h)).map(([, o]) => (o as { ts: string }).ts);
    expect(ts).toEqual(["2026-05-04T10:05:00.000Z", "2026-05-04T10:15:00.000Z"]);
    expect(logs.some((l) => l.includes("missed tick(s) from 2026-05-04T10:10:00.000Z to 2026-05-04T10:15:00.000Z; one catch-up run for 2026-05-04T10:15:00.000Z"))).toBe(true);

    await advanceTo(h.clock, [second], at("2026-05-04T10:20:00Z"));
    expect(await outputs(h)).toHaveLength(3);
    await second.stop();

    // Down for two days (~575 missed ticks): one catch-up run, for the latest tick, not hundreds.
    h.clock.set(at("2026-05-06T10:21:00Z"));
    const third = h.newExecutor();
    await third.start();
    await third.idle();
    ts = (await outputs(h)).map(([, o]) => (o as { ts: string }).ts);
    expect(ts.slice(3)).toEqual(["2026-05-06T10:20:00.000Z"]);
    // A restart right away neither repeats it nor adds another.
    await third.stop();
    const fourth = h.newExecutor();
    await fourth.start();
    await fourth.idle();
    expect(await outputs(h)).toHaveLength(4);
    await fourth.stop();
  });

  it("skips a missed tick older than 24 h, and logs it (weekly cron)", async () => {
    const logs: string[] = [];
    h = cronHarness("0 8 * * MON", "2026-05-04T07:59:00Z", logs); // 2026-05-04 is a Monday
    const first = h.executor;
    await first.start();
    h.clock.set(at("2026-05-04T08:00:00Z"));
    await first.idle();
    expect(await outputs(h)).toHaveLength(1);
    await first.stop();

    h.clock.set(at("2026-05-12T07:00:00Z")); // Tuesday: Monday 08:00 was missed 23 h ago → caught up
    const second = h.newExecutor();
    await second.start();
    await second.idle();
    expect((await outputs(h)).map(([, o]) => (o as { ts: string }).ts)).toEqual(["2026-05-04T08:00:00.000Z", "2026-05-11T08:00:00.000Z"]);
    await second.stop();

    h.clock.set(at("2026-05-20T09:00:00Z")); // Wednesday: Monday 08:00 was missed 49 h ago → skipped
    const third = h.newExecutor();
    await third.start();
    await third.idle();
    expect(await outputs(h)).toHaveLength(2);
    expect(logs.some((l) => l.includes("missed ticks up to 2026-05-18T08:00:00.000Z are older than 24 h; no catch-up run"))).toBe(true);

    await advanceTo(h.clock, [third], at("2026-05-25T08:00:00Z"), 6 * HOUR); // the next tick runs as usual
    expect((await outputs(h)).map(([, o]) => (o as { ts: string }).ts).slice(2)).toEqual(["2026-05-25T08:00:00.000Z"]);
  });

  it("fires TZ=Africa/Johannesburg 0 8 * * * at 06:00 UTC", async () => {
    h = cronHarness("TZ=Africa/Johannesburg 0 8 * * *", "2026-05-04T05:58:00Z");
    await h.executor.start();
    h.clock.set(at("2026-05-04T05:59:59.999Z"));
    await h.executor.idle();
    expect(await outputs(h)).toEqual([]);
    h.clock.set(at("2026-05-04T06:00:00Z"));
    await h.executor.idle();
    expect(await outputs(h)).toEqual([["completed", { name: "inngest/scheduled.timer", cron: "TZ=Africa/Johannesburg 0 8 * * *", ts: "2026-05-04T06:00:00.000Z" }]]);
  });

  it("DST, Europe/Berlin 02:30: once at 03:00 local (01:00 UTC) on the spring-forward day, once on the fall-back day", async () => {
    h = cronHarness("TZ=Europe/Berlin 30 2 * * *", "2026-03-28T22:00:00Z");
    await h.executor.start();
    await advanceTo(h.clock, [h.executor], at("2026-03-29T04:00:00Z"), 15 * MIN);
    expect((await outputs(h)).map(([, o]) => (o as { ts: string }).ts)).toEqual(["2026-03-29T01:00:00.000Z"]);
    const [spring] = await h.executor.runs();
    expect(spring!.createdAt).toBe(at("2026-03-29T01:00:00Z"));

    h.clock.set(at("2026-10-24T22:00:00Z"));
    await h.executor.idle(); // the catch-up for 2026-10-24 02:30 (a missed tick < 24 h old) runs now
    const before = (await outputs(h)).length;
    await advanceTo(h.clock, [h.executor], at("2026-10-25T04:00:00Z"), 15 * MIN);
    const fall = (await outputs(h)).slice(before).map(([, o]) => (o as { ts: string }).ts);
    expect(fall).toEqual(["2026-10-25T00:30:00.000Z"]); // 02:30 CEST; not again at 02:30 CET (01:30 UTC)
  });

  it("start() throws on an invalid cron expression, naming the function and the expression", async () => {
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "bad-hour", triggers: [{ cron: "0 25 * * *" }] }, async () => null),
        c.createFunction({ id: "bad-zone", triggers: [{ event: "x/y" }, { cron: "TZ=Nowhere/Town 0 8 * * *" }] }, async () => null),
        c.createFunction({ id: "good", triggers: [{ cron: "@daily" }] }, async () => null),
      ],
    });
    const error = await h.executor.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidCronError);
    const message = (error as Error).message;
    expect(message).toContain('function "herald-test-bad-hour": cron "0 25 * * *": hour: 25 is outside 0-23');
    expect(message).toContain('function "herald-test-bad-zone": cron "TZ=Nowhere/Town 0 8 * * *": unknown time zone "Nowhere/Town"');
    expect(message).not.toContain("herald-test-good");
  });
});

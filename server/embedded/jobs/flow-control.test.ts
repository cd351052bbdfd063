/**
 * `cancelOn`, `concurrency` and `idempotency` in the embedded executor, against REAL `inngest` 4.24
 * functions served by `serve()`. Time is a FakeClock; steps the tests hold open are gated by promises.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, deferred, waitFor, type Harness } from "./test-harness";

const MIN = 60_000;
const HOUR = 60 * MIN;

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

const statuses = async (t: Harness, functionId: string) => (await t.executor.runs({ functionId })).map((r) => r.status);

describe("cancelOn", () => {
  it("a matching event cancels a sleeping run, which never runs another step, even after its wake time", async () => {
    const reminded: number[] = [];
    h = createHarness({
      define: (c) => [
        c.createFunction(
          { id: "reminder", cancelOn: [{ event: "test/unbooked", match: "data.id" }], triggers: [{ event: "test/booked" }] },
          async ({ event, step }) => {
            const id = (event.data as { id: number }).id;
            await step.sleep("until-reminder", "24h");
            return step.run("remind", () => {
              reminded.push(id);
              return id;
            });
          },
        ),
      ],
    });
    await h.executor.start();
    await h.client.send([
      { name: "test/booked", data: { id: 1 } },
      { name: "test/booked", data: { id: 2 } },
    ]);
    await h.executor.idle();
    await h.client.send({ name: "test/unbooked", data: { id: 1 } });
    await h.executor.idle();
    let runs = await h.executor.runs();
    expect(runs.map((r) => r.status)).toEqual(["cancelled", "running"]);
    expect(runs[0]!.error).toMatchObject({ name: "Cancelled", message: expect.stringContaining('"test/unbooked"') });
    expect(runs[0]!.planned).toEqual([]);

    h.clock.advance(24 * HOUR);
    await h.executor.idle();
    runs = await h.executor.runs();
    expect(runs.map((r) => [r.status, r.output])).toEqual([
      ["cancelled", null],
      ["completed", 2],
    ]);
    expect(reminded).toEqual([2]);
  });

  it("emits inngest/function.cancelled once per cancelled run, also when a crash left it unmarked", async () => {
    const cleanups: unknown[] = [];
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "import", cancelOn: [{ event: "test/import.stopped", match: "data.id" }], triggers: [{ event: "test/import" }] }, async ({ step }) => {
          await step.sleep("slowly", "1h");
        }),
        c.createFunction(
          { id: "cleanup", triggers: [{ event: "inngest/function.cancelled", if: "event.data.function_id == 'herald-test-import'" }] },
          async ({ event }) => {
            cleanups.push(event.data);
          },
        ),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/import", data: { id: 7 } });
    await h.executor.idle();
    await h.client.send({ name: "test/import.stopped", data: { id: 7 } });
    await waitFor(() => cleanups.length === 1, 5000, "the cleanup run");
    const [cancelled] = await h.executor.runs({ functionId: "herald-test-import" });
    expect(cancelled!.status).toBe("cancelled");
    expect(cleanups[0]).toEqual({
      function_id: "herald-test-import",
      run_id: cancelled!.id,
      error: { name: "Error", message: "function cancelled" },
      event: expect.objectContaining({ name: "test/import", data: { id: 7 } }),
    });

    // A crash after the event was stored but before the run was marked: the next executor emits it again
    // with the same id, which is deduplicated (no second cleanup run).
    const pg = await import("pg");
    const client = new pg.default.Client({ connectionString: h.databaseUrl });
    await client.connect();
    await client.query(`UPDATE "${h.schema}".runs SET cancel_emitted = false WHERE id = $1`, [cancelled!.id]);
    await h.executor.stop();
    const next = h.newExecutor();
    await next.start();
    const marked = async () => (await client.query(`SELECT cancel_emitted FROM "${h!.schema}".runs WHERE id = $1`, [cancelled!.id])).rows[0]?.cancel_emitted === true;
    await waitFor(marked, 5000, "the cancellation emitted again");
    await client.end();
    await next.idle();
    expect(await next.runs({ functionId: "herald-test-cleanup" })).toHaveLength(1);
    expect(cleanups).toHaveLength(1);
  });

  it("cancels a run waiting for an event, and a run between steps: its step in flight ends, no further step runs", async () => {
    const count = { after: 0, next: 0 };
    const slowStarted = deferred();
    const gate = deferred();
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "waiter", cancelOn: [{ event: "test/abort" }], triggers: [{ event: "test/wait" }] }, async ({ step }) => {
          await step.waitForEvent("reply", { event: "test/reply", timeout: "1d" });
          await step.run("after", () => ++count.after);
        }),
        c.createFunction({ id: "busy", cancelOn: [{ event: "test/abort" }], triggers: [{ event: "test/busy" }] }, async ({ step }) => {
          await step.run("slow", async () => {
            slowStarted.resolve();
            await gate.promise;
            return "slow done";
          });
          await step.run("next", () => ++count.next);
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/wait", data: {} });
    await h.executor.idle();
    await h.client.send({ name: "test/busy", data: {} });
    await slowStarted.promise;
    await h.client.send({ name: "test/abort", data: {} }); // while "slow" is in flight
    gate.resolve();
    await h.executor.idle();

    const [waiter] = await h.executor.runs({ functionId: "herald-test-waiter" });
    const [busy] = await h.executor.runs({ functionId: "herald-test-busy" });
    expect([waiter!.status, busy!.status]).toEqual(["cancelled", "cancelled"]);
    expect(await h.executor.runSteps(busy!.id)).toEqual([]); // the late answer of "slow" is discarded

    await h.client.send({ name: "test/reply", data: {} });
    h.clock.advance(2 * 24 * HOUR);
    await h.executor.idle();
    expect(count).toEqual({ after: 0, next: 0 });
    expect(await statuses(h, "herald-test-waiter")).toEqual(["cancelled"]);
    expect(await statuses(h, "herald-test-busy")).toEqual(["cancelled"]);
  });

  it("an event that triggers a run and matches cancelOn cancels only the runs created before it", async () => {
    h = createHarness({
      define: (c) => [
        c.createFunction(
          { id: "latest-wins", cancelOn: [{ event: "test/profile.updated", match: "data.user" }], triggers: [{ event: "test/profile.updated" }] },
          async ({ event, step }) => {
            await step.sleep("debounce-by-hand", "1h");
            return (event.data as { version: number }).version;
          },
        ),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/profile.updated", data: { user: "u", version: 1 } });
    await h.executor.idle();
    await h.client.send({ name: "test/profile.updated", data: { user: "u", version: 2 } }); // same millisecond
    // One batch: v3 was received before v4, so v4 cancels v3's run; neither v3 nor v4 itself cancels v4's.
    await h.client.send([
      { name: "test/profile.updated", data: { user: "w", version: 3 } },
      { name: "test/profile.updated", data: { user: "w", version: 4 } },
      { name: "test/profile.updated", data: { user: "z", version: 5 } },
    ]);
    await h.executor.idle();
    expect(await statuses(h, "herald-test-latest-wins")).toEqual(["cancelled", "running", "cancelled", "running", "running"]);

    h.clock.advance(HOUR);
    await h.executor.idle();
    const runs = await h.executor.runs();
    expect(runs.map((r) => [r.status, r.output])).toEqual([
      ["cancelled", null],
      ["completed", 2],
      ["cancelled", null],
      ["completed", 4],
      ["completed", 5],
    ]);
  });

  it("a cancelOn timeout bounds the window: later matching events no longer cancel", async () => {
    h = createHarness({
      define: (c) => [
        c.createFunction(
          { id: "short-window", cancelOn: [{ event: "test/stop", match: "data.id", timeout: "30m" }], triggers: [{ event: "test/go" }] },
          async ({ event, step }) => {
            await step.sleep("work-later", "1h");
            return (event.data as { id: string }).id;
          },
        ),
      ],
    });
    await h.executor.start();
    const t0 = h.clock.now();
    await h.client.send([
      { name: "test/go", data: { id: "a" } },
      { name: "test/go", data: { id: "b" } },
    ]);
    await h.executor.idle();
    h.clock.set(t0 + 29 * MIN);
    await h.client.send({ name: "test/stop", data: { id: "b" } });
    h.clock.set(t0 + 31 * MIN);
    await h.client.send({ name: "test/stop", data: { id: "a" } });
    await h.executor.idle();
    h.clock.set(t0 + HOUR);
    await h.executor.idle();
    expect((await h.executor.runs()).map((r) => [r.status, r.output])).toEqual([
      ["completed", "a"],
      ["cancelled", null],
    ]);
  });

  it("cancelling an invoked run gives its caller a step error", async () => {
    h = createHarness({
      define: (c) => {
        const child = c.createFunction({ id: "child", cancelOn: [{ event: "test/kill-child" }], triggers: [{ event: "test/never-sent" }] }, async ({ step }) => {
          await step.sleep("nap", "1h");
          return "child done";
        });
        return [
          child,
          c.createFunction({ id: "parent", triggers: [{ event: "test/parent" }] }, async ({ step }) => {
            try {
              return await step.invoke("call-child", { function: child, data: {} });
            } catch (err) {
              return { caught: (err as Error).message };
            }
          }),
        ];
      },
    });
    await h.executor.start();
    await h.client.send({ name: "test/parent", data: {} });
    await h.executor.idle();
    await h.client.send({ name: "test/kill-child", data: {} });
    await h.executor.idle();
    expect(await statuses(h, "herald-test-child")).toEqual(["cancelled"]);
    expect(await h.executor.runs({ functionId: "herald-test-parent" })).toMatchObject([
      { status: "completed", output: { caught: "the invoked function run was cancelled" } },
    ]);
  });
});

describe("concurrency", () => {
  it("runs at most `limit` runs per key at once across two executors; the rest wait in the queue, none is dropped", async () => {
    const logs: string[] = [];
    const active = new Map<string, number>();
    const maxActive = new Map<string, number>();
    const held: { n: number; release: () => void }[] = [];
    h = createHarness({
      logs,
      define: (c) => [
        c.createFunction({ id: "per-user", concurrency: { limit: 1, key: "event.data.user" }, triggers: [{ event: "test/work" }] }, async ({ event, step }) => {
          const { user, n } = event.data as { user: string; n: number };
          return step.run("work", async () => {
            active.set(user, (active.get(user) ?? 0) + 1);
            maxActive.set(user, Math.max(maxActive.get(user) ?? 0, active.get(user)!));
            if (user === "a") {
              const gate = deferred();
              held.push({ n, release: gate.resolve });
              await gate.promise;
            }
            active.set(user, active.get(user)! - 1);
            return n;
          });
        }),
      ],
    });
    const one = h.newExecutor({ instanceId: "exec-one" });
    const two = h.newExecutor({ instanceId: "exec-two" });
    await one.start();
    await two.start();
    await one.send([1, 2, 3].map((n) => ({ name: "test/work", data: { user: "a", n } })));
    await waitFor(() => held.length === 1, 5000, "the first run of user a to start");

    // Runs of user b (another key) go through on both executors while a's first run holds its slot. Each
    // of those claims would have taken a's older, queued runs first, had the limit not held them back.
    const completedBy = (id: string) => logs.some((l) => l.includes(`[herald-jobs ${id}]`) && l.includes("(herald-test-per-user) completed"));
    for (let i = 0; i < 20 && !(completedBy("exec-one") && completedBy("exec-two")); i++) {
      const via = i % 2 === 0 ? one : two;
      const { ids } = await via.send({ name: "test/work", data: { user: "b", n: 100 + i } });
      await waitFor(async () => (await one.runs({ eventId: ids[0] }))[0]?.status === "completed", 5000, "a run of user b");
    }
    expect(completedBy("exec-one") && completedBy("exec-two")).toBe(true);
    expect(held.map((x) => x.n)).toEqual([1]);
    expect((await one.runs()).filter((r) => r.status !== "completed").map((r) => r.status).sort()).toEqual(["queued", "queued", "running"]);

    for (let released = 1; released <= 3; released++) {
      held[released - 1]!.release();
      if (released < 3) await waitFor(() => held.length === released + 1, 5000, `run ${released + 1} of user a to start`);
    }
    await waitFor(async () => (await one.runs()).every((r) => r.status === "completed"), 5000, "every run to complete");
    const outputs = (await one.runs()).map((r) => r.output as number);
    expect(outputs.filter((n) => n < 100).sort()).toEqual([1, 2, 3]);
    expect(maxActive.get("a")).toBe(1);
    expect(held.map((x) => x.n).sort()).toEqual([1, 2, 3]);
  });

  it("sleeping runs hold no slot: another run executes while the first sleeps", async () => {
    const order: string[] = [];
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "one-at-a-time", concurrency: 1, triggers: [{ event: "test/job" }] }, async ({ event, step }) => {
          const n = (event.data as { n: number }).n;
          await step.run("start", () => order.push(`start ${n}`));
          if (n === 1) await step.sleep("pause", "1h");
          await step.run("end", () => order.push(`end ${n}`));
          return n;
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/job", data: { n: 1 } });
    await h.executor.idle();
    await h.client.send({ name: "test/job", data: { n: 2 } });
    await h.executor.idle();
    expect(await statuses(h, "herald-test-one-at-a-time")).toEqual(["running", "completed"]);
    h.clock.advance(HOUR);
    await h.executor.idle();
    expect(await statuses(h, "herald-test-one-at-a-time")).toEqual(["completed", "completed"]);
    expect(order).toEqual(["start 1", "start 2", "end 2", "end 1"]);
  });
});

describe("idempotency", () => {
  it("a second event with the same key within 24 h starts no run; another key, or the same key after 24 h, does", async () => {
    const ran: unknown[] = [];
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "welcome", idempotency: "event.data.userId", triggers: [{ event: "test/signed-up" }] }, async ({ event, step }) => {
          return step.run("send", () => {
            ran.push((event.data as { userId?: string }).userId ?? "none");
            return true;
          });
        }),
      ],
    });
    await h.executor.start();
    const t0 = h.clock.now();
    await h.client.send({ name: "test/signed-up", data: { userId: "u1" } });
    h.clock.advance(23 * HOUR);
    await h.client.send({ name: "test/signed-up", data: { userId: "u1", again: true } });
    await h.client.send([
      { name: "test/signed-up", data: { userId: "u2" } },
      { name: "test/signed-up", data: { userId: "u2" } }, // same batch, same key
    ]);
    await h.client.send([{ name: "test/signed-up", data: {} }, { name: "test/signed-up", data: {} }]); // no key: both run
    await h.executor.idle();
    expect(ran.sort()).toEqual(["none", "none", "u1", "u2"]);

    h.clock.set(t0 + 24 * HOUR);
    await h.client.send({ name: "test/signed-up", data: { userId: "u1" } });
    await h.executor.idle();
    expect(ran.filter((u) => u === "u1")).toHaveLength(2);
    expect(await statuses(h, "herald-test-welcome")).toEqual(Array.from({ length: 5 }, () => "completed"));
  });
});

describe("future-dated events", () => {
  it("an event whose ts lies in the future starts its runs at ts, not before; a past ts starts them at once", async () => {
    const started: number[] = [];
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "scheduled", triggers: [{ event: "test/scheduled" }] }, async ({ event, step }) => {
          await step.run("record", () => {
            started.push((event.data as { n: number }).n);
          });
        }),
      ],
    });
    await h.executor.start();
    const now = h.clock.now();
    await h.client.send([
      { name: "test/scheduled", data: { n: 1 }, ts: now + 2 * HOUR },
      { name: "test/scheduled", data: { n: 2 }, ts: now - HOUR },
    ]);
    await h.executor.idle();
    expect(started).toEqual([2]);
    const waiting = (await h.executor.runs({ functionId: "herald-test-scheduled" })).find((r) => r.status === "queued");
    expect(waiting?.nextAttemptAt).toBe(now + 2 * HOUR);
    h.clock.advance(2 * HOUR - 1000);
    await h.executor.idle();
    expect(started).toEqual([2]);
    h.clock.advance(1000);
    await h.executor.idle();
    expect(started).toEqual([2, 1]);
  });
});

describe("Inngest's run limits", () => {
  it("the step limit fails the run before the next step runs, and before parallel steps that would pass it", async () => {
    let ran = 0;
    let parallel = 0;
    h = createHarness({
      executor: { maxStepsPerRun: 5 },
      define: (c) => [
        c.createFunction({ id: "looping", triggers: [{ event: "test/loop" }] }, async ({ step }) => {
          for (let i = 0; i < 10; i++) await step.run(`item-${i}`, () => ++ran);
          return "done";
        }),
        c.createFunction({ id: "wide", triggers: [{ event: "test/wide" }] }, async ({ step }) => {
          await Promise.all(Array.from({ length: 6 }, (_, i) => step.run(`part-${i}`, () => ++parallel)));
        }),
      ],
    });
    await h.executor.start();
    await h.client.send([{ name: "test/loop", data: {} }, { name: "test/wide", data: {} }]);
    await h.executor.idle();
    const runs = await h.executor.runs();
    const error = { name: "InngestErrFunctionOverflowed", message: "The function run exceeded the step limit of 5 steps." };
    expect(runs.map((r) => [r.functionId, r.status, r.error])).toEqual([
      ["herald-test-looping", "failed", error],
      ["herald-test-wide", "failed", error],
    ]);
    expect(ran).toBe(5);
    expect(parallel).toBe(0);
  });

  it("a step output over the limit and a run state over the limit fail the run with Inngest's errors", async () => {
    // Inngest's limits are 4 MiB and 32 MiB (the executor's defaults); the same rules at 1/1024 of the size.
    const KIB = 1024;
    let stepsRun = 0;
    h = createHarness({
      executor: { maxStepOutputBytes: 4 * KIB, maxRunStateBytes: 32 * KIB },
      define: (c) => [
        c.createFunction({ id: "huge-output", triggers: [{ event: "test/huge" }] }, async ({ step }) => {
          await step.run("too-big", () => "x".repeat(4 * KIB + 1));
          await step.run("never", () => ++stepsRun);
        }),
        c.createFunction({ id: "hoarder", triggers: [{ event: "test/hoard" }] }, async ({ step }) => {
          for (let i = 0; i < 10; i++) await step.run(`chunk-${i}`, () => "y".repeat(4 * KIB - 100));
          await step.run("never", () => ++stepsRun);
        }),
      ],
    });
    await h.executor.start();
    await h.client.send([{ name: "test/huge", data: {} }, { name: "test/hoard", data: {} }]);
    await h.executor.idle();
    const [huge, hoard] = await h.executor.runs();
    expect(huge).toMatchObject({ status: "failed", error: { name: "InngestErrStepOutputTooLarge", message: expect.stringContaining("step output size is greater than the limit") } });
    expect(hoard).toMatchObject({ status: "failed", error: { name: "InngestErrStateOverflowed", message: "The function run exceeded the state size limit of 32768 bytes." } });
    // 8 chunks of just under 4 KiB fit beside the event (~32,000 bytes); the 9th would pass 32 KiB and is not kept.
    expect((await h.executor.runSteps(hoard!.id)).length).toBe(8);
    expect(stepsRun).toBe(0);
  });

  it("defaults to Inngest's size limits: 4 MiB per step output, 32 MiB of run state", async () => {
    const { MAX_RUN_STATE_BYTES, MAX_STEP_OUTPUT_BYTES } = await import("./run-driver");
    expect([MAX_STEP_OUTPUT_BYTES, MAX_RUN_STATE_BYTES]).toEqual([4 * 1024 * 1024, 32 * 1024 * 1024]);
  });
});

describe("concurrency counts steps in flight", () => {
  it("parallel steps of one run share the key's slots, and other runs' steps count against them too", async () => {
    let inFlight = 0;
    let peak = 0;
    let done = 0;
    const work = async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 40));
      inFlight--;
      return ++done;
    };
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "fan", concurrency: { limit: 2 }, triggers: [{ event: "test/fan" }] }, async ({ step }) => {
          await Promise.all(Array.from({ length: 5 }, (_, i) => step.run(`part-${i}`, work)));
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/fan", data: {} });
    await h.executor.idle();
    expect(await statuses(h, "herald-test-fan")).toEqual(["completed"]);
    expect(done).toBe(5);
    expect(peak).toBe(2);

    // Two runs of 5 parallel steps each: still at most 2 steps at once across both.
    peak = 0;
    await h.client.send([{ name: "test/fan", data: {} }, { name: "test/fan", data: {} }]);
    await h.executor.idle();
    expect(await statuses(h, "herald-test-fan")).toEqual(["completed", "completed", "completed"]);
    expect(done).toBe(15);
    expect(peak).toBeLessThanOrEqual(2);
  });
});

describe("executor errors", () => {
/**
 * Makes the database refuse to store `marker` as a step output or run output: a CHECK constraint on the
 * harness's own schema (a real refusal by the database, as a full disk or a broken replica would give).
 */
async function refuseToStore(t: Harness, marker: string): Promise<void> {
  const pg = await import("pg");
  const client = new pg.default.Client({ connectionString: t.databaseUrl });
  await client.connect();
  try {
    await client.query(`ALTER TABLE "${t.schema}".steps ADD CONSTRAINT refused CHECK (data NOT LIKE '%${marker}%')`);
    await client.query(`ALTER TABLE "${t.schema}".runs ADD CONSTRAINT refused CHECK (output NOT LIKE '%${marker}%')`);
  } finally {
    await client.end();
  }
}

  it("a step output or run output the database refuses fails the run after its attempts, instead of retrying forever", async () => {
    let stepRuns = 0;
    let fnRuns = 0;
    h = createHarness({
      executor: { backoff: () => 1000 },
      define: (c) => [
        c.createFunction({ id: "refused-step", retries: 2, triggers: [{ event: "test/refused" }] }, async ({ step }) => {
          await step.run("bad", () => {
            stepRuns++;
            return "refused-output";
          });
        }),
        c.createFunction({ id: "refused-output-fn", retries: 1, triggers: [{ event: "test/refused-output" }] }, async () => {
          fnRuns++;
          return { text: "refused-output" };
        }),
      ],
    });
    await h.executor.start();
    await refuseToStore(h, "refused-output");
    await h.client.send([{ name: "test/refused", data: {} }, { name: "test/refused-output", data: {} }]);
    for (let i = 0; i < 10; i++) {
      await h.executor.idle();
      h.clock.advance(1000);
    }
    await h.executor.idle();
    const runs = await h.executor.runs();
    expect(runs.map((r) => [r.functionId, r.status, r.error?.name])).toEqual([
      ["herald-test-refused-step", "failed", "ExecutorError"],
      ["herald-test-refused-output-fn", "failed", "ExecutorError"],
    ]);
    expect(runs[0]!.error?.message).toMatch(/could not go on with this run \(3 times\)/);
    expect(stepRuns).toBe(3);
    expect(fnRuns).toBe(2);
  });

  it("counts only consecutive executor errors: a step done in between starts the count again", async () => {
    const attempts = new Map<string, number>();
    h = createHarness({
      executor: { backoff: () => 1000 },
      define: (c) => [
        c.createFunction({ id: "flaky-storage", retries: 1, triggers: [{ event: "test/flaky" }] }, async ({ step }) => {
          for (const id of ["one", "two", "three"]) {
            // Each step's first output is one the database refuses; its second is fine.
            await step.run(id, () => {
              const n = (attempts.get(id) ?? 0) + 1;
              attempts.set(id, n);
              return n === 1 ? "refused-output" : `ok ${id}`;
            });
          }
          return "done";
        }),
      ],
    });
    await h.executor.start();
    await refuseToStore(h, "refused-output");
    await h.client.send({ name: "test/flaky", data: {} });
    for (let i = 0; i < 10; i++) {
      await h.executor.idle();
      h.clock.advance(1000);
    }
    expect(await h.executor.runs()).toMatchObject([{ status: "completed", output: "done" }]);
    expect([...attempts.values()]).toEqual([2, 2, 2]);
  });

  it("step outputs, run outputs and wait results keep any JSON as sent: U+0000, lone surrogates, key order", async () => {
    // jsonb would refuse the first two strings and order the keys by length (b before long_key, a before bb).
    const odd = { long_key: "a\u0000b", b: "\ud800", nested: { bb: 1, a: [null, "\u0000"] } };
    const seen: unknown[] = [];
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "odd", triggers: [{ event: "test/odd" }] }, async ({ step }) => {
          const out = await step.run("make", () => odd);
          seen.push(out);
          const reply = await step.waitForEvent("reply", { event: "test/odd.reply", timeout: "1h" });
          seen.push(reply?.data);
          return out;
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/odd", data: {} });
    await h.executor.idle();
    await h.client.send({ name: "test/odd.reply", data: odd });
    await h.executor.idle();
    const [run] = await h.executor.runs();
    expect(run).toMatchObject({ status: "completed", output: odd });
    expect(JSON.stringify(run!.output)).toBe(JSON.stringify(odd));
    // Call 1 saw the step's own output; call 2 the memoized output replayed from storage and the waited-for
    // event's data: each time the same values, keys in the same order.
    expect(seen.map((v) => JSON.stringify(v))).toEqual([JSON.stringify(odd), JSON.stringify(odd), JSON.stringify(odd)]);
  });
});


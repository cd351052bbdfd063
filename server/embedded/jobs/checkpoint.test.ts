/**
 * Checkpointing (checkpoint.ts; docs/protocols.md "Checkpointing"): the REAL `inngest` 4.24 SDK runs several
 * steps in one request and posts them to the executor's checkpoint API, which stores them under the run's
 * lease and limits; stale dispatches (a cancelled run, a lost lease) stop the SDK.
 */
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { hashSigningKey } from "./checkpoint";
import { createHarness, deferred, waitFor, type Harness } from "./test-harness";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

const checkpoints = (t: Harness) => t.apiRequests.filter((r) => r.path.startsWith("/v1/checkpoint/"));

describe("checkpointing", () => {
  it("runs a three-step function in one request: each step posted once, the output in RunComplete", async () => {
    const count = { body: 0, a: 0, b: 0, c: 0 };
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "three", triggers: [{ event: "test/three" }] }, async ({ step }) => {
          count.body++;
          const a = await step.run("a", () => {
            count.a++;
            return { first: 1 };
          });
          const b = await step.run("b", () => {
            count.b++;
            return a.first + 1;
          });
          const c3 = await step.run("c", () => {
            count.c++;
            return [a.first, b, 3];
          });
          return { sum: c3.reduce((x, y) => x + y, 0) };
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/three", data: {} });
    await h.executor.idle();

    const [run] = await h.executor.runs();
    expect(run).toMatchObject({ status: "completed", output: { sum: 6 }, calls: 1, retries: 0 });
    expect(count).toEqual({ body: 1, a: 1, b: 1, c: 1 });
    expect(checkpoints(h)).toEqual([
      { method: "POST", path: `/v1/checkpoint/${run!.id}/async`, status: 200 },
      { method: "POST", path: `/v1/checkpoint/${run!.id}/async`, status: 200 },
      { method: "POST", path: `/v1/checkpoint/${run!.id}/async`, status: 200 },
    ]);
    const steps = await h.executor.runSteps(run!.id);
    expect(steps.map((s) => [s.stepId, s.name, s.seq, s.op, s.data])).toEqual([
      [sha1("a"), "a", 1, "StepRun", { first: 1 }],
      [sha1("b"), "b", 2, "StepRun", 2],
      [sha1("c"), "c", 3, "StepRun", [1, 2, 3]],
    ]);
  });

  it("stores steps the SDK buffers (bufferedSteps: 3) from one checkpoint, each once and in order", async () => {
    const ran: string[] = [];
    h = createHarness({
      checkpointing: { bufferedSteps: 3 },
      define: (c) => [
        c.createFunction({ id: "buffered", triggers: [{ event: "test/buffered" }] }, async ({ step }) => {
          const a = await step.run("a", () => (ran.push("a"), 1));
          const b = await step.run("b", () => (ran.push("b"), a + 1));
          const c3 = await step.run("c", () => (ran.push("c"), b + 1));
          const d = await step.run("d", () => (ran.push("d"), c3 + 1));
          return { d };
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/buffered", data: {} });
    await h.executor.idle();

    const [run] = await h.executor.runs();
    expect(run).toMatchObject({ status: "completed", output: { d: 4 }, calls: 1 });
    expect(ran).toEqual(["a", "b", "c", "d"]);
    // One checkpoint carries a, b and c; d comes with the run's end in the answer (206 RunComplete).
    expect(checkpoints(h)).toEqual([{ method: "POST", path: `/v1/checkpoint/${run!.id}/async`, status: 200 }]);
    const steps = await h.executor.runSteps(run!.id);
    expect(steps.map((s) => [s.name, s.seq, s.data])).toEqual([
      ["a", 1, 1],
      ["b", 2, 2],
      ["c", 3, 3],
      ["d", 4, 4],
    ]);
  });

  it("replays checkpointed outputs byte for byte after a sleep (key order, U+0000), and runs on checkpointed after it", async () => {
    const count = { body: 0, after: 0 };
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "nap", triggers: [{ event: "test/nap" }] }, async ({ step }) => {
          count.body++;
          const kept = await step.run("odd", () => ({ z: "\u0000", a: 1, m: [{ y: 2, b: 3 }] }));
          await step.sleep("nap", "1h");
          await step.run("after-1", () => ++count.after);
          await step.run("after-2", () => ++count.after);
          return kept;
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/nap", data: {} });
    await h.executor.idle();
    expect(count).toEqual({ body: 1, after: 0 }); // "odd" checkpointed, the sleep answered in the same request
    h.clock.advance(60 * 60 * 1000);
    await h.executor.idle();

    const [run] = await h.executor.runs();
    expect(run).toMatchObject({ status: "completed", calls: 2 });
    expect(JSON.stringify(run!.output)).toBe('{"z":"\\u0000","a":1,"m":[{"y":2,"b":3}]}');
    expect(count).toEqual({ body: 2, after: 2 });
    expect((await h.executor.runSteps(run!.id)).map((s) => s.op)).toEqual(["StepRun", "Sleep", "StepRun", "StepRun"]);
  });

  it("a failing step is retried by id (classic), then the run goes on checkpointing", async () => {
    const count = { flaky: 0, last: 0 };
    h = createHarness({
      executor: { backoff: () => 1000 },
      define: (c) => [
        c.createFunction({ id: "flaky", retries: 2, triggers: [{ event: "test/flaky" }] }, async ({ step }) => {
          await step.run("ok", () => "fine");
          await step.run("flaky", () => {
            if (++count.flaky === 1) throw new Error("first try fails");
            return "second try";
          });
          return step.run("last", () => ++count.last);
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/flaky", data: {} });
    await h.executor.idle();
    h.clock.advance(1000);
    await h.executor.idle();
    const [run] = await h.executor.runs();
    expect(run).toMatchObject({ status: "completed", output: 1, retries: 1 });
    expect(count).toEqual({ flaky: 2, last: 1 });
    // 1: "ok" checkpointed, "flaky" fails (StepError); 2: "flaky" by id; 3: discovery runs "last", RunComplete.
    expect(h.calls.filter((c) => c.method === "POST").map((c) => c.stepId)).toEqual(["step", sha1("flaky"), "step"]);
  });

  it("stops a run cancelled mid-request: the next checkpoint is a stale dispatch (409) and no further step runs", async () => {
    const gate = deferred();
    const reached = deferred();
    const count = { a: 0, b: 0, c: 0 };
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "long", cancelOn: [{ event: "test/stop" }], triggers: [{ event: "test/long" }] }, async ({ step }) => {
          await step.run("a", () => ++count.a);
          await step.run("b", async () => {
            reached.resolve();
            await gate.promise;
            return ++count.b;
          });
          await step.run("c", () => ++count.c);
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/long", data: {} });
    await reached.promise;
    await h.client.send({ name: "test/stop", data: {} });
    await waitFor(async () => (await h!.executor.runs({ functionId: "herald-test-long" }))[0]?.status === "cancelled");
    gate.resolve();
    await h.executor.idle();

    const [run] = await h.executor.runs({ functionId: "herald-test-long" });
    expect(run!.status).toBe("cancelled");
    expect(count).toEqual({ a: 1, b: 1, c: 0 });
    expect(checkpoints(h).map((r) => r.status)).toEqual([200, 409]);
    expect((await h.executor.runSteps(run!.id)).map((s) => s.name)).toEqual(["a"]);
  });

  it("parallel steps turn immediate execution off until a sleep ends; then steps are checkpointed again", async () => {
    h = createHarness({
      define: (c) => [
        c.createFunction({ id: "fan", triggers: [{ event: "test/fan" }] }, async ({ step }) => {
          await Promise.all([step.run("p1", () => 1), step.run("p2", () => 2)]);
          await step.run("planned", () => 3); // planned, then called by id
          await step.sleep("rest", "1m");
          await step.run("x", () => 4);
          await step.run("y", () => 5);
          return "done";
        }),
      ],
    });
    await h.executor.start();
    await h.client.send({ name: "test/fan", data: {} });
    await h.executor.idle();
    h.clock.advance(60_000);
    await h.executor.idle();
    const [run] = await h.executor.runs();
    expect(run).toMatchObject({ status: "completed", output: "done" });
    const posts = h.calls.filter((c) => c.method === "POST").map((c) => c.stepId);
    // discovery → p1, p2 by id → discovery plans "planned" → by id → discovery answers the sleep → after the
    // sleep one discovery runs x and y, checkpointed, and completes.
    // (p1 and p2 run at once: recorded in the order they answer.)
    expect([posts[0], ...posts.slice(1, 3).sort(), ...posts.slice(3)]).toEqual(["step", ...[sha1("p1"), sha1("p2")].sort(), "step", sha1("planned"), "step", "step"]);
    expect(checkpoints(h)).toHaveLength(2);
  });
});

describe("the checkpoint API", () => {
  /** A run held in its second step, with this executor's lease owner. */
  async function heldRun(): Promise<{ t: Harness; runId: string; release: () => void }> {
    const gate = deferred();
    const reached = deferred();
    const t = createHarness({
      executor: { instanceId: "exec-test-owner" },
      define: (c) => [
        c.createFunction({ id: "held", triggers: [{ event: "test/held" }] }, async ({ step }) => {
          await step.run("first", () => 1);
          await step.run("second", async () => {
            reached.resolve();
            await gate.promise;
            return 2;
          });
        }),
      ],
    });
    h = t;
    await t.executor.start();
    await t.client.send({ name: "test/held", data: {} });
    await reached.promise;
    const [run] = await t.executor.runs();
    return { t, runId: run!.id, release: () => gate.resolve() };
  }

  const post = (t: Harness, runId: string, body: unknown, auth: string | null = `Bearer ${hashSigningKey(t.signingKey)}`) =>
    t.executor.handleApi(
      new Request(`http://executor.test/v1/checkpoint/${encodeURIComponent(runId)}/async`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  const step = (id: string, data: unknown) => ({ op: "StepRun", id: sha1(id), name: id, displayName: id, data });

  it("stores nothing without the hashed signing key, for a stale dispatch, or for what it cannot checkpoint; names what is wrong", async () => {
    const { t, runId, release } = await heldRun();
    const ours = { run_id: runId, fn_id: "herald-test-held", qi_id: "exec-test-owner" };

    expect((await post(t, runId, { ...ours, steps: [step("forged", 1)] }, null)).status).toBe(401);
    expect((await post(t, runId, { ...ours, steps: [step("forged", 1)] }, `Bearer ${t.signingKey}`)).status).toBe(401);

    const other = await post(t, runId, { ...ours, qi_id: "exec-someone-else", steps: [step("forged", 1)] });
    expect(other.status).toBe(409);
    expect(((await other.json()) as { error: string }).error).toMatch(/stale dispatch/);

    const missing = await post(t, "01NOSUCHRUN", { ...ours, run_id: "01NOSUCHRUN", steps: [step("forged", 1)] });
    expect(missing.status).toBe(404);

    const noSteps = await post(t, runId, { ...ours, steps: [] });
    expect(noSteps.status).toBe(400);
    expect(((await noSteps.json()) as { error: string }).error).toMatch(/steps/);
    expect((await post(t, runId, "{not json")).status).toBe(400);
    expect((await post(t, runId, { ...ours, run_id: "another-run", steps: [step("forged", 1)] })).status).toBe(400);

    const sleep = await post(t, runId, { ...ours, steps: [{ op: "Sleep", id: sha1("nap"), name: "1h" }] });
    expect(sleep.status).toBe(400);
    expect(((await sleep.json()) as { error: string }).error).toBe("cannot checkpoint opcode: Sleep");

    expect((await t.executor.runSteps(runId)).map((s) => s.name)).toEqual(["first"]);
    release();
    await t.executor.idle();
    const [run] = await t.executor.runs();
    expect(run!.status).toBe("completed");
    expect((await t.executor.runSteps(runId)).map((s) => s.name)).toEqual(["first", "second"]);
  });

  it("keeps a step stored once when its checkpoint is posted again", async () => {
    const { t, runId, release } = await heldRun();
    const ours = { run_id: runId, qi_id: "exec-test-owner" };
    expect((await post(t, runId, { ...ours, steps: [step("first", "changed")] })).status).toBe(200);
    const steps = await t.executor.runSteps(runId);
    expect(steps.map((s) => [s.name, s.data])).toEqual([["first", 1]]);
    release();
    await t.executor.idle();
  });
});

/**
 * The checkpoint API of the embedded executor, `POST /v1/checkpoint/:runId/async` (docs/protocols.md
 * "Checkpointing"), as Inngest serves it (inngest/inngest `pkg/api/apiv1/checkpoint.go`,
 * `pkg/execution/checkpoint/checkpoint.go` `CheckpointAsyncSteps`).
 *
 * With checkpointing (the SDK's `async_checkpointing` step mode, on by default in inngest 4), a discovery
 * call runs the function's steps one after another in the same request and posts each finished step here
 * before going on; the call's answer then carries only what is left: `RunComplete` with the run's output,
 * a step's error, or an op the executor must schedule (sleep, wait, invoke, planned steps). One request and
 * a few small posts instead of one request per step.
 *
 * Request: `Authorization: Bearer <hashed signing key>` (the SDK's `hashSigningKey`: the key's prefix and
 * the SHA-256 of its hex-decoded body), JSON `{run_id, fn_id, qi_id, steps: [op…], …}`. `qi_id` is what the
 * executor sent in the call's `ctx.qi_id`: the lease owner that dispatched the call.
 *
 * Answers (Inngest's statuses):
 * - 200 `{}`: every `StepRun` op stored (a step already stored is kept; `StepPlanned` is accepted and
 *   ignored: Inngest only opens a trace span for it).
 * - 401: no or another key. 404: unknown run. 413: a step output or the run's state over its limit, or a
 *   body over the request limit. 400: not JSON, a malformed body, an op that cannot be checkpointed
 *   (Inngest: "cannot checkpoint opcode"), or a step that would reach the run's step limit.
 *   On these the SDK retries a few times, then gives the steps back in the call's answer, where the run
 *   driver applies the same limits and fails the run with Inngest's error.
 * - 409 (stale dispatch): the dispatching executor no longer holds the run's lease, or the run is not
 *   running any more (cancelled, say). The SDK stops running steps and ends the request.
 */
import { createHash } from "node:crypto";
import { constantTimeEqual } from "../../signing";
import { z } from "zod";
import { BodyEncodingError, BodyTooLargeError, readBodyText } from "../../http/input-hygiene";
import { jsonResponse, opCodes, opSchema } from "./protocol";
import type { Storage } from "./storage";

/** What the checkpoint API needs from its executor. */
export interface CheckpointApiDeps {
  storage: Storage;
  signingKey: string;
  now: () => number;
  maxStepsPerRun: number;
  /** Largest step output and run state, in UTF-8 bytes of their JSON. */
  maxStepOutputBytes: number;
  maxRunStateBytes: number;
  log: (line: string) => void;
}

/** The path this module serves; `runId` is captured. */
export const CHECKPOINT_ASYNC_PATH = /^\/v1\/checkpoint\/([^/]+)\/async\/?$/;

/** The body the SDK posts (`InngestApi.checkpointStepsAsync`). Loose: later SDKs may add fields. */
const asyncCheckpointSchema = z.looseObject({
  run_id: z.string().min(1),
  fn_id: z.string().optional(),
  qi_id: z.string().min(1),
  steps: z.array(opSchema).min(1).max(1000),
});

/**
 * The SDK's `hashSigningKey`: `signkey-<env>-` followed by the SHA-256 (hex) of the key's hex-decoded body.
 * Sent as the Bearer token of every request the SDK makes to Inngest's API.
 */
export function hashSigningKey(signingKey: string): string {
  const prefix = /^signkey-\w+-/.exec(signingKey)?.[0] ?? "";
  return prefix + createHash("sha256").update(Buffer.from(signingKey.slice(prefix.length), "hex")).digest("hex");
}

/** Returns the handler of `POST /v1/checkpoint/:runId/async`. */
export function createCheckpointApi(deps: CheckpointApiDeps): (req: Request, runId: string) => Promise<Response> {
  const expected = Buffer.from(`Bearer ${hashSigningKey(deps.signingKey)}`);
  // A checkpoint carries at most the run's whole state, plus the ops' framing.
  const maxBodyBytes = deps.maxRunStateBytes + 1024 * 1024;
  const refuse = (status: number, message: string, runId: string) => jsonResponse(status, { error: message, status, data: { run_id: runId } });

  return async (req, runId) => {
    if (req.method !== "POST") return jsonResponse(405, { error: "method not allowed; POST checkpoints", status: 405 });
    const given = Buffer.from(req.headers.get("authorization") ?? "");
    if (!constantTimeEqual(given, expected)) return jsonResponse(401, { error: "Unauthorized", status: 401 });
    let text: string;
    try {
      text = await readBodyText(req, maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return refuse(413, `the body exceeds ${maxBodyBytes} bytes`, runId);
      if (err instanceof BodyEncodingError) return refuse(400, "the body is not UTF-8", runId);
      throw err;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text) as unknown;
    } catch {
      return refuse(400, "invalid request body: not JSON", runId);
    }
    const parsed = asyncCheckpointSchema.safeParse(raw);
    if (!parsed.success) {
      return refuse(400, `invalid request body: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`, runId);
    }
    const body = parsed.data;
    if (body.run_id !== runId) return refuse(400, `invalid request body: run_id "${body.run_id}" is not the run of the path`, runId);

    const steps: { stepId: string; name: string | null; value: unknown }[] = [];
    for (const op of body.steps) {
      if (op.op === opCodes.stepPlanned) continue;
      if (op.op !== opCodes.stepRun) return refuse(400, `cannot checkpoint opcode: ${op.op}`, runId);
      const name = op.displayName ?? op.userland?.id ?? op.name ?? null;
      const value = op.data ?? null;
      const bytes = Buffer.byteLength(JSON.stringify(value), "utf8");
      if (bytes > deps.maxStepOutputBytes) {
        return refuse(413, `step output size is greater than the limit (step "${name ?? op.id}": ${bytes} bytes, limit ${deps.maxStepOutputBytes})`, runId);
      }
      steps.push({ stepId: op.id, name, value });
    }
    if (steps.length === 0) return jsonResponse(200, {});

    const result = await deps.storage.checkpointSteps(runId, body.qi_id, steps, deps.now(), {
      maxSteps: deps.maxStepsPerRun,
      maxStateBytes: deps.maxRunStateBytes,
    });
    switch (result.status) {
      case "saved":
        return jsonResponse(200, {});
      case "stepLimit":
        return refuse(400, `The function run would reach the step limit of ${deps.maxStepsPerRun} steps.`, runId);
      case "stateLimit":
        return refuse(413, `The function run exceeded the state size limit of ${deps.maxRunStateBytes} bytes.`, runId);
      case "lost": {
        const run = await deps.storage.getRun(runId);
        if (!run) return refuse(404, "run not found", runId);
        deps.log(`checkpoint of run ${runId} refused: stale dispatch (run ${run.status}, lease ${run.leaseOwner === body.qi_id ? "held" : "not held"} by ${body.qi_id})`);
        return refuse(409, `stale dispatch: the run is ${run.status} and ${body.qi_id} does not hold its lease`, runId);
      }
    }
  };
}

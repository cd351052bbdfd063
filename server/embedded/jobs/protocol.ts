/**
 * The wire shapes between the executor and the `inngest` 4.24 SDK, as zod schemas and types
 * (docs/protocols.md; SDK_SPEC.md §4.3 sync, §4.4 call requests, §5 steps, §1.3.4 events).
 *
 * Everything that arrives from the SDK or from an event sender is parsed with these schemas before use.
 */
import { z } from "zod";

/** Header names used by the protocol (lower case, as the SDK reads them). */
export const headers = {
  signature: "x-inngest-signature",
  syncKind: "x-inngest-sync-kind",
  noRetry: "x-inngest-no-retry",
  retryAfter: "retry-after",
  requestVersion: "x-inngest-req-version",
  eventIdSeed: "x-inngest-event-id-seed",
  serverKind: "x-inngest-server-kind",
} as const;

/** Names of events the executor itself emits or will emit (Inngest's `internalEvents`). */
export const internalEvents = {
  functionFailed: "inngest/function.failed",
  functionCancelled: "inngest/function.cancelled",
  functionFinished: "inngest/function.finished",
  functionInvoked: "inngest/function.invoked",
  scheduledTimer: "inngest/scheduled.timer",
} as const;

const jsonRecord = z.record(z.string(), z.unknown());

/** A JSON answer of the executor's HTTP API (event, checkpoint and health routes). */
export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

// ---------------------------------------------------------------------------------------------------------
// Events (SDK_SPEC.md §1.3.4)

/** One event as a sender posts it to `POST /e/:key`: `name` required, the rest optional. */
export const eventInputSchema = z.object({
  name: z.string().min(1).max(256),
  data: jsonRecord.optional().nullable(),
  id: z.string().min(1).max(256).optional().nullable(),
  ts: z.number().int().nonnegative().optional().nullable(),
  user: jsonRecord.optional().nullable(),
  v: z.string().optional().nullable(),
  meta: z.unknown().optional(),
});
export type EventInput = z.infer<typeof eventInputSchema>;

/** The body of `POST /e/:key`: one event or an array of 1–5000 events. */
export const eventApiBodySchema = z.union([eventInputSchema.transform((e) => [e]), z.array(eventInputSchema).min(1).max(5000)]);

/** An event as stored and as delivered to functions (`event`, `events` of a call). */
export interface StoredEvent {
  /** The event's id: the sender's `id` when given, else the internal id. */
  id: string;
  name: string;
  data: Record<string, unknown>;
  /** ms since the epoch (UTC). */
  ts: number;
  user?: Record<string, unknown>;
  v?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Sync (SDK_SPEC.md §4.3; docs/protocols.md "The serve endpoint")

/** An event or cron trigger of a function config. */
export const triggerSchema = z.union([
  z.object({ event: z.string(), expression: z.string().optional() }).strict(),
  z.object({ cron: z.string(), jitter: z.string().optional() }).strict(),
]);
export type Trigger = z.infer<typeof triggerSchema>;

/**
 * A function config as the SDK reports it. Core fields are typed; every other key is kept (loose) so the
 * executor can refuse, by name, options it does not implement.
 */
export const functionConfigSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  triggers: z.array(triggerSchema),
  steps: z.record(
    z.string(),
    z.looseObject({
      id: z.string(),
      name: z.string().optional(),
      runtime: z.looseObject({ type: z.string(), url: z.string() }),
      retries: z.object({ attempts: z.number().int().nonnegative().optional() }).optional(),
    }),
  ),
});
export type FunctionConfig = z.infer<typeof functionConfigSchema>;

/** The answer to an in-band sync (`PUT` with `x-inngest-sync-kind: in_band`). */
export const inBandSyncResponseSchema = z.looseObject({
  app_id: z.string().min(1),
  functions: z.array(z.unknown()),
  sdk: z.string().optional(),
  framework: z.string().optional(),
  url: z.string().optional(),
  inspection: z
    .looseObject({
      mode: z.string().optional(),
      authentication_succeeded: z.boolean().optional(),
    })
    .optional(),
});
export type InBandSyncResponse = z.infer<typeof inBandSyncResponseSchema>;

// ---------------------------------------------------------------------------------------------------------
// Calls (SDK_SPEC.md §4.4)

/** A memoized step as sent back to the SDK in `steps` (`null`: a sleep that is over). */
export type MemoEntry = { data: unknown } | { error: unknown } | null;

/**
 * The body of a call request (`POST ?fnId=…&stepId=…`). Without `ctx.fn_id` the SDK stays in classic mode
 * (one request per step); with it, a discovery call at attempt 0 may run several steps and checkpoint them.
 */
export interface CallRequestBody {
  event: StoredEvent;
  events: StoredEvent[];
  steps: Record<string, MemoEntry>;
  /** -1 on the first call (the SDK decides), then the version the SDK answered with. */
  version: number;
  ctx: {
    run_id: string;
    attempt: number;
    max_attempts: number;
    disable_immediate_execution: boolean;
    use_api: false;
    stack: { stack: string[]; current: number };
    /** The function's id: offers checkpointing (the SDK echoes it in its checkpoints). */
    fn_id?: string;
    /** Echoed in checkpoints: the lease owner that dispatched the call (Inngest: the queue item). */
    qi_id?: string;
  };
}

/** Step op codes (the SDK's `StepOpCode`). */
export const opCodes = {
  stepRun: "StepRun",
  stepPlanned: "StepPlanned",
  stepError: "StepError",
  stepFailed: "StepFailed",
  sleep: "Sleep",
  waitForEvent: "WaitForEvent",
  waitForSignal: "WaitForSignal",
  invokeFunction: "InvokeFunction",
  aiGateway: "AIGateway",
  gateway: "Gateway",
  runComplete: "RunComplete",
  deferAdd: "DeferAdd",
  deferAbort: "DeferAbort",
} as const;

/** One op of a 206 answer. `id` is the hashed step id (SHA-1 hex of the step id, `id:n` for repeats). */
export const opSchema = z.looseObject({
  id: z.string().min(1),
  op: z.string().min(1),
  name: z.string().optional().nullable(),
  displayName: z.string().optional().nullable(),
  data: z.unknown().optional(),
  error: z.unknown().optional(),
  opts: jsonRecord.optional().nullable(),
  userland: z.looseObject({ id: z.string().optional(), index: z.number().optional() }).optional().nullable(),
});
export type Op = z.infer<typeof opSchema>;

/** The body of a 206 answer: the ops to record or run. */
export const opsSchema = z.array(opSchema);

/** A serialized error (`{name, message, stack?}`), as the SDK sends for failed functions and steps. */
export const serializedErrorSchema = z.looseObject({
  name: z.string().optional(),
  message: z.string().optional(),
  stack: z.string().optional(),
});
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  [key: string]: unknown;
}

/** Normalizes anything thrown or answered into `{name, message, stack?}`. */
export function toSerializedError(value: unknown, fallbackMessage = "Unknown error"): SerializedError {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  const parsed = serializedErrorSchema.safeParse(value);
  if (parsed.success && (parsed.data.message || parsed.data.name)) {
    return { ...parsed.data, name: parsed.data.name || "Error", message: parsed.data.message || fallbackMessage };
  }
  if (typeof value === "string" && value) return { name: "Error", message: value };
  return { name: "Error", message: fallbackMessage };
}

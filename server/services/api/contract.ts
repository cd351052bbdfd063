import "server-only";
/**
 * The HTTP API's contract pieces that need no `Request` or `Response` (docs/architecture.md, "Errors" and
 * "Layers"): the body size limit, the failure that carries its own status, zod issues as the error body's
 * `details`, and the query and path parameter schemas. Services use them to describe and refuse input; the
 * route pipelines that answer HTTP (server/http/api-route.ts, server/http/embed-route.ts,
 * server/http/api-key-route.ts) turn them into responses.
 */
import { z } from "zod";

/** Largest JSON body accepted (bytes). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Field → messages, as in the API error body's `details` (docs/architecture.md, Errors). */
export type FieldErrors = Record<string, string[]>;

/**
 * A failure with its own HTTP status and error code, for what is not a domain `AppError` (e.g. 413
 * PAYLOAD_TOO_LARGE). Both route pipelines answer it as `{ error: { code, message, details? } }`.
 */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "HttpFailure";
  }
}

/**
 * zod issues → `{ field: [messages] }` (the API's error `details`): a field is named by its dotted path, and
 * unknown keys are reported under their own names as "Unknown field".
 * @param prefix prepended to every path (a query parameter's name)
 * @param say words each message (default: as written); it gets the issue the message came from
 */
export function fieldErrors(error: z.ZodError, prefix = "", say: (message: string, issue: z.core.$ZodIssue) => string = (m) => m): FieldErrors {
  const out: FieldErrors = {};
  const add = (key: string, msg: string) => (out[key] ??= []).push(msg);
  for (const issue of error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) add([path, k].filter(Boolean).join("."), say("Unknown field", issue));
    } else {
      add(path || "_", say(issue.message, issue));
    }
  }
  return out;
}

// ── query-parameter building blocks ─────────────────────────────────────────────────────────────────────

/** A positive integer query parameter within [min, max], with a default. */
export const intParam = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, "Must be a whole number")
    .transform(Number)
    .pipe(z.number().min(min, `Must be at least ${min}`).max(max, `Must be at most ${max}`))
    .default(fallback);

/** `true` | `false`. */
export const boolParam = () => z.enum(["true", "false"], "Must be true or false").transform((v) => v === "true");

/** A UTC calendar day, `YYYY-MM-DD`, as the Date of its midnight (UTC). */
export const dayParam = () =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD")
    .transform((v, ctx) => {
      const d = new Date(`${v}T00:00:00.000Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) {
        ctx.addIssue({ code: "custom", message: "Not a calendar date" });
        return z.NEVER;
      }
      return d;
    });

/** Path param: a UUID. */
export const uuidParam = () => z.uuid("Must be a UUID");

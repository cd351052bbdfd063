/**
 * Structured logs (issue 15 "Operations people expect"; docs/deploy.md "Logs"): one JSON object per line on
 * stdout, with pino (https://getpino.io). Every line has `time` (ISO 8601, UTC), `level` ("info", "error",
 * …), `service: "herald"` and `msg`; request lines add `requestId`, `surface`, `route`, `status` and `ms`.
 * `LOG_LEVEL` sets the threshold (default "info"; "silent" turns them off).
 *
 * A request id follows each request of the HTTP API and tRPC: the `x-request-id` a load balancer or the
 * caller sent, when it is a plain token (≤ 128 of `A-Za-z0-9._:-`), else a new UUID. It is echoed in the
 * response's `x-request-id`, so a user's report can be matched to the log line.
 *
 * Not imported with "server-only" so Vitest can load it.
 */
import { randomUUID } from "node:crypto";
import pino, { type Logger } from "pino";

const g = globalThis as unknown as { heraldLogger?: Logger };

/** This process's logger (created on first use; written through `process.stdout`). */
export function logger(): Logger {
  return (g.heraldLogger ??= pino(
    {
      level: process.env.LOG_LEVEL ?? "info",
      base: { service: "herald" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    process.stdout,
  ));
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: its `x-request-id` when that is a plain token, else a new UUID. */
export function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Logs one answered request at info (a 5xx at error), with its id, surface, route, status and wall time. */
export function logRequest(fields: { requestId: string; surface: "trpc" | "api"; route: string; method: string; status: string | number; ms: number }): void {
  const failed = typeof fields.status === "number" ? fields.status >= 500 : fields.status === "INTERNAL_SERVER_ERROR";
  logger()[failed ? "error" : "info"]({ ...fields, ms: Math.round(fields.ms * 10) / 10 }, "request");
}

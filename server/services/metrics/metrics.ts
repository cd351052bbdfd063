/**
 * Prometheus metrics of this process (issue 15 "Operations people expect"; docs/deploy.md "Metrics"), with
 * prom-client, served at `GET /api/metrics` (app/api/metrics/route.ts). Each web or worker process exposes
 * its own; Prometheus scrapes every instance.
 *
 * - `herald_http_request_duration_seconds{surface, route, method, status}`: tRPC procedures
 *   (`surface="trpc"`, route = the procedure path, status = "ok" or the error code) and the `/api/v1` HTTP
 *   API (`surface="api"`, route = the path with ids replaced by `:id`, status = the HTTP status).
 * - `herald_fanout_chunk_rows{kind}` and `herald_fanout_chunk_duration_seconds{kind}`: the inbox rows each
 *   fan-out chunk wrote (its `_sum` is every notification fanned out) and how long that took.
 * - `herald_emails_total{status}`: emails handed to the transport (`sent`) or refused by it (`failed`).
 * - `herald_job_runs_total{function, status}`: background function runs as the app ran them (whichever job
 *   engine called it: Inngest or the embedded executor): `completed`, `retried` (an attempt failed and will
 *   be retried) or `failed` (the last attempt failed); counted by inngest/metrics-middleware.ts.
 * - the process's CPU, memory, event loop and GC (prom-client's default metrics, prefixed `herald_`).
 *
 * The registry lives on `globalThis`, so the route and the services share it even where Next.js bundles
 * them apart. Units: seconds (Prometheus's convention).
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

interface HeraldMetrics {
  registry: Registry;
  httpDuration: Histogram<"surface" | "route" | "method" | "status">;
  fanoutChunkRows: Histogram<"kind">;
  fanoutChunkDuration: Histogram<"kind">;
  emails: Counter<"status">;
  jobRuns: Counter<"function" | "status">;
}

function create(): HeraldMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "herald_" });
  return {
    registry,
    httpDuration: new Histogram({
      name: "herald_http_request_duration_seconds",
      help: "Time to answer a tRPC procedure or an /api/v1 request, in seconds",
      labelNames: ["surface", "route", "method", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    fanoutChunkRows: new Histogram({
      name: "herald_fanout_chunk_rows",
      help: "Inbox rows one fan-out chunk wrote",
      labelNames: ["kind"],
      buckets: [1, 10, 100, 1_000, 2_500, 5_000, 10_000],
      registers: [registry],
    }),
    fanoutChunkDuration: new Histogram({
      name: "herald_fanout_chunk_duration_seconds",
      help: "Time to write one fan-out chunk's inbox rows, in seconds",
      labelNames: ["kind"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    emails: new Counter({
      name: "herald_emails_total",
      help: "Emails handed to the email transport (sent) or refused by it (failed)",
      labelNames: ["status"],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: "herald_job_runs_total",
      help: "Background function runs this process ran to an end: completed, retried (an attempt failed) or failed (the last attempt)",
      labelNames: ["function", "status"],
      registers: [registry],
    }),
  };
}

const g = globalThis as unknown as { heraldMetrics?: HeraldMetrics };

/** This process's metrics (created on first use). */
export function metrics(): HeraldMetrics {
  return (g.heraldMetrics ??= create());
}

/**
 * `/api/v1/notifications/3f…-…/read` → `/api/v1/notifications/:id/read`: a route label of bounded cardinality.
 * A device's FCM registration token (`/api/v1/devices/<token>`, docs/requirements.md R10) becomes `:token`, so
 * tokens never reach metrics or request logs.
 */
export function routeLabel(pathname: string): string {
  const parts = pathname.split("/");
  return parts
    .map((part, i) =>
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(part) || /^\d+$/.test(part)
        ? ":id"
        : i === 4 && parts[1] === "api" && parts[2] === "v1" && parts[3] === "devices"
          ? ":token"
          : part,
    )
    .join("/");
}

/** Records one answered request (`seconds` of wall time). */
export function observeRequest(surface: "trpc" | "api", route: string, method: string, status: string | number, seconds: number): void {
  metrics().httpDuration.observe({ surface, route, method, status: String(status) }, seconds);
}

/** Records one fan-out chunk: the inbox rows it wrote and its wall time in seconds. */
export function observeFanOutChunk(kind: "listing" | "campaign", rows: number, seconds: number): void {
  const m = metrics();
  m.fanoutChunkRows.observe({ kind }, rows);
  m.fanoutChunkDuration.observe({ kind }, seconds);
}

/** Counts emails the transport took (`sent`) or refused (`failed`). */
export function countEmails(status: "sent" | "failed", n = 1): void {
  metrics().emails.inc({ status }, n);
}

/** Counts one run's end in this process: `completed`, `retried` or `failed`. */
export function countJobRun(fn: string, status: "completed" | "retried" | "failed"): void {
  metrics().jobRuns.inc({ function: fn, status });
}

/** The text exposition format (https://prometheus.io/docs/instrumenting/exposition_formats/) and its content type. */
export async function exposition(): Promise<{ body: string; contentType: string }> {
  const { registry } = metrics();
  return { body: await registry.metrics(), contentType: registry.contentType };
}

/**
 * `GET /api/metrics`: this process's Prometheus metrics, and the realtime server's connection counters when
 * it serves them (the embedded server), for a scraper that sends `authorization: Bearer $HERALD_METRICS_TOKEN`
 * (server/http/metrics-scrape.ts `metricsResponse`; docs/deploy.md "Metrics"). 404 while no token is
 * configured, 401 for a wrong one.
 */
import { env } from "@/server/env";
import { metricsResponse } from "@/server/http/metrics-scrape";

export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  const realtime = env("realtime");
  const realtimeMetricsUrl = realtime.PUSHER_HOST
    ? `${realtime.PUSHER_USE_TLS ? "https" : "http"}://${realtime.PUSHER_HOST}:${realtime.PUSHER_PORT ?? (realtime.PUSHER_USE_TLS ? 443 : 80)}/metrics`
    : undefined;
  return metricsResponse(request, env("metrics").HERALD_METRICS_TOKEN, { realtimeMetricsUrl });
}

/**
 * `GET /api/metrics`: this process's Prometheus metrics, for a scraper that sends
 * `authorization: Bearer $HERALD_METRICS_TOKEN` (server/services/metrics/scrape.ts `metricsResponse`;
 * docs/deploy.md "Metrics"). 404 while no token is configured, 401 for a wrong one.
 */
import { env } from "@/server/env";
import { metricsResponse } from "@/server/services/metrics/scrape";

export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return metricsResponse(request, env("metrics").HERALD_METRICS_TOKEN);
}

/**
 * The scrape endpoint's rules (`GET /api/metrics`, app/api/metrics/route.ts): who may read this process's
 * metrics (server/services/metrics/metrics.ts). Apart from metrics.ts so that the HTTP helpers, which time
 * requests through metrics.ts, are not imported back by it; here, with the other helpers that answer HTTP,
 * because it builds the `Response` (docs/architecture.md, "Layers").
 */
import { bearerToken, errorResponse } from "./api-route";
import { sameSignature } from "../signing";
import { PRIVATE_NO_STORE } from "./cache";
import { exposition } from "../services/metrics/metrics";

/**
 * The realtime server's own metrics (`GET <realtime>/metrics`, the embedded server's; soketi and Pusher
 * answer otherwise), or "" when it does not serve them within 2 s.
 */
async function realtimeMetrics(url: string, token: string): Promise<string> {
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2000) });
    if (!res.ok || !(res.headers.get("content-type") ?? "").startsWith("text/plain")) return "";
    return await res.text();
  } catch {
    return "";
  }
}

/**
 * The answer of `GET /api/metrics` for `token` (HERALD_METRICS_TOKEN):
 * - no token configured: 404 NOT_FOUND (metrics are never public);
 * - a missing or wrong bearer token: 401 UNAUTHORIZED (compared in constant time, server/signing.ts);
 * - else 200 with the text exposition format, never cached: this process's metrics, then the realtime
 *   server's connection counters when it serves them at `opts.realtimeMetricsUrl` (the embedded server).
 */
export async function metricsResponse(request: Request, token: string | undefined, opts: { realtimeMetricsUrl?: string } = {}): Promise<Response> {
  if (!token) return errorResponse("NOT_FOUND", "Metrics are off: set HERALD_METRICS_TOKEN to expose them", 404);
  const given = bearerToken(request);
  if (!given || !sameSignature(given, token)) {
    return errorResponse("UNAUTHORIZED", "Send Authorization: Bearer <HERALD_METRICS_TOKEN>", 401, undefined, {
      "www-authenticate": 'Bearer realm="herald-metrics"',
    });
  }
  const [{ body, contentType }, realtime] = await Promise.all([exposition(), opts.realtimeMetricsUrl ? realtimeMetrics(opts.realtimeMetricsUrl, token) : ""]);
  return new Response(body + realtime, { headers: { "content-type": contentType, "cache-control": PRIVATE_NO_STORE } });
}

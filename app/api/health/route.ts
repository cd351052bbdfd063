/**
 * Readiness probe: `GET /api/health` answers 200 `{"ready": true, "checks": {…}}` when the database, the
 * realtime server and the job engine answer this process, else 503 with the same shape
 * (server/services/health/health.ts). No session and no input; nothing per user; never stored by a cache.
 * A load balancer sends traffic only to ready processes; liveness (restart or not) is /api/health/live.
 */
import { readiness } from "@/server/services/health/health";
import { PRIVATE_NO_STORE } from "@/server/http/cache";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const report = await readiness();
  return Response.json(report, { status: report.ready ? 200 : 503, headers: { "cache-control": PRIVATE_NO_STORE } });
}

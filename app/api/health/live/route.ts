/**
 * Liveness probe: `GET /api/health/live` answers 200 `{"status":"ok"}` while this web process can answer
 * requests at all. It reads no database, realtime server or executor, on purpose: an orchestrator restarts
 * a process whose liveness fails, and a database outage is no reason to restart every web process (that is
 * what a readiness check is for). No session, no input, no per-user data; never stored by a cache.
 *
 * It is also the floor of the web process: the cheapest request Next.js can answer through a route
 * handler, measured beside the inbox read in bench/live.ts.
 */
import { PRIVATE_NO_STORE } from "@/server/http/cache";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "cache-control": PRIVATE_NO_STORE } });
}

/**
 * The Pusher-protocol server the realtime suite runs against (issue 15: "one suite, two targets").
 *
 * `HERALD_TEST_REALTIME` chooses it:
 * - `embedded` (default; `npm test`): Herald's own server (server/embedded/realtime/server.ts), one process.
 * - `soketi` (`npm run test:scale-out`, `.ci/run`'s scale-out lane): two soketi nodes sharing state through
 *   Redis (scripts/lib/soketi.ts; `HERALD_TEST_REDIS_URL`, default redis://127.0.0.1:6379). The HTTP API is
 *   node 1's and every WebSocket client connects to node 2, so each delivery the suite checks crosses nodes,
 *   as it does behind a load balancer.
 */
import { startRealtimeServer } from "../server/embedded/realtime/server";
import { startSoketi } from "../scripts/lib/soketi";

export type RealtimeTargetKind = "embedded" | "soketi";

/** The target named by `HERALD_TEST_REALTIME` (`embedded` when unset). @throws Error for any other value. */
export function realtimeTargetKind(): RealtimeTargetKind {
  const kind = process.env.HERALD_TEST_REALTIME ?? "embedded";
  if (kind !== "embedded" && kind !== "soketi") throw new Error(`HERALD_TEST_REALTIME must be embedded or soketi (got "${kind}")`);
  return kind;
}

export interface RealtimeTarget {
  kind: RealtimeTargetKind;
  /** Port of the HTTP API the publisher posts to (soketi: node 1). */
  apiPort: number;
  /** Port WebSocket clients connect to (soketi: node 2; embedded: the same server). */
  wsPort: number;
  close(): Promise<void>;
}

/**
 * Starts the chosen target for one app; `maxBatchEvents`: events per `batch_events` request it accepts
 * (Pusher's 10 by default). @throws Error when the soketi target cannot start (Node.js version, Redis).
 */
export async function startRealtimeTarget(opts: { app: { id: string; key: string; secret: string }; maxBatchEvents?: number }): Promise<RealtimeTarget> {
  if (realtimeTargetKind() === "embedded") {
    const server = await startRealtimeServer({ apps: [opts.app], ...(opts.maxBatchEvents ? { maxBatchEvents: opts.maxBatchEvents } : {}) });
    return { kind: "embedded", apiPort: server.port, wsPort: server.port, close: () => server.close() };
  }
  const soketi = await startSoketi({ ...opts, nodes: 2, ...(process.env.HERALD_TEST_REDIS_URL ? { redisUrl: process.env.HERALD_TEST_REDIS_URL } : {}) });
  return { kind: "soketi", apiPort: soketi.ports[0]!, wsPort: soketi.ports[1]!, close: soketi.close };
}

/**
 * Next.js instrumentation: runs once when a server process starts (https://nextjs.org/docs/app/guides/instrumentation).
 * - installs the socket-address stamp (server/services/security/client-address.ts) before the first
 *   request, so per-address limits know every request's peer address, never a client header's word;
 * - starts the outbox relay (server/services/outbox/relay.ts) in every Node.js server process, so events
 *   that requests record with their writes reach the job engine without the request waiting for it. Any
 *   number of processes may relay from one database. On SIGTERM it stops after its current pass. It sends
 *   through inngest/outbox-sender.ts, handed to it here so that server/services never imports inngest/.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { installSocketAddressStamp } = await import("./server/services/security/client-address");
  installSocketAddressStamp();
  const g = globalThis as unknown as { heraldOutboxRelay?: unknown };
  if (g.heraldOutboxRelay) return;
  const [{ startOutboxRelay, stopOnSigterm }, { inngestOutboxSender }] = await Promise.all([
    import("./server/services/outbox/relay"),
    import("./inngest/outbox-sender"),
  ]);
  g.heraldOutboxRelay = stopOnSigterm(startOutboxRelay(inngestOutboxSender));
}

/**
 * The outbox relay's adapter to Inngest: implements the relay's {@link OutboxSender} port
 * (server/services/outbox/relay.ts) with `inngest.send`. Each event keeps its outbox row id as its Inngest
 * event id, which Inngest (and the embedded executor) deduplicate for 24 hours
 * (https://www.inngest.com/docs/guides/handling-idempotency), so a resend starts no second run.
 * Wired where the relay starts (instrumentation.ts, test/app-jobs.ts, bench/outbox-faults.ts), so services
 * never import inngest/ (docs/architecture.md, "Layers").
 */
import type { OutboxSender } from "../server/services/outbox/relay";
import { inngest } from "./client";

/** Sends a relay batch with `inngest.send`; rejects when the engine refuses it or cannot be reached. */
export const inngestOutboxSender: OutboxSender = (events) => inngest.send(events);

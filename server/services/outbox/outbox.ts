import "server-only";
/**
 * The transactional outbox (issue 12 "Nothing lost"; docs/architecture.md "Outbox"). Every domain write
 * that must start background work records its event in `outbox_events` inside the same database
 * transaction as the write, so the two commit together or not at all. The relay (./relay.ts) sends
 * pending events to the job engine afterwards, with the row's id as the Inngest event id, so a resend after
 * a lost answer starts no second run (Inngest deduplicates an event id for 24 h:
 * https://www.inngest.com/docs/guides/handling-idempotency#at-the-event-level-the-producer).
 *
 * A request therefore never waits on the job engine: with Inngest down or slow, the write commits, the
 * caller gets its answer, and the event goes out when the engine is back.
 *
 * Services are the only callers; inside Inngest functions, fan-out steps use `step.sendEvent`, and the
 * services they call record their follow-up events here (the step's writes and its events commit together).
 */
import { randomUUID } from "node:crypto";
import { db } from "../../db";
import type { Prisma } from "../../generated/prisma/client";
import { wakeOutboxRelay } from "./relay";

/** A Prisma transaction client (or the client itself for a single statement). */
export type Tx = Prisma.TransactionClient;

/**
 * An event to send after the transaction commits: `{ name, data }`, typically made by an event type's
 * `create()` (server/events.ts), whose zod schema is checked here, before anything is written.
 */
export interface OutboxEventInput {
  name: string;
  data: unknown;
  /** Present on events made by `eventType(...).create()`: throws when `data` does not fit the schema. */
  validate?: () => Promise<unknown>;
}

/** What {@link withEvents} hands its callback to record events with. */
export type Emit = (events: OutboxEventInput | readonly OutboxEventInput[]) => Promise<string[]>;

/**
 * Records events in the caller's transaction `tx`.
 * @returns the event ids (random UUIDs), in order
 * @throws the schema's validation error for an event whose data does not fit its type (a programming
 *   error: the transaction rolls back)
 */
export async function enqueueEvents(tx: Tx, events: readonly OutboxEventInput[]): Promise<string[]> {
  if (events.length === 0) return [];
  for (const e of events) await e.validate?.();
  const rows = events.map((e) => ({ id: randomUUID(), name: e.name, data: e.data as Prisma.InputJsonValue }));
  await tx.outboxEvent.createMany({ data: rows });
  return rows.map((r) => r.id);
}

/**
 * Runs `fn` in one database transaction; the events it emits are written in that transaction, and the
 * relay of this process is woken once it has committed (other processes' relays find them by polling).
 * @param fn receives the transaction client and `emit`
 * @param opts.timeoutMs the transaction's time limit (default 30,000 ms; Prisma's default is 5,000 ms)
 * @returns what `fn` returns
 * @throws whatever `fn` throws (nothing is written then)
 */
export async function withEvents<T>(fn: (tx: Tx, emit: Emit) => Promise<T>, opts: { timeoutMs?: number } = {}): Promise<T> {
  let emitted = 0;
  const result = await db.$transaction(
    (tx) =>
      fn(tx, async (events) => {
        const list = Array.isArray(events) ? (events as readonly OutboxEventInput[]) : [events as OutboxEventInput];
        emitted += list.length;
        return enqueueEvents(tx, list);
      }),
    { timeout: opts.timeoutMs ?? 30_000, maxWait: 30_000 },
  );
  if (emitted > 0) wakeOutboxRelay();
  return result;
}

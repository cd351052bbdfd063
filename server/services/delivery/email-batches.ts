import "server-only";
/**
 * Hands queued emails to the transport in provider batches of up to 100 (Resend's batch endpoint), a few
 * batches in flight, and records each outcome in `deliveries`. Shared by every email leg (listings,
 * transactional notices, digests) so batching and failure handling live in one place.
 */
import pLimit from "p-limit";
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { EmailSendError, MAX_BATCH, type EmailTransport, type OutgoingEmail } from "../email/transport";

/** One queued email: its delivery row and the message to send. */
export interface QueuedEmail {
  deliveryId: string;
  message: OutgoingEmail;
}

/**
 * Sends the emails and marks each delivery SENT (with the provider's id) or FAILED (a permanent refusal).
 * A batch the provider refuses outright is sent one by one, so one bad address cannot hold up 99 good ones.
 * @param opts.concurrency batches in flight at once (default 4; below 1 counts as 1)
 * @param opts.table where the delivery rows live: `deliveries` (accounts, the default) or
 *   `newsletter_deliveries` (newsletter subscribers without accounts)
 * @returns counts by outcome (`SENT`, `FAILED`)
 * @throws the first retryable failure (EmailSendError without `permanent`, network errors) once the
 *   batches in flight settled; rows already sent stay SENT, and idempotency keys stop duplicates on retry
 */
export async function sendInBatches(
  transport: EmailTransport,
  queue: readonly QueuedEmail[],
  opts: { concurrency?: number; table?: "deliveries" | "newsletter_deliveries" } = {},
): Promise<Record<string, number>> {
  const concurrency = opts.concurrency ?? 4;
  const table = Prisma.raw(opts.table ?? "deliveries");
  const counts: Record<string, number> = {};
  const bump = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  const batches: QueuedEmail[][] = [];
  for (let i = 0; i < queue.length; i += MAX_BATCH) batches.push(queue.slice(i, i + MAX_BATCH));
  let failure: unknown;
  /** Marks deliveries SENT with their provider ids: one statement per batch. */
  const sent = async (done: { deliveryId: string; providerMessageId: string }[]) => {
    await db.$executeRaw`
      UPDATE ${table} d SET status = 'SENT', reason = CASE WHEN d.reason LIKE 'fallback:%' THEN d.reason END, provider_message_id = x.pid, sent_at = now(), attempts = d.attempts + 1, updated_at = now()
      FROM unnest(${done.map((x) => x.deliveryId)}::uuid[], ${done.map((x) => x.providerMessageId)}::text[]) AS x(id, pid)
      WHERE d.id = x.id`;
    for (let i = 0; i < done.length; i++) bump("SENT");
  };
  const failed = async (q: QueuedEmail, err: unknown) => {
    if (err instanceof EmailSendError && err.opts.permanent) {
      await db.$executeRaw`UPDATE ${table} SET status = 'FAILED', reason = ${err.message.slice(0, 300)}, attempts = attempts + 1, updated_at = now()
        WHERE id = ${q.deliveryId}::uuid`;
      bump("FAILED");
    } else {
      failure ??= err;
    }
  };
  /** One batch; once a retryable failure is known, batches not yet started are skipped. */
  const sendBatch = async (batch: QueuedEmail[]) => {
    if (failure) return;
    try {
      const ids = await transport.sendBatch(batch.map((q) => q.message));
      await sent(batch.map((q, k) => ({ deliveryId: q.deliveryId, providerMessageId: ids[k]!.providerMessageId })));
    } catch (err) {
      if (!(err instanceof EmailSendError && err.opts.permanent)) {
        failure ??= err;
        return;
      }
      for (const q of batch) {
        try {
          await sent([{ deliveryId: q.deliveryId, providerMessageId: (await transport.send(q.message)).providerMessageId }]);
        } catch (one) {
          await failed(q, one);
        }
      }
    }
  };
  await pLimit(Math.max(1, Math.floor(concurrency))).map(batches, sendBatch);
  if (failure) throw failure;
  return counts;
}

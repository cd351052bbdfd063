/**
 * sendInBatches (./email-batches.ts): batches of at most MAX_BATCH with at most `concurrency` in flight, a
 * refused batch retried one by one (permanent refusals FAILED, the rest SENT), and a retryable failure
 * thrown once the batches in flight settled, with no new batch started after it.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createUser } from "../../../prisma/factory";
import { EmailSendError, MAX_BATCH, type EmailTransport, type OutgoingEmail } from "../email/transport";
import { sendInBatches, type QueuedEmail } from "./email-batches";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `count` QUEUED email deliveries of a new user, each with its message (`to` is `n<i>@example.com`). */
async function queued(count: number): Promise<QueuedEmail[]> {
  const u = await createUser(db);
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH n AS (
      INSERT INTO notifications (user_id, type, category, title, dedupe_key)
      SELECT ${u.id}::uuid, 'business_update', 'business', 'Update', 'batches:' || g FROM generate_series(1, ${count}::int) g
      RETURNING id, user_id)
    INSERT INTO deliveries (notification_id, user_id, channel, status)
    SELECT id, user_id, 'EMAIL', 'QUEUED' FROM n
    RETURNING id`;
  return rows.map((r, k) => ({
    deliveryId: r.id,
    message: { to: `n${k + 1}@example.com`, from: "herald@example.com", subject: "Hi", html: "<p>Hi</p>", text: "Hi", headers: {}, tags: [], idempotencyKey: `email:${r.id}` },
  }));
}

/** Each delivery's row by its message's address. */
async function byTo(queue: QueuedEmail[]): Promise<Record<string, { status: string; reason: string | null; providerMessageId: string | null }>> {
  const rows = await db.delivery.findMany({ where: { id: { in: queue.map((q) => q.deliveryId) } } });
  const to = new Map(queue.map((q) => [q.deliveryId, q.message.to]));
  return Object.fromEntries(rows.map((d) => [to.get(d.id)!, { status: d.status, reason: d.reason, providerMessageId: d.providerMessageId }]));
}

/** A transport whose batches take `delayMs`, recording batch sizes and the most batches in flight at once. */
function slowTransport(delayMs: number, fail?: (batch: readonly OutgoingEmail[], call: number) => Error | null) {
  const seen = { sizes: [] as number[], inFlight: 0, maxInFlight: 0 };
  const transport: EmailTransport = {
    name: "capture",
    async send(email) {
      return { providerMessageId: `one:${email.to}` };
    },
    async sendBatch(emails) {
      const call = seen.sizes.push(emails.length) - 1;
      seen.inFlight++;
      seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
      try {
        const err = fail?.(emails, call);
        if (err) throw err;
        await sleep(delayMs);
        return emails.map((e) => ({ providerMessageId: `batch:${e.to}` }));
      } finally {
        seen.inFlight--;
      }
    },
  };
  return { transport, seen };
}

describe("sendInBatches", () => {
  it("sends batches of at most MAX_BATCH, at most `concurrency` in flight, and marks every delivery SENT", async () => {
    const queue = await queued(MAX_BATCH * 3 + 50);
    const { transport, seen } = slowTransport(15);
    expect(await sendInBatches(transport, queue, { concurrency: 2 })).toEqual({ SENT: queue.length });
    expect(seen.sizes).toEqual([MAX_BATCH, MAX_BATCH, MAX_BATCH, 50]);
    expect(seen.maxInFlight).toBe(2);
    const rows = await byTo(queue);
    expect(Object.values(rows).every((r) => r.status === "SENT")).toBe(true);
    expect(rows["n7@example.com"]?.providerMessageId).toBe("batch:n7@example.com");
  });

  it("sends a refused batch one by one: a permanent refusal is FAILED, the others SENT", async () => {
    const queue = await queued(3);
    const { transport } = slowTransport(0, () => new EmailSendError("422 batch refused", { permanent: true, status: 422 }));
    transport.send = async (email) => {
      if (email.to === "n2@example.com") throw new EmailSendError("422 invalid address", { permanent: true, status: 422 });
      return { providerMessageId: `one:${email.to}` };
    };
    expect(await sendInBatches(transport, queue)).toEqual({ SENT: 2, FAILED: 1 });
    expect(await byTo(queue)).toEqual({
      "n1@example.com": { status: "SENT", reason: null, providerMessageId: "one:n1@example.com" },
      "n2@example.com": { status: "FAILED", reason: "422 invalid address", providerMessageId: null },
      "n3@example.com": { status: "SENT", reason: null, providerMessageId: "one:n3@example.com" },
    });
  });

  it("throws a retryable failure once the batches in flight settled, starting no batch after it", async () => {
    const queue = await queued(MAX_BATCH * 4);
    const busy = new EmailSendError("429 slow down", { permanent: false, status: 429 });
    // The first batch fails at once; the second is still in flight and finishes afterwards.
    const { transport, seen } = slowTransport(30, (_, call) => (call === 0 ? busy : null));
    await expect(sendInBatches(transport, queue, { concurrency: 2 })).rejects.toBe(busy);
    expect(seen.sizes).toEqual([MAX_BATCH, MAX_BATCH]);
    const rows = await byTo(queue);
    const sent = queue.filter((q) => rows[q.message.to]?.status === "SENT").map((q) => q.message.to);
    expect(sent).toEqual(queue.slice(MAX_BATCH, MAX_BATCH * 2).map((q) => q.message.to));
    expect(Object.values(rows).filter((r) => r.status === "QUEUED")).toHaveLength(MAX_BATCH * 3);
  });
});

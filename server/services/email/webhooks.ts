import "server-only";
/**
 * Resend webhooks (svix / Standard Webhooks signatures): `email.sent`, `email.delivered`, `email.bounced`,
 * `email.complained` move a delivery's status forward only (a late "delivered" never undoes a bounce);
 * hard bounces and complaints suppress the address for non-transactional mail (docs/requirements.md R9.7). The signature
 * is verified on the raw body and stale timestamps are refused by the verifier (±5 min); each message id is
 * processed once.
 */
import { createHash } from "node:crypto";
import { Resend } from "resend";
import { z } from "zod";
import { db } from "../../db";
import { env } from "../../env";
import type { DeliveryStatus } from "../../generated/prisma/client";

const eventSchema = z.object({
  type: z.string().max(100),
  data: z.object({ email_id: z.string().min(1).max(200), to: z.array(z.string()).optional(), bounce: z.object({ type: z.string().optional() }).loose().optional() }).loose(),
}).loose();

/** Forward-only order of delivery states. */
const RANK: Record<DeliveryStatus, number> = { QUEUED: 0, HELD: 0, SKIPPED: 0, FAILED: 0, SENT: 1, DELIVERED: 2, BOUNCED: 3, COMPLAINED: 3 };

export type WebhookOutcome = { status: 200 | 400 | 401 | 503; body: Record<string, unknown> };

/** SHA-256 of the lower-cased address: the key of `email_suppressions`. */
export function emailHash(email: string): string {
  return createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
}

/**
 * Verifies and applies one webhook delivery.
 * @param rawBody the request body exactly as received
 * @param headers `svix-id`, `svix-timestamp`, `svix-signature` (or the `webhook-*` names)
 */
export async function handleResendWebhook(rawBody: string, headers: Headers): Promise<WebhookOutcome> {
  const secret = env("email").RESEND_WEBHOOK_SECRET;
  if (!secret) return { status: 503, body: { error: { code: "NOT_CONFIGURED", message: "RESEND_WEBHOOK_SECRET is not set" } } };
  const id = headers.get("svix-id") ?? headers.get("webhook-id") ?? "";
  const timestamp = headers.get("svix-timestamp") ?? headers.get("webhook-timestamp") ?? "";
  const signature = headers.get("svix-signature") ?? headers.get("webhook-signature") ?? "";
  try {
    new Resend("re_webhook_verification_only").webhooks.verify({ payload: rawBody, headers: { id, timestamp, signature }, webhookSecret: secret });
  } catch {
    return { status: 401, body: { error: { code: "UNAUTHORIZED", message: "Invalid or stale webhook signature" } } };
  }
  const parsed = eventSchema.safeParse(JSON.parse(rawBody));
  if (!parsed.success) return { status: 400, body: { error: { code: "VALIDATION_ERROR", message: "Unexpected webhook payload" } } };
  const first = await db.webhookEvent.createMany({ data: [{ id, source: "resend", type: parsed.data.type }], skipDuplicates: true });
  if (first.count === 0) return { status: 200, body: { ok: true, duplicate: true } };

  const event = parsed.data;
  const next: DeliveryStatus | null =
    event.type === "email.sent" ? "SENT" : event.type === "email.delivered" ? "DELIVERED" : event.type === "email.bounced" ? "BOUNCED" : event.type === "email.complained" ? "COMPLAINED" : null;
  if (!next) return { status: 200, body: { ok: true, ignored: event.type } };
  const delivery = await db.delivery.findFirst({ where: { providerMessageId: event.data.email_id, channel: "EMAIL" }, include: { user: { select: { email: true } } } });
  if (delivery && RANK[next] > RANK[delivery.status]) {
    await db.delivery.update({ where: { id: delivery.id }, data: { status: next, reason: next === "BOUNCED" ? `bounce: ${event.data.bounce?.type ?? "unknown"}` : delivery.reason } });
  }
  const newsletter = delivery
    ? null
    : await db.newsletterDelivery.findFirst({ where: { providerMessageId: event.data.email_id }, include: { subscriber: { select: { email: true } } } });
  if (newsletter && RANK[next] > RANK[newsletter.status]) {
    await db.newsletterDelivery.update({ where: { id: newsletter.id }, data: { status: next, reason: next === "BOUNCED" ? `bounce: ${event.data.bounce?.type ?? "unknown"}` : newsletter.reason } });
  }
  const hard = next === "COMPLAINED" || (next === "BOUNCED" && /permanent|hard/i.test(String(event.data.bounce?.type ?? "")));
  if (hard) {
    const addresses = event.data.to ?? (delivery ? [delivery.user.email] : newsletter ? [newsletter.subscriber.email] : []);
    for (const address of addresses) {
      await db.emailSuppression.upsert({ where: { emailHash: emailHash(address) }, create: { emailHash: emailHash(address), reason: next === "COMPLAINED" ? "complaint" : "hard_bounce" }, update: {} });
    }
  }
  return { status: 200, body: { ok: true } };
}

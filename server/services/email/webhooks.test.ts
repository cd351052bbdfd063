/**
 * Resend webhooks through the route handler, signed the way svix signs (computed here independently of the
 * verifier): forward-only status moves, suppression on hard bounce and complaint, dedupe by message id,
 * bad and stale signatures refused.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createNotification, createUser } from "../../../prisma/factory";
import { POST } from "../../../app/api/webhooks/resend/route";
import { emailHash } from "./webhooks";

const SECRET_BYTES = randomBytes(24);
process.env.RESEND_WEBHOOK_SECRET = `whsec_${SECRET_BYTES.toString("base64")}`;

function sign(id: string, ts: number, body: string, key: Uint8Array = SECRET_BYTES) {
  return `v1,${createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest("base64")}`;
}

async function hook(event: unknown, opts: { id?: string; ts?: number; key?: Uint8Array; signature?: string } = {}) {
  const body = JSON.stringify(event);
  const id = opts.id ?? `msg_${randomUUID()}`;
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  const res = await POST(
    new Request("http://localhost/api/webhooks/resend", {
      method: "POST",
      headers: { "content-type": "application/json", "svix-id": id, "svix-timestamp": String(ts), "svix-signature": opts.signature ?? sign(id, ts, body, opts.key) },
      body,
    }),
  );
  return { status: res.status, body: await res.json(), id };
}

async function sentEmail() {
  const u = await createUser(db);
  const n = await createNotification(db, { userId: u.id, type: "new_listing", category: "listings" });
  const providerMessageId = `re_${randomUUID()}`;
  const d = await db.delivery.create({ data: { notificationId: n.id, userId: u.id, channel: "EMAIL", status: "SENT", providerMessageId, sentAt: new Date() } });
  return { u, d, providerMessageId };
}

const status = async (id: string) => (await db.delivery.findUniqueOrThrow({ where: { id } })).status;

describe("Resend webhooks", () => {
  it("move the status forward only: delivered, then bounced; a late delivered does not undo it", async () => {
    const { d, u, providerMessageId } = await sentEmail();
    expect((await hook({ type: "email.delivered", data: { email_id: providerMessageId, to: [u.email] } })).status).toBe(200);
    expect(await status(d.id)).toBe("DELIVERED");
    await hook({ type: "email.bounced", data: { email_id: providerMessageId, to: [u.email], bounce: { type: "Transient" } } });
    expect(await status(d.id)).toBe("BOUNCED");
    await hook({ type: "email.delivered", data: { email_id: providerMessageId, to: [u.email] } });
    expect(await status(d.id)).toBe("BOUNCED");
    // A transient bounce does not suppress.
    expect(await db.emailSuppression.findUnique({ where: { emailHash: emailHash(u.email) } })).toBeNull();
  });

  it("suppress the address on a hard bounce and on a complaint", async () => {
    const a = await sentEmail();
    await hook({ type: "email.bounced", data: { email_id: a.providerMessageId, to: [a.u.email], bounce: { type: "Permanent" } } });
    expect(await db.emailSuppression.findUnique({ where: { emailHash: emailHash(a.u.email) } })).toMatchObject({ reason: "hard_bounce" });
    const b = await sentEmail();
    await hook({ type: "email.complained", data: { email_id: b.providerMessageId, to: [b.u.email] } });
    expect(await status(b.d.id)).toBe("COMPLAINED");
    expect(await db.emailSuppression.findUnique({ where: { emailHash: emailHash(b.u.email) } })).toMatchObject({ reason: "complaint" });
  });

  it("process a message id once", async () => {
    const { d, providerMessageId } = await sentEmail();
    const first = await hook({ type: "email.delivered", data: { email_id: providerMessageId } });
    await db.delivery.update({ where: { id: d.id }, data: { status: "SENT" } }); // so a second apply would show
    const again = await hook({ type: "email.delivered", data: { email_id: providerMessageId } }, { id: first.id });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(await status(d.id)).toBe("SENT");
  });

  it("refuse a wrong signature, another secret, a stale timestamp and a tampered body, changing nothing", async () => {
    const { d, providerMessageId } = await sentEmail();
    const event = { type: "email.delivered", data: { email_id: providerMessageId } };
    expect((await hook(event, { signature: "v1,AAAA" })).status).toBe(401);
    expect((await hook(event, { key: randomBytes(24) })).status).toBe(401);
    expect((await hook(event, { ts: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
    const id = `msg_${randomUUID()}`;
    const ts = Math.floor(Date.now() / 1000);
    const res = await POST(
      new Request("http://localhost/api/webhooks/resend", {
        method: "POST",
        headers: { "svix-id": id, "svix-timestamp": String(ts), "svix-signature": sign(id, ts, JSON.stringify(event)) },
        body: JSON.stringify({ ...event, type: "email.complained" }),
      }),
    );
    expect(res.status).toBe(401);
    expect(await status(d.id)).toBe("SENT");
  });
});

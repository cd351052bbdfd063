/**
 * Issue 12 "Unsubscribe links only ever reduce mail", for newsletter subscribers (no account): a link
 * unsubscribes at any time; it may undo only its own unsubscribe, once, within 10 minutes; after that,
 * coming back means signing up again (double opt-in).
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { POST } from "../../../app/api/unsubscribe/[token]/route";
import { applyNewsletterUnsubscribe, newsletterUnsubscribeState, newsletterUnsubscribeToken } from "./newsletter";

const MIN = 60_000;

async function subscriber(status: "CONFIRMED" | "PENDING" | "UNSUBSCRIBED" = "CONFIRMED") {
  return db.newsletterSubscriber.create({
    data: { email: `nl-${randomUUID()}@herald.test`, status, confirmedAt: status === "CONFIRMED" ? new Date() : null, unsubscribedAt: status === "UNSUBSCRIBED" ? new Date() : null },
  });
}
const statusOf = async (id: string) => (await db.newsletterSubscriber.findUniqueOrThrow({ where: { id } })).status;

describe("newsletter unsubscribe links", () => {
  it("unsubscribe, then undo from the same link within 10 minutes, once", async () => {
    const s = await subscriber();
    const token = newsletterUnsubscribeToken(s.id, randomUUID());
    const t0 = new Date();
    expect(await applyNewsletterUnsubscribe(token, "unsubscribe", t0)).toMatchObject({ changed: true, undoUntil: new Date(t0.getTime() + 10 * MIN).toISOString() });
    expect(await statusOf(s.id)).toBe("UNSUBSCRIBED");
    expect(await newsletterUnsubscribeState(token)).toMatchObject({ unsubscribed: true, undoUntil: expect.any(String) });
    await applyNewsletterUnsubscribe(token, "resubscribe", new Date(t0.getTime() + 5 * MIN));
    expect(await statusOf(s.id)).toBe("CONFIRMED");
    await expect(applyNewsletterUnsubscribe(token, "resubscribe", new Date(t0.getTime() + 6 * MIN))).rejects.toMatchObject({ code: "PERMISSION_DENIED", details: { sign_in: "/newsletter" } });
  });

  it("after the window, or for an unsubscribe made elsewhere or by another link, resubscribing is refused (403)", async () => {
    const late = await subscriber();
    const lateToken = newsletterUnsubscribeToken(late.id);
    await applyNewsletterUnsubscribe(lateToken, "unsubscribe", new Date(Date.now() - 11 * MIN));
    const res = await POST(
      new Request(`http://localhost/api/unsubscribe/${lateToken}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: "resubscribe", scope: "all" }) }),
      { params: Promise.resolve({ token: lateToken }) },
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "PERMISSION_DENIED", details: { sign_in: "/newsletter" } } });
    expect(await statusOf(late.id)).toBe("UNSUBSCRIBED");
    expect(await newsletterUnsubscribeState(lateToken)).toMatchObject({ unsubscribed: true, undoUntil: null });

    const elsewhere = await subscriber("UNSUBSCRIBED");
    await expect(applyNewsletterUnsubscribe(newsletterUnsubscribeToken(elsewhere.id), "resubscribe")).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
    expect(await statusOf(elsewhere.id)).toBe("UNSUBSCRIBED");

    const s = await subscriber();
    const fromOneEmail = newsletterUnsubscribeToken(s.id, randomUUID());
    const fromAnother = newsletterUnsubscribeToken(s.id, randomUUID());
    await applyNewsletterUnsubscribe(fromOneEmail, "unsubscribe");
    await expect(applyNewsletterUnsubscribe(fromAnother, "resubscribe")).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
    expect(await statusOf(s.id)).toBe("UNSUBSCRIBED");
  });

  it("an undo restores the status it changed (a pending signup stays pending, never confirmed by a link)", async () => {
    const s = await subscriber("PENDING");
    const token = newsletterUnsubscribeToken(s.id);
    await applyNewsletterUnsubscribe(token, "unsubscribe");
    await applyNewsletterUnsubscribe(token, "resubscribe");
    expect(await statusOf(s.id)).toBe("PENDING");
  });
});

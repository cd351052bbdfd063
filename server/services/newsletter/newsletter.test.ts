/**
 * The newsletter (issue 6; docs/requirements.md R14.7) against the real database, email captured: double opt-in signup
 * (no enumeration, resend throttle, honeypot, suppression, per-IP limit), confirmation links (expiry,
 * reuse), newsletter campaigns (only confirmed, unsuppressed subscribers; nothing twice), the one-click
 * unsubscribe (RFC 8058) and click tracking for subscribers without accounts.
 */
import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppJobs } from "@/test/app-jobs";
import { createUser } from "@/prisma/factory";
import { db } from "@/server/db";
import type * as Newsletter from "./newsletter";
import type * as Campaigns from "../campaigns/campaigns";
import type * as Send from "../campaigns/send-campaign";

let jobs: Awaited<ReturnType<typeof startAppJobs>>;
let nl: typeof Newsletter;
let campaigns: typeof Campaigns;
let send: typeof Send;
beforeAll(async () => {
  jobs = await startAppJobs();
  [nl, campaigns, send] = await Promise.all([import("./newsletter"), import("../campaigns/campaigns"), import("../campaigns/send-campaign")]);
});
afterAll(async () => {
  await jobs?.stop();
});

const address = () => `nl-${randomUUID().slice(0, 8)}@example.org`;
const ip = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const mailTo = (email: string) => db.capturedEmail.findMany({ where: { to: email }, orderBy: { createdAt: "asc" } });
const tokenIn = (html: string) => /\/newsletter\/confirm\/([^"<\s]+)/.exec(html)?.[1] ?? null;

describe("signup and double opt-in", () => {
  it("emails a confirmation link; only the link's click confirms, once; the same answer every time", async () => {
    const email = address();
    const at = new Date();
    expect(await nl.signUpForNewsletter({ email: email.toUpperCase(), name: "Lerato Mokoena" }, { ip: ip(), at })).toEqual({ status: "check_inbox" });
    const row = await db.newsletterSubscriber.findUniqueOrThrow({ where: { email } });
    expect(row).toMatchObject({ status: "PENDING", name: "Lerato Mokoena" });
    const [mail] = await mailTo(email);
    expect(mail!.subject).toBe("Confirm your Herald newsletter subscription");
    expect(mail!.html).toContain("Lerato");
    expect(mail!.headers).not.toHaveProperty("List-Unsubscribe");
    const token = tokenIn(mail!.html)!;
    expect(token).toBeTruthy();

    // Signing up again within 10 minutes: same answer, no second email.
    expect(await nl.signUpForNewsletter({ email }, { ip: ip(), at: new Date(at.getTime() + 60_000) })).toEqual({ status: "check_inbox" });
    expect(await mailTo(email)).toHaveLength(1);

    expect(await nl.confirmationState(token)).toMatchObject({ expired: false, confirmed: false, email: expect.stringMatching(/^nl…@example\.org$/) });
    expect(await nl.confirmNewsletter(`${token.slice(0, -2)}xx`)).toBe("invalid");
    expect(await nl.confirmNewsletter(token, new Date(at.getTime() + 73 * 3_600_000))).toBe("expired");
    expect((await db.newsletterSubscriber.findUniqueOrThrow({ where: { email } })).status).toBe("PENDING");
    expect(await nl.confirmNewsletter(token, new Date(at.getTime() + 3_600_000))).toBe("confirmed");
    expect(await nl.confirmNewsletter(token, new Date(at.getTime() + 3_600_000))).toBe("already_confirmed");
    expect((await db.newsletterSubscriber.findUniqueOrThrow({ where: { email } })).status).toBe("CONFIRMED");

    // A confirmed address signing up again gets the same answer and no email.
    expect(await nl.signUpForNewsletter({ email }, { ip: ip(), at: new Date(at.getTime() + 86_400_000) })).toEqual({ status: "check_inbox" });
    expect(await mailTo(email)).toHaveLength(1);
  });

  it("re-sends after 10 minutes; a link issued before an unsubscribe no longer confirms", async () => {
    const email = address();
    const at = new Date(Date.now() - 3_600_000);
    await nl.signUpForNewsletter({ email }, { ip: ip(), at });
    await nl.signUpForNewsletter({ email }, { ip: ip(), at: new Date(at.getTime() + 11 * 60_000) });
    const mails = await mailTo(email);
    expect(mails).toHaveLength(2);
    const first = tokenIn(mails[0]!.html)!;
    const s = await db.newsletterSubscriber.findUniqueOrThrow({ where: { email } });
    await db.newsletterSubscriber.update({ where: { id: s.id }, data: { status: "UNSUBSCRIBED", unsubscribedAt: new Date(at.getTime() + 20 * 60_000) } });
    expect(await nl.confirmNewsletter(first)).toBe("invalid");
    expect((await db.newsletterSubscriber.findUniqueOrThrow({ where: { email } })).status).toBe("UNSUBSCRIBED");
  });

  it("suppressed addresses and honeypot submissions get the same answer and nothing happens", async () => {
    const suppressed = address();
    await db.emailSuppression.create({ data: { emailHash: createHash("sha256").update(suppressed).digest("hex"), reason: "complaint" } });
    expect(await nl.signUpForNewsletter({ email: suppressed }, { ip: ip() })).toEqual({ status: "check_inbox" });
    const bot = address();
    expect(await nl.signUpForNewsletter({ email: bot, website: "http://spam.example" }, { ip: ip() })).toEqual({ status: "check_inbox" });
    for (const e of [suppressed, bot]) {
      expect(await db.newsletterSubscriber.findUnique({ where: { email: e } })).toBeNull();
      expect(await mailTo(e)).toHaveLength(0);
    }
  });

  it("refuses bad input with field errors and limits signups per IP", async () => {
    await expect(nl.signUpForNewsletter({ email: "not-an-email" }, { ip: ip() })).rejects.toMatchObject({ code: "VALIDATION_ERROR", details: { email: expect.any(Array) } });
    await expect(nl.signUpForNewsletter({ email: address(), extra: 1 } as never, { ip: ip() })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    const from = ip();
    const at = new Date();
    for (let i = 0; i < nl.SIGNUPS_PER_IP_PER_HOUR; i++) await nl.signUpForNewsletter({ email: address() }, { ip: from, at });
    const last = address();
    await expect(nl.signUpForNewsletter({ email: last }, { ip: from, at })).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect(await db.newsletterSubscriber.findUnique({ where: { email: last } })).toBeNull();
  });

  it("the HTTP routes answer in the house error format (docs/requirements.md R15.4) and confirm only on POST", async () => {
    const { POST: signup } = await import("@/app/api/newsletter/route");
    const { POST: confirm } = await import("@/app/api/newsletter/confirm/route");
    const email = address();
    const post = (body: unknown) =>
      signup(new Request("http://localhost/api/newsletter", { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": ip() }, body: JSON.stringify(body) }));
    const ok = await post({ email });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ status: "check_inbox" });
    const bad = await post({ email: "nope" });
    expect(bad.status).toBe(400);
    const badBody = await bad.json();
    expect(badBody).toMatchObject({ error: { code: "VALIDATION_ERROR", details: { email: expect.any(Array) } } });
    // The form shows the refusal in the browser's language.
    const zu = await signup(new Request("http://localhost/api/newsletter", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip(), "accept-language": "zu-ZA" },
      body: JSON.stringify({ email: "nope" }),
    }));
    const zuBody = await zu.json();
    expect(zuBody.error.code).toBe("VALIDATION_ERROR");
    expect(zuBody.error.message).not.toBe(badBody.error.message);
    const token = tokenIn((await mailTo(email))[0]!.html)!;
    const badConfirm = await confirm(new Request("http://localhost/api/newsletter/confirm", { method: "POST", body: JSON.stringify({ token: "x.y" }) }));
    expect(badConfirm.status).toBe(400);
    const res = await confirm(new Request("http://localhost/api/newsletter/confirm", { method: "POST", body: JSON.stringify({ token }) }));
    expect(await res.json()).toEqual({ outcome: "confirmed" });
  });
});

describe("newsletter campaigns", () => {
  /** Confirmed, pending, unsubscribed and confirmed-but-suppressed subscribers. */
  async function subscribers() {
    const mk = (status: "PENDING" | "CONFIRMED" | "UNSUBSCRIBED", name: string | null = null) =>
      db.newsletterSubscriber.create({ data: { email: address(), status, name, confirmedAt: status === "PENDING" ? null : new Date() } });
    const [a, b, pending, gone, supp] = await Promise.all([mk("CONFIRMED", "Ayanda Zulu"), mk("CONFIRMED"), mk("PENDING"), mk("UNSUBSCRIBED"), mk("CONFIRMED")]);
    await db.emailSuppression.create({ data: { emailHash: createHash("sha256").update(supp!.email).digest("hex"), reason: "hard_bounce" } });
    return { confirmed: [a!, b!], pending: pending!, gone: gone!, supp: supp! };
  }
  const draft = (extra: Partial<Campaigns.CampaignDraftInput> = {}): Campaigns.CampaignDraftInput => ({
    name: "July newsletter",
    emailSubject: "July at Herald",
    emailBody: "Hello! [Read the story](https://example.org/story) or [see businesses](/businesses).",
    channels: ["EMAIL"],
    audience: { kind: "newsletter" },
    ...extra,
  });

  it("must be email only and not critical", async () => {
    const me = await createUser(db, { role: "ADMIN" });
    await expect(campaigns.createCampaign(me.id, draft({ channels: ["IN_APP", "EMAIL"], inAppTitle: "Hi" }))).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: { channels: expect.any(Array) },
    });
    await expect(campaigns.createCampaign(me.id, draft({ critical: true }))).rejects.toMatchObject({ details: { critical: expect.any(Array) } });
    await expect(campaigns.createCampaign(me.id, draft({ emailBody: "" }))).rejects.toMatchObject({ details: { emailBody: ["Required"] } });
  });

  it("reaches confirmed, unsuppressed subscribers once each; they unsubscribe in one click and clicks are tracked", async () => {
    const { confirmed, pending, gone, supp } = await subscribers();
    const me = await createUser(db, { role: "ADMIN" });
    const c = await campaigns.createCampaign(me.id, draft());
    await campaigns.sendCampaignNow(me.id, c.id);
    await jobs.executor.idle();
    expect((await campaigns.getCampaign(c.id)).status).toBe("SENT");
    for (const s of confirmed) {
      const mails = await mailTo(s.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe("July at Herald");
      expect(mails[0]!.headers).toMatchObject({ "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
    }
    expect((await mailTo(confirmed[0]!.email))[0]!.html).toContain("Ayanda");
    for (const s of [pending, gone, supp]) expect(await mailTo(s.email)).toHaveLength(0);
    const rows = await db.newsletterDelivery.findMany({ where: { campaignId: c.id, subscriberId: { in: [...confirmed, supp].map((s) => s.id) } } });
    expect(rows.filter((r) => r.status === "SENT")).toHaveLength(2);
    expect(rows.find((r) => r.subscriberId === supp.id)).toMatchObject({ status: "SKIPPED", reason: "suppressed" });
    expect(await db.newsletterDelivery.count({ where: { campaignId: c.id, subscriberId: { in: [pending.id, gone.id] } } })).toBe(0);
    const progress = await send.campaignProgress(c.id);
    expect(progress.sent).toBeGreaterThanOrEqual(2);
    expect(progress.recipients).toBe(progress.sent + progress.skipped + progress.failed + progress.queued + progress.held);

    // Re-running the chunk (crash and resume) sends nothing twice.
    await db.campaign.update({ where: { id: c.id }, data: { status: "SENDING" } });
    const all = { afterUserId: null, throughUserId: null };
    await send.deliverCampaignChunk(c.id, all);
    await send.sendCampaignEmails(c.id, all);
    for (const s of confirmed) expect(await mailTo(s.email)).toHaveLength(1);

    // Click tracking: the tracked link of the first subscriber's email.
    const html = (await mailTo(confirmed[0]!.email))[0]!.html;
    const click = /\/r\/([^"?&]+)\?u=([^"&]+)/.exec(html.replaceAll("&amp;", "&"))!;
    const { recordClick } = await import("../email/click-tracking");
    expect(await recordClick(click[1]!, decodeURIComponent(click[2]!))).toMatch(/^https:\/\/example\.org\/story|\/businesses$/);
    expect((await db.newsletterDelivery.findFirstOrThrow({ where: { campaignId: c.id, subscriberId: confirmed[0]!.id } })).clickedAt).not.toBeNull();

    // One-click unsubscribe (RFC 8058) with the List-Unsubscribe URL of the email.
    const mail = (await mailTo(confirmed[1]!.email))[0]!;
    const url = /<([^>]+)>/.exec((mail.headers as Record<string, string>)["List-Unsubscribe"]!)![1]!;
    const token = url.split("/unsubscribe/")[1]!;
    const { POST } = await import("@/app/api/unsubscribe/[token]/route");
    const res = await POST(new Request(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" }), {
      params: Promise.resolve({ token }),
    });
    expect(res.status).toBe(200);
    expect((await db.newsletterSubscriber.findUniqueOrThrow({ where: { id: confirmed[1]!.id } })).status).toBe("UNSUBSCRIBED");
    expect((await db.newsletterDelivery.findFirstOrThrow({ where: { campaignId: c.id, subscriberId: confirmed[1]!.id } })).unsubscribedAt).not.toBeNull();
    expect(await nl.newsletterUnsubscribeState(token)).toMatchObject({ unsubscribed: true });
    // A newsletter token cannot act on an account, and a forged one changes nothing.
    expect(await nl.applyNewsletterUnsubscribe(`${token.slice(0, -3)}abc`, "resubscribe")).toBeNull();
    expect((await db.newsletterSubscriber.findUniqueOrThrow({ where: { id: confirmed[1]!.id } })).status).toBe("UNSUBSCRIBED");

    // Analytics count newsletter emails like any others (no inbox card: read rate unknown).
    const { campaignMetrics } = await import("../analytics/analytics");
    // (Subscribers confirmed by the other tests in this file are on the list too: count from the rows.)
    const rowsNow = await db.newsletterDelivery.findMany({ where: { campaignId: c.id } });
    const sentRows = rowsNow.filter((r) => r.status === "SENT").length;
    const m = await campaignMetrics(c.id);
    expect(m.metrics).toMatchObject({ recipients: rowsNow.length, inApp: 0, sent: sentRows, clicked: 1, unsubscribed: 1, clickThroughRate: 1 / sentRows, readRate: null });
  });
});

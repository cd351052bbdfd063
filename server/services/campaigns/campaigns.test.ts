/**
 * Campaigns (issue 6) against the real database, with the app's real functions in the embedded executor
 * (email captured): audiences, sending with preferences/unsubscribes/suppression honoured, critical
 * campaigns, scheduling limits, pause/resume/cancel, re-running chunks without duplicates, the hourly bulk
 * limit and the audit log.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppJobs } from "@/test/app-jobs";
import { createBusiness, createUser, follow } from "@/prisma/factory";
import { db } from "@/server/db";
import type * as Campaigns from "./campaigns";
import type * as Send from "./send-campaign";
import type * as Audience from "./audience";

let jobs: Awaited<ReturnType<typeof startAppJobs>>;
let svc: typeof Campaigns;
let send: typeof Send;
let aud: typeof Audience;
beforeAll(async () => {
  jobs = await startAppJobs();
  [svc, send, aud] = await Promise.all([import("./campaigns"), import("./send-campaign"), import("./audience")]);
});
afterAll(async () => {
  await jobs?.stop();
});

const admin = () => createUser(db, { role: "ADMIN" });
const hash = (email: string) => createHash("sha256").update(email.toLowerCase()).digest("hex");

/** A business with five followers: two reachable customers, an NGO, one unsubscribed, one suppressed. */
async function followed() {
  const { business } = await createBusiness(db);
  const [a, b, ngo, unsub, supp] = await Promise.all([
    createUser(db),
    createUser(db),
    createUser(db, { role: "NGO" }),
    createUser(db),
    createUser(db),
  ]);
  for (const u of [a!, b!, ngo!, unsub!, supp!]) await follow(db, u.id, business.id);
  await db.notificationSettings.create({ data: { userId: unsub!.id, emailUnsubscribedAt: new Date(), quietHoursStart: null, quietHoursEnd: null } });
  for (const u of [a!, b!, ngo!, supp!]) await db.notificationSettings.create({ data: { userId: u.id, quietHoursStart: null, quietHoursEnd: null } });
  await db.emailSuppression.create({ data: { emailHash: hash(supp!.email), reason: "complaint" } });
  return { business, reachable: [a!, b!, ngo!], unsub: unsub!, supp: supp! };
}

const draft = (businessId: string, extra: Partial<Campaigns.CampaignDraftInput> = {}): Campaigns.CampaignDraftInput => ({
  name: "Winter drive",
  inAppTitle: "Winter food drive",
  inAppBody: "Double the pickups all July",
  emailSubject: "Winter food drive: double the pickups",
  emailBody: "Help us **double** the pickups. [Find businesses](/businesses)",
  channels: ["IN_APP", "EMAIL"],
  audience: { kind: "followers", businessId },
  ...extra,
});

const mailTo = (email: string) => db.capturedEmail.findMany({ where: { to: email } });

describe("audiences", () => {
  it("count each kind, with email reach excluding unsubscribed and suppressed people (not for critical campaigns)", async () => {
    const { business } = await followed();
    expect(await aud.countAudience({ kind: "followers", businessId: business.id })).toEqual({ people: 5, email: 3 });
    expect(await aud.countAudience({ kind: "followers", businessId: business.id }, { critical: true })).toEqual({ people: 5, email: 5 });
    // Other test files add users meanwhile, so the global kinds are checked on known people.
    const a1 = await admin();
    const cust = await createUser(db);
    const off = await createUser(db);
    await db.notificationPreference.create({ data: { userId: off.id, category: "announcements", channel: "EMAIL", enabled: false } });
    const among = async (a: Audience.AccountAudience) => {
      const ids = [a1.id, cust.id, off.id];
      const rows = await db.$queryRaw<{ id: string }[]>`SELECT u.id FROM users u WHERE u.id = ANY(${ids}::uuid[]) AND ${aud.audienceCondition(a)}`;
      return rows.map((r) => r.id).sort();
    };
    expect(await among({ kind: "everyone" })).toEqual([a1.id, cust.id, off.id].sort());
    expect(await among({ kind: "role", role: "ADMIN" })).toEqual([a1.id]);
    expect(await among({ kind: "role", role: "CUSTOMER" })).toEqual([cust.id, off.id].sort());
    expect(await among({ kind: "category", category: "announcements" })).toEqual([a1.id, cust.id].sort());
  });
});

describe("the campaign list's grouped counts", () => {
  it("countAudiences answers what countAudience answers for each, in one pass, with null for a deleted segment", async () => {
    const { business } = await followed();
    const me = await admin();
    const segment = await db.segment.create({ data: { name: `gone ${Date.now()}`, filters: { roles: ["NGO"] }, createdById: me.id } });
    await db.segment.delete({ where: { id: segment.id } });
    const list = [
      { audience: { kind: "followers", businessId: business.id } as const },
      { audience: { kind: "followers", businessId: business.id } as const, critical: true },
      { audience: { kind: "segment", segmentId: segment.id } as const },
      { audience: { kind: "newsletter" } as const },
    ];
    const one = await aud.countAudiences(list);
    expect(one).toEqual([{ people: 5, email: 3 }, { people: 5, email: 5 }, null, await aud.countAudience({ kind: "newsletter" })]);
  });

  it("campaignProgressMany answers each campaign's campaignProgress, zeros for one not sent", async () => {
    const { business } = await followed();
    const me = await admin();
    const sent = await svc.createCampaign(me.id, draft(business.id));
    await svc.sendCampaignNow(me.id, sent.id);
    await jobs.executor.idle();
    const drafted = await svc.createCampaign(me.id, draft(business.id));
    const many = await send.campaignProgressMany([sent.id, drafted.id]);
    expect(many.get(sent.id)).toEqual(await send.campaignProgress(sent.id));
    expect(many.get(sent.id)).toMatchObject({ recipients: 5, sent: 3, skipped: 2 });
    expect(Object.values(many.get(drafted.id)!)).toEqual(Array(10).fill(0));
  });
});

describe("sending", () => {
  it("fans out in-app to the whole audience and emails only those email may reach, then reports progress", async () => {
    const { business, reachable, unsub, supp } = await followed();
    const me = await admin();
    const c = await svc.createCampaign(me.id, draft(business.id));
    await svc.sendCampaignNow(me.id, c.id);
    await jobs.executor.idle();
    expect((await svc.getCampaign(c.id)).status).toBe("SENT");
    expect(await db.notification.count({ where: { campaignId: c.id } })).toBe(5);
    for (const u of reachable) {
      const [mail] = await mailTo(u.email);
      expect(mail!.subject).toBe("Winter food drive: double the pickups");
      expect(mail!.html).toContain("<strong>double</strong>");
      expect(mail!.headers).toMatchObject({ "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
    }
    expect(await mailTo(unsub.email)).toHaveLength(0);
    expect(await mailTo(supp.email)).toHaveLength(0);
    const progress = await send.campaignProgress(c.id);
    expect(progress).toMatchObject({ recipients: 5, sent: 3, skipped: 2, failed: 0, queued: 0 });
    const trail = await svc.campaignAudit(c.id);
    expect(trail.map((a) => a.action).sort()).toEqual(["campaign.create", "campaign.send"]);
  });

  it("a critical campaign reaches unsubscribed people too; an email-only one leaves no inbox card", async () => {
    const { business, unsub } = await followed();
    const me = await admin();
    const c = await svc.createCampaign(me.id, draft(business.id, { critical: true, channels: ["EMAIL"] }));
    await svc.sendCampaignNow(me.id, c.id);
    await jobs.executor.idle();
    expect(await mailTo(unsub.email)).toHaveLength(1);
    const unread = await db.notification.count({ where: { campaignId: c.id, archivedAt: null } });
    expect(unread).toBe(0);
  });

  it("re-running a chunk writes and sends nothing twice (crash and resume)", async () => {
    const { business, reachable } = await followed();
    const me = await admin();
    const c = await svc.createCampaign(me.id, draft(business.id));
    await svc.sendCampaignNow(me.id, c.id);
    await jobs.executor.idle();
    await db.campaign.update({ where: { id: c.id }, data: { status: "SENDING" } }); // as if the run died before "finish"
    const all = { afterUserId: null, throughUserId: null };
    expect(await send.deliverCampaignChunk(c.id, all)).toEqual({ inserted: 0, email: {} });
    expect(await send.sendCampaignEmails(c.id, all)).toEqual({});
    for (const u of reachable) expect(await mailTo(u.email)).toHaveLength(1);
  });
});

describe("languages", () => {
  it("each recipient gets the texts of their language, else the main ones, with an email's fixed words in the language of its text", async () => {
    const { business, reachable } = await followed();
    const [af, zu, unset] = reachable as [Awaited<ReturnType<typeof createUser>>, Awaited<ReturnType<typeof createUser>>, Awaited<ReturnType<typeof createUser>>];
    await db.user.update({ where: { id: af.id }, data: { locale: "af" } });
    await db.user.update({ where: { id: zu.id }, data: { locale: "zu" } });
    const me = await admin();
    const c = await svc.createCampaign(me.id, draft(business.id, {
      translations: { af: { inAppTitle: "Wintervoedselveldtog", inAppBody: "Dubbel die afhalings in Julie", emailSubject: "Wintervoedselveldtog: dubbel die afhalings", emailBody: "Help ons om die afhalings te **verdubbel**." } },
    }));
    expect(c.locale).toBe("en"); // the platform's, when the draft names none
    await svc.sendCampaignNow(me.id, c.id);
    await jobs.executor.idle();

    const card = async (userId: string) => db.notification.findFirstOrThrow({ where: { campaignId: c.id, userId }, select: { title: true, body: true } });
    expect(await card(af.id)).toEqual({ title: "Wintervoedselveldtog", body: "Dubbel die afhalings in Julie" });
    expect(await card(zu.id)).toEqual({ title: "Winter food drive", body: "Double the pickups all July" }); // no isiZulu texts: the main ones
    expect(await card(unset.id)).toEqual({ title: "Winter food drive", body: "Double the pickups all July" });

    const [afMail] = await mailTo(af.email);
    expect(afMail!.subject).toBe("Wintervoedselveldtog: dubbel die afhalings");
    expect(afMail!.html).toContain('lang="af"');
    expect(afMail!.html).toContain("<strong>verdubbel</strong>");
    const [zuMail] = await mailTo(zu.email);
    expect(zuMail!.subject).toBe("Winter food drive: double the pickups");
    expect(zuMail!.html).toContain('lang="en"'); // English text, so English greeting and footer
  });

  it("refuses a translation in the campaign's own language and a channel's text without its pair, changing nothing", async () => {
    const { business } = await followed();
    const me = await admin();
    const before = await db.campaign.count();
    await expect(svc.createCampaign(me.id, draft(business.id, { locale: "af", translations: { af: { inAppTitle: "Hallo" } } }))).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: { translations: ["The main texts are in this language already"] },
    });
    await expect(svc.createCampaign(me.id, draft(business.id, { translations: { zu: { emailBody: "Umzimba kuphela" } } }))).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
    await expect(svc.createCampaign(me.id, draft(business.id, { translations: { fr: { inAppTitle: "Bonjour" } } as never }))).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
    expect(await db.campaign.count()).toBe(before);
  });

  it("previews and test-sends the email a reader of a language gets", async () => {
    const { business } = await followed();
    const me = await admin();
    const c = await svc.createCampaign(me.id, draft(business.id, { translations: { zu: { emailSubject: "Umkhankaso wasebusika", emailBody: "Sisize **kabili**." } } }));
    const zu = await svc.previewCampaignEmail({ emailSubject: "Umkhankaso wasebusika", emailBody: "Sisize **kabili**." }, me.name, "zu");
    expect(zu.subject).toBe("Umkhankaso wasebusika");
    expect(zu.html).toContain('lang="zu"');
    await svc.sendCampaignTest(me.id, c.id, "zu");
    await svc.sendCampaignTest(me.id, c.id, "af"); // no Afrikaans texts: the main email
    const sent = (await mailTo(me.email)).map((m) => m.subject).sort();
    expect(sent).toEqual(["[Test] Umkhankaso wasebusika", "[Test] Winter food drive: double the pickups"]);
  });
});

describe("campaign email rounds", () => {
  it("send in rounds, each after the last recipient of the one before; a recipient who turned email off since is SKIPPED", async () => {
    const { business, reachable } = await followed();
    const me = await admin();
    const c = await svc.createCampaign(me.id, draft(business.id));
    await db.campaign.update({ where: { id: c.id }, data: { status: "SENDING" } }); // the send run's own first step
    const all = { afterUserId: null, throughUserId: null };
    expect((await send.deliverCampaignChunk(c.id, all)).email).toMatchObject({ QUEUED: reachable.length });
    const [off, ...rest] = reachable;
    await db.notificationSettings.upsert({ where: { userId: off!.id }, create: { userId: off!.id, emailEnabled: false }, update: { emailEnabled: false } });
    expect(await send.sendCampaignEmails(c.id, all, { batch: 1 })).toEqual({ SKIPPED: 1, SENT: rest.length });
    expect(await mailTo(off!.email)).toHaveLength(0);
    for (const u of rest) expect(await mailTo(u.email)).toHaveLength(1);
    expect(await send.campaignProgress(c.id)).toMatchObject({ sent: rest.length, queued: 0 });
  });
});

describe("lifecycle", () => {
  it("pause holds the run before its next chunk; resume continues; cancel stops it for good", async () => {
    const { business } = await followed();
    const me = await admin();
    const { inngest } = await import("@/inngest/client");
    const { campaignSendRequested } = await import("@/server/events");
    // A run that finds its campaign paused waits for campaign/resumed before its next chunk.
    const paused = await svc.createCampaign(me.id, draft(business.id));
    await db.campaign.update({ where: { id: paused.id }, data: { status: "PAUSED" } });
    await inngest.send(campaignSendRequested.create({ campaignId: paused.id }));
    await jobs.executor.idle();
    expect(await db.notification.count({ where: { campaignId: paused.id } })).toBe(0);
    await expect(svc.pauseCampaign(me.id, paused.id)).rejects.toMatchObject({ code: "CONFLICT" }); // already paused
    await svc.resumeCampaign(me.id, paused.id);
    await jobs.executor.idle();
    expect((await svc.getCampaign(paused.id)).status).toBe("SENT");
    expect(await db.notification.count({ where: { campaignId: paused.id } })).toBe(5);

    const other = await followed();
    const cancelled = await svc.createCampaign(me.id, draft(other.business.id));
    await db.campaign.update({ where: { id: cancelled.id }, data: { status: "PAUSED" } });
    await inngest.send(campaignSendRequested.create({ campaignId: cancelled.id }));
    await jobs.executor.idle(); // the run waits for campaign/resumed
    await svc.cancelCampaign(me.id, cancelled.id);
    await jobs.executor.idle();
    expect((await svc.getCampaign(cancelled.id)).status).toBe("CANCELLED");
    expect(await db.notification.count({ where: { campaignId: cancelled.id } })).toBe(0);
    await expect(svc.resumeCampaign(me.id, cancelled.id)).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await svc.campaignAudit(cancelled.id)).map((a) => a.action)).toContain("campaign.cancel");
  });

  it("schedules up to 30 days ahead, starts on time, and refuses past or far dates and edits after sending", async () => {
    const { business } = await followed();
    const me = await admin();
    const c = await svc.createCampaign(me.id, draft(business.id));
    const now = new Date();
    await expect(svc.scheduleCampaign(me.id, c.id, new Date(now.getTime() - 60_000), "Africa/Johannesburg", now)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(svc.scheduleCampaign(me.id, c.id, new Date(now.getTime() + 31 * 86_400_000), "Africa/Johannesburg", now)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(svc.scheduleCampaign(me.id, c.id, new Date(now.getTime() + 3_600_000), "Mars/Olympus", now)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    const when = new Date(now.getTime() + 29 * 86_400_000);
    expect(await svc.scheduleCampaign(me.id, c.id, when, "Africa/Johannesburg", now)).toMatchObject({ status: "SCHEDULED", timezone: "Africa/Johannesburg" });
    expect(await svc.startDueCampaigns(new Date(when.getTime() - 60_000))).not.toContain(c.id);
    expect(await svc.startDueCampaigns(when)).toContain(c.id);
    await jobs.executor.idle();
    expect((await svc.getCampaign(c.id)).status).toBe("SENT");
    await expect(svc.updateCampaign(me.id, c.id, draft(business.id, { name: "Too late" }))).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("allows 5 campaign starts an hour per admin (R14.5) and validates drafts", async () => {
    const { business } = await followed();
    const me = await admin();
    await expect(svc.createCampaign(me.id, { ...draft(business.id), channels: [] })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(svc.createCampaign(me.id, { ...draft(business.id), audience: { kind: "followers", businessId: crypto.randomUUID() } })).rejects.toMatchObject({ code: "BUSINESS_NOT_FOUND" });
    await expect(svc.createCampaign(me.id, { ...draft(business.id), extra: 1 } as never)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    const at = new Date();
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await svc.createCampaign(me.id, draft(business.id, { channels: ["IN_APP"] }))).id);
    for (let i = 0; i < 5; i++) await svc.sendCampaignNow(me.id, ids[i]!, at);
    await expect(svc.sendCampaignNow(me.id, ids[5]!, at)).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect((await svc.getCampaign(ids[5]!)).status).toBe("DRAFT");
    await jobs.executor.idle();
  });

  it("previews the email and test-sends it to the admin only, leaving the campaign a draft", async () => {
    const { business, reachable } = await followed();
    const me = await admin();
    const c = await svc.createCampaign(me.id, draft(business.id));
    const preview = await svc.previewCampaignEmail(c, me.name);
    expect(preview.subject).toBe("Winter food drive: double the pickups");
    expect(preview.html).toContain("<strong>double</strong>");
    await svc.sendCampaignTest(me.id, c.id);
    const [mail, ...more] = await mailTo(me.email);
    expect(more).toHaveLength(0);
    expect(mail!.subject).toBe("[Test] Winter food drive: double the pickups");
    expect(await mailTo(reachable[0]!.email)).toHaveLength(0);
    expect((await svc.getCampaign(c.id)).status).toBe("DRAFT");
    expect((await svc.campaignAudit(c.id)).map((a) => a.action)).toContain("campaign.test_send");
  });

  it("tracks clicks through signed redirects (never open) and attributes one-click unsubscribes to the email", async () => {
    const { business, reachable } = await followed();
    const me = await admin();
    const body = "Read [the plan](https://example.org/plan) or [find businesses](/businesses).";
    const c = await svc.createCampaign(me.id, draft(business.id, { emailBody: body }));
    await svc.sendCampaignNow(me.id, c.id);
    await jobs.executor.idle();
    const user = reachable[0]!;
    const [mail] = await mailTo(user.email);
    const links = [...mail!.html.matchAll(/href="([^"]*\/r\/[^"]+)"/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));
    expect(links).toHaveLength(2);
    const { GET } = await import("@/app/r/[token]/route");
    const follow = async (href: string) => {
      const u = new URL(href);
      return GET(new Request(href), { params: Promise.resolve({ token: u.pathname.split("/").pop()! }) });
    };
    const external = await follow(links[0]!);
    expect(external.status).toBe(302);
    expect(external.headers.get("location")).toBe("https://example.org/plan");
    const n = await db.notification.findUniqueOrThrow({ where: { userId_dedupeKey: { userId: user.id, dedupeKey: `campaign:${c.id}` } } });
    const delivery = () => db.delivery.findUniqueOrThrow({ where: { notificationId_channel: { notificationId: n.id, channel: "EMAIL" } } });
    expect((await delivery()).clickedAt).not.toBeNull();
    // Not an open redirect: another target, or a forged token, goes nowhere.
    const evil = new URL(links[0]!);
    evil.searchParams.set("u", "https://evil.example/phish");
    expect((await follow(evil.href)).status).toBe(400);
    const forged = links[1]!.replace(/\.[\w-]{22}\?/, ".AAAAAAAAAAAAAAAAAAAAAA?");
    expect((await follow(forged)).status).toBe(400);
    // The List-Unsubscribe URL of this email records the unsubscribe on its delivery.
    const listUnsub = /<([^>]+)>/.exec((mail!.headers as Record<string, string>)["List-Unsubscribe"]!)![1]!;
    const { POST } = await import("@/app/api/unsubscribe/[token]/route");
    const r = await POST(new Request(listUnsub, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" }), {
      params: Promise.resolve({ token: listUnsub.split("/").pop()! }),
    });
    expect(r.status).toBe(200);
    expect((await delivery()).unsubscribedAt).not.toBeNull();
  });

  it("past 0.3% complaints in the last 30 days, a new send needs an explicit override (audited)", async () => {
    const { business } = await followed();
    const me = await admin();
    // A campaign "sent" at a far-future time of its own, so no other test's campaigns share its 30 days.
    const at = new Date("2095-03-01T12:00:00Z");
    const old = await db.campaign.create({
      data: { name: "Spammy", inAppTitle: "x", inAppBody: "", emailSubject: "x", emailBody: "x", channels: ["EMAIL"], audience: { kind: "everyone" }, status: "SENT", startedAt: new Date(at.getTime() - 86_400_000) },
    });
    const users = await Promise.all([1, 2, 3, 4].map(() => createUser(db)));
    for (const [i, u] of users.entries()) {
      const n = await db.notification.create({ data: { userId: u.id, type: "system_announcement", category: "announcements", title: "x", dedupeKey: `campaign:${old.id}`, campaignId: old.id } });
      await db.delivery.create({ data: { notificationId: n.id, userId: u.id, channel: "EMAIL", status: i === 0 ? "COMPLAINED" : "DELIVERED" } });
    }
    const c = await svc.createCampaign(me.id, draft(business.id, { channels: ["IN_APP"] }));
    await expect(svc.sendCampaignNow(me.id, c.id, at)).rejects.toMatchObject({ code: "CONFLICT", details: { reason: "COMPLAINT_RATE" } });
    expect((await svc.getCampaign(c.id)).status).toBe("DRAFT");
    await svc.sendCampaignNow(me.id, c.id, at, { override: true });
    const sent = (await svc.campaignAudit(c.id)).find((a) => a.action === "campaign.send");
    expect(sent?.details).toEqual({ complaintOverride: true });
    await jobs.executor.idle();
  });
});

/**
 * The campaigns router (issue 6) through createCaller against the real database: admins only, strict
 * inputs, local time + IANA zone → UTC for scheduling (daylight saving time included), and the services'
 * numbers passed through unchanged.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createBusiness, createUser, follow } from "@/prisma/factory";
import { db } from "@/server/db";
import { trpcCode as code } from "@/test/trpc";
import { countAudience } from "@/server/services/campaigns/audience";
import { createCaller } from "../root";
import { zonedLocalToUtc } from "@/server/services/campaigns/local-schedule";

type Role = "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN";
const as = (user: { id: string; role: Role; name?: string | null } | null) => createCaller({ user });
const admin = async () => {
  const u = await createUser(db, { role: "ADMIN", name: "Nomsa Admin" });
  return { user: u, api: as({ id: u.id, role: "ADMIN", name: u.name }) };
};
const NOWHERE = "00000000-0000-4000-8000-000000000000";

const draft = (extra: Record<string, unknown> = {}) => ({
  name: "Router drive",
  inAppTitle: "Winter food drive",
  inAppBody: "Double the pickups all July",
  emailSubject: "Winter food drive",
  emailBody: "Help us **double** the pickups.",
  channels: ["IN_APP", "EMAIL"] as ("IN_APP" | "EMAIL")[],
  audience: { kind: "role", role: "NGO" } as const,
  ...extra,
});

/** Every procedure, called with valid input. */
const calls = (api: ReturnType<typeof as>, id: string) => ({
  list: () => api.campaigns.list(),
  get: () => api.campaigns.get({ id }),
  audienceSize: () => api.campaigns.audienceSize({ audience: { kind: "everyone" }, critical: false }),
  businesses: () => api.campaigns.businesses({ query: "" }),
  create: () => api.campaigns.create(draft()),
  update: () => api.campaigns.update({ id, ...draft() }),
  preview: () => api.campaigns.preview({ emailSubject: "Hi", emailBody: "Hello" }),
  sendTest: () => api.campaigns.sendTest({ id }),
  sendNow: () => api.campaigns.sendNow({ id }),
  schedule: () => api.campaigns.schedule({ id, localDateTime: "2026-03-29T03:30", timeZone: "Europe/Berlin" }),
  pause: () => api.campaigns.pause({ id }),
  resume: () => api.campaigns.resume({ id }),
  cancel: () => api.campaigns.cancel({ id }),
});

afterEach(() => {
  vi.useRealTimers();
});

describe("campaigns router: who may call it", () => {
  it("refuses signed-out callers (UNAUTHORIZED) and every role but admin (FORBIDDEN), changing nothing", async () => {
    const { api } = await admin();
    const c = await api.campaigns.create(draft({ name: "Guarded campaign" }));
    for (const [name, call] of Object.entries(calls(as(null), c.id))) {
      expect(`${name}: ${await code(call())}`).toBe(`${name}: UNAUTHORIZED`);
    }
    for (const role of ["CUSTOMER", "NGO", "BUSINESS"] as const) {
      const u = await createUser(db, { role });
      for (const [name, call] of Object.entries(calls(as({ id: u.id, role }), c.id))) {
        expect(`${role} ${name}: ${await code(call())}`).toBe(`${role} ${name}: FORBIDDEN`);
      }
      expect(await db.campaign.count({ where: { createdById: u.id } })).toBe(0);
    }
    const after = await db.campaign.findUniqueOrThrow({ where: { id: c.id } });
    expect([after.status, after.name, after.scheduledAt]).toEqual(["DRAFT", "Guarded campaign", null]);
    expect(await db.auditLog.count({ where: { targetId: c.id } })).toBe(1); // only the admin's create
  });
});

describe("campaigns router: inputs", () => {
  it("refuses unknown keys on every input (BAD_REQUEST), including inside the audience", async () => {
    const { api, user } = await admin();
    const c = await api.campaigns.create(draft());
    const extra = { sneaky: true } as never;
    const refused = {
      get: () => api.campaigns.get({ id: c.id, ...(extra as object) }),
      audienceSize: () => api.campaigns.audienceSize({ audience: { kind: "everyone" }, critical: false, ...(extra as object) }),
      audienceNested: () => api.campaigns.audienceSize({ audience: { kind: "role", role: "NGO", ...(extra as object) }, critical: false }),
      businesses: () => api.campaigns.businesses({ query: "", ...(extra as object) }),
      create: () => api.campaigns.create({ ...draft(), ...(extra as object) }),
      update: () => api.campaigns.update({ id: c.id, ...draft({ name: "Changed" }), ...(extra as object) }),
      preview: () => api.campaigns.preview({ emailSubject: "Hi", emailBody: "Hello", ...(extra as object) }),
      sendTest: () => api.campaigns.sendTest({ id: c.id, ...(extra as object) }),
      sendNow: () => api.campaigns.sendNow({ id: c.id, ...(extra as object) }),
      schedule: () => api.campaigns.schedule({ id: c.id, localDateTime: "2026-12-01T10:00", timeZone: "UTC", ...(extra as object) }),
      pause: () => api.campaigns.pause({ id: c.id, ...(extra as object) }),
      resume: () => api.campaigns.resume({ id: c.id, ...(extra as object) }),
      cancel: () => api.campaigns.cancel({ id: c.id, ...(extra as object) }),
    };
    // One call at a time: each refusal is awaited as it happens (none is left unhandled while another runs).
    for (const [name, call] of Object.entries(refused)) expect(`${name}: ${await code(call())}`).toBe(`${name}: BAD_REQUEST`);
    // Malformed values too.
    expect(await code(api.campaigns.get({ id: "not-a-uuid" }))).toBe("BAD_REQUEST");
    expect(await code(api.campaigns.schedule({ id: c.id, localDateTime: "tomorrow at ten", timeZone: "UTC" }))).toBe("BAD_REQUEST");
    expect(await code(api.campaigns.schedule({ id: c.id, localDateTime: "2026-12-01T10:00", timeZone: "Mars/Olympus_Mons" }))).toBe("BAD_REQUEST");
    expect(await code(api.campaigns.schedule({ id: c.id, localDateTime: "2026-02-30T10:00", timeZone: "UTC" }))).toBe("BAD_REQUEST");
    expect(await code(api.campaigns.create(draft({ channels: [] })))).toBe("BAD_REQUEST");
    expect(await code(api.campaigns.create(draft({ audience: { kind: "followers", businessId: NOWHERE } })))).toBe("NOT_FOUND");
    const after = await db.campaign.findUniqueOrThrow({ where: { id: c.id } });
    expect([after.status, after.name]).toEqual(["DRAFT", "Router drive"]);
    expect(await db.campaign.count({ where: { createdById: user.id } })).toBe(1);
  });

  it("maps the services' errors: NOT_FOUND for an unknown campaign, CONFLICT for a state it cannot leave", async () => {
    const { api } = await admin();
    expect(await code(api.campaigns.get({ id: NOWHERE }))).toBe("NOT_FOUND");
    expect(await code(api.campaigns.pause({ id: NOWHERE }))).toBe("NOT_FOUND");
    const c = await api.campaigns.create(draft());
    expect(await code(api.campaigns.pause({ id: c.id }))).toBe("CONFLICT");
    expect(await code(api.campaigns.resume({ id: c.id }))).toBe("CONFLICT");
  });
});

describe("campaigns router: scheduling in the admin's time zone", () => {
  it("converts wall-clock time to UTC with the zone's daylight saving time (Europe/Berlin, 29 March 2026)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-03-20T12:00:00Z"));
    const { api } = await admin();
    const before = await api.campaigns.create(draft({ name: "Before the change" }));
    const after = await api.campaigns.create(draft({ name: "After the change" }));
    // Saturday 10:00 is CET (UTC+1); Sunday 10:00 is CEST (UTC+2).
    const s1 = await api.campaigns.schedule({ id: before.id, localDateTime: "2026-03-28T10:00", timeZone: "Europe/Berlin" });
    const s2 = await api.campaigns.schedule({ id: after.id, localDateTime: "2026-03-29T10:00", timeZone: "Europe/Berlin" });
    expect(s1.scheduledAt?.toISOString()).toBe("2026-03-28T09:00:00.000Z");
    expect(s2.scheduledAt?.toISOString()).toBe("2026-03-29T08:00:00.000Z");
    expect([s1.status, s2.timezone]).toEqual(["SCHEDULED", "Europe/Berlin"]);
    // The same wall-clock time elsewhere: Johannesburg has no daylight saving time.
    const jhb = await api.campaigns.schedule({ id: before.id, localDateTime: "2026-03-29T10:00:30", timeZone: "Africa/Johannesburg" });
    expect(jhb.scheduledAt?.toISOString()).toBe("2026-03-29T08:00:30.000Z");
    expect((await db.campaign.findUniqueOrThrow({ where: { id: after.id } })).scheduledAt?.toISOString()).toBe("2026-03-29T08:00:00.000Z");
  });

  it("refuses a time the clocks skip, and times past or over 30 days ahead, leaving the draft as it was", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-03-20T12:00:00Z"));
    const { api } = await admin();
    const c = await api.campaigns.create(draft());
    const skipped = api.campaigns.schedule({ id: c.id, localDateTime: "2026-03-29T02:30", timeZone: "Europe/Berlin" });
    await expect(skipped).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("does not exist in Europe/Berlin") });
    await expect(api.campaigns.schedule({ id: c.id, localDateTime: "2026-04-20T12:00", timeZone: "Europe/Berlin" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Campaigns can be scheduled at most 30 days ahead",
    });
    expect(await code(api.campaigns.schedule({ id: c.id, localDateTime: "2026-03-20T12:00", timeZone: "Europe/Berlin" }))).toBe("BAD_REQUEST");
    const row = await db.campaign.findUniqueOrThrow({ where: { id: c.id } });
    expect([row.status, row.scheduledAt]).toEqual(["DRAFT", null]);
  });

  it("zonedLocalToUtc: gaps are null, repeated times are their first occurrence, other zones and offsets", () => {
    const iso = (local: string, tz: string) => zonedLocalToUtc(local, tz)?.toISOString() ?? null;
    expect(iso("2026-03-29T01:59", "Europe/Berlin")).toBe("2026-03-29T00:59:00.000Z");
    expect(iso("2026-03-29T02:00", "Europe/Berlin")).toBeNull();
    expect(iso("2026-03-29T02:59", "Europe/Berlin")).toBeNull();
    expect(iso("2026-03-29T03:00", "Europe/Berlin")).toBe("2026-03-29T01:00:00.000Z");
    // Clocks go back on 25 October 2026: 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET).
    expect(iso("2026-10-25T02:30", "Europe/Berlin")).toBe("2026-10-25T00:30:00.000Z");
    expect(iso("2026-10-25T03:30", "Europe/Berlin")).toBe("2026-10-25T02:30:00.000Z");
    expect(iso("2026-03-08T02:30", "America/New_York")).toBeNull();
    expect(iso("2026-03-08T03:30", "America/New_York")).toBe("2026-03-08T07:30:00.000Z");
    expect(iso("2026-06-01T09:00", "Asia/Kolkata")).toBe("2026-06-01T03:30:00.000Z");
    expect(iso("2026-04-05T01:45", "Australia/Lord_Howe")).toBe("2026-04-04T14:45:00.000Z"); // +11 until 02:00, then +10:30
    expect(iso("2026-12-31T23:59:59", "UTC")).toBe("2026-12-31T23:59:59.000Z");
    expect(() => zonedLocalToUtc("2026-02-29T10:00", "UTC")).toThrow(RangeError);
  });
});

describe("campaigns router: reading and drafting", () => {
  it("audienceSize answers the service's numbers: people, and how many email reaches (all of them when critical)", async () => {
    const { api } = await admin();
    const { business } = await createBusiness(db, { name: `Audience Bakery ${crypto.randomUUID().slice(0, 6)}` });
    const [a, b, off] = [await createUser(db), await createUser(db, { role: "NGO" }), await createUser(db)];
    for (const u of [a, b, off]) await follow(db, u.id, business.id);
    await db.notificationSettings.create({ data: { userId: off.id, emailEnabled: false } });
    const audience = { kind: "followers", businessId: business.id } as const;
    expect(await api.campaigns.audienceSize({ audience, critical: false })).toEqual({ people: 3, email: 2 });
    expect(await api.campaigns.audienceSize({ audience, critical: true })).toEqual({ people: 3, email: 3 });
    const ngos = await api.campaigns.audienceSize({ audience: { kind: "role", role: "NGO" }, critical: false });
    expect(ngos).toEqual(await countAudience({ kind: "role", role: "NGO" }));
    expect(ngos.people).toBeGreaterThanOrEqual(1);
    // The picker finds the business by name, as { id, name } only.
    expect(await api.campaigns.businesses({ query: business.name })).toEqual([{ id: business.id, name: business.name }]);
  });

  it("creates, lists, gets (audience, progress, audit), updates, previews and test-sends a draft", async () => {
    const { api, user } = await admin();
    const c = await api.campaigns.create(draft());
    expect(c).toMatchObject({ status: "DRAFT", createdById: user.id, critical: false });
    const listed = (await api.campaigns.list()).find((x) => x.id === c.id);
    expect(listed).toMatchObject({ name: "Router drive", progress: { recipients: 0, sent: 0 }, audienceSize: await countAudience({ kind: "role", role: "NGO" }) });
    const updated = await api.campaigns.update({ id: c.id, ...draft({ name: "Renamed drive", critical: true, channels: ["IN_APP"] }) });
    expect([updated.name, updated.critical, updated.channels]).toEqual(["Renamed drive", true, ["IN_APP"]]);
    const got = await api.campaigns.get({ id: c.id });
    expect(got.campaign.name).toBe("Renamed drive");
    expect(got.audienceSize).toEqual(await countAudience({ kind: "role", role: "NGO" }, { critical: true }));
    expect(got.progress).toMatchObject({ recipients: 0, sent: 0, held: 0, failed: 0 });
    expect(got.audit.map((a) => a.action)).toEqual(["campaign.edit", "campaign.create"]);
    expect(got.audit[0]!.actor?.name).toBe("Nomsa Admin");

    const preview = await api.campaigns.preview({ emailSubject: "Winter <drive>", emailBody: "Help us **double** it." });
    expect(preview.subject).toBe("Winter <drive>");
    expect(preview.html).toContain("<strong>double</strong>");
    expect(preview.html).toContain("Nomsa"); // greeted with the admin's first name
    expect(preview.text).toContain("Help us double it.");

    await api.campaigns.sendTest({ id: c.id });
    const mails = await db.capturedEmail.findMany({ where: { to: user.email } });
    expect(mails.map((m) => m.subject)).toEqual(["[Test] Winter food drive"]);
    expect((await api.campaigns.get({ id: c.id })).campaign.status).toBe("DRAFT");
  });
});

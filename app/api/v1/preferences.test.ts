/** `GET/PUT /api/v1/preferences` through the real route handlers (docs/requirements.md R7.6 on Herald's model). */
import { describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { getPreferenceCenter } from "@/server/services/preferences/preferences";
import { GET, PUT } from "./preferences/route";
import { call, req, userWithToken } from "./_test/helpers";

const PATH = "/api/v1/preferences";
const cell = async (userId: string, category: string, channel: string) =>
  (await getPreferenceCenter(userId)).categories.find((c) => c.category === category)?.cells.find((c) => c.channel === channel)?.enabled;

describe("/api/v1/preferences", () => {
  it("GET answers the four flat booleans of R7.6 (catalog defaults) plus Herald's full model", async () => {
    const { token } = await userWithToken();
    const r = await call(GET, req("GET", PATH, { token }));
    expect(r.status).toBe(200);
    expect(r.body.preferences).toMatchObject({
      email_notifications: true,
      new_listing_notifications: true,
      promotional_notifications: true,
      weekly_digest: false,
      digest_cadence: "OFF",
      timezone: "Africa/Johannesburg",
      email_unsubscribed_at: null,
    });
    expect(r.body.preferences.categories.map((c: { category: string }) => c.category)).toContain("listings");
    expect(r.body.preferences.quiet_hours).toEqual({ enabled: true, start: "22:00", end: "07:00" });
  });

  it("PUT with the four flat booleans of R7.6 maps onto Herald's model and answers the new state", async () => {
    const { user, token } = await userWithToken();
    const body = { email_notifications: false, new_listing_notifications: false, promotional_notifications: false, weekly_digest: true };
    const r = await call(PUT, req("PUT", PATH, { token, body }));
    expect(r.status).toBe(200);
    expect(r.body.message).toBe("Notification preferences updated successfully");
    expect(r.body.preferences).toMatchObject({ ...body, digest_cadence: "WEEKLY" });
    const p = await getPreferenceCenter(user.id);
    expect(p.channels.find((c) => c.channel === "EMAIL")?.enabled).toBe(false);
    expect(await cell(user.id, "listings", "EMAIL")).toBe(false);
    expect(await cell(user.id, "announcements", "EMAIL")).toBe(false);
    expect(p.digestCadence).toBe("WEEKLY");
    expect((await call(GET, req("GET", PATH, { token }))).body.preferences).toMatchObject(body);
  });

  it("weekly_digest: false turns a weekly digest off but leaves a daily one", async () => {
    const { user, token } = await userWithToken();
    await call(PUT, req("PUT", PATH, { token, body: { weekly_digest: true } }));
    await call(PUT, req("PUT", PATH, { token, body: { weekly_digest: false } }));
    expect((await getPreferenceCenter(user.id)).digestCadence).toBe("OFF");
    await call(PUT, req("PUT", PATH, { token, body: { digest_cadence: "DAILY" } }));
    const r = await call(PUT, req("PUT", PATH, { token, body: { weekly_digest: false } }));
    expect(r.body.preferences).toMatchObject({ weekly_digest: false, digest_cadence: "DAILY" });
  });

  it("PUT accepts Herald's full shape (snake_case) in the same body", async () => {
    const { user, token } = await userWithToken();
    const r = await call(PUT, req("PUT", PATH, {
      token,
      body: { categories: [{ category: "business", channel: "EMAIL", enabled: true }], quiet_hours: { enabled: true, start: "23:00", end: "06:30" }, timezone: "Europe/Paris", new_listing_notifications: false },
    }));
    expect(r.status).toBe(200);
    expect(r.body.preferences).toMatchObject({ quiet_hours: { enabled: true, start: "23:00", end: "06:30" }, timezone: "Europe/Paris", new_listing_notifications: false });
    expect(await cell(user.id, "business", "EMAIL")).toBe(true);
  });

  it("locale: null until chosen; PUT sets the language Herald writes in, and refuses one it does not speak", async () => {
    const { user, token } = await userWithToken();
    expect((await call(GET, req("GET", PATH, { token }))).body.preferences.locale).toBeNull();
    const r = await call(PUT, req("PUT", PATH, { token, body: { locale: "zu" } }));
    expect(r.status).toBe(200);
    expect(r.body.preferences.locale).toBe("zu");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { locale: true } })).locale).toBe("zu");
    const bad = await call(PUT, req("PUT", PATH, { token, body: { locale: "fr" } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_ERROR");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { locale: true } })).locale).toBe("zu");
  });

  it("PUT answers 400 for unknown fields, wrong types, empty bodies and locked cells, and changes nothing", async () => {
    const { user, token } = await userWithToken();
    const before = await getPreferenceCenter(user.id);
    const unknown = await call(PUT, req("PUT", PATH, { token, body: { email_notifications: false, sms_notifications: true } }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual({ sms_notifications: ["Unknown field"] });
    expect((await call(PUT, req("PUT", PATH, { token, body: { email_notifications: "no" } }))).body.error.details).toHaveProperty("email_notifications");
    expect((await call(PUT, req("PUT", PATH, { token, body: {} }))).status).toBe(400);
    expect((await call(PUT, req("PUT", PATH, { token, body: { weekly_digest: true, digest_cadence: "DAILY" } }))).status).toBe(400);
    expect((await call(PUT, req("PUT", PATH, { token, body: { digestCadence: "DAILY" } }))).status).toBe(400);
    const locked = await call(PUT, req("PUT", PATH, { token, body: { categories: [{ category: "account", channel: "EMAIL", enabled: false }], email_notifications: false } }));
    expect(locked.status).toBe(400);
    expect(locked.body.error.code).toBe("VALIDATION_ERROR");
    expect(await getPreferenceCenter(user.id)).toEqual(before);
    expect(await db.notificationSettings.count({ where: { userId: user.id } })).toBe(0);
  });

  it("needs the preferences scope", async () => {
    const { token } = await userWithToken("CUSTOMER", ["notifications:read"]);
    expect((await call(GET, req("GET", PATH, { token }))).status).toBe(403);
    expect((await call(PUT, req("PUT", PATH, { token, body: { weekly_digest: true } }))).status).toBe(403);
  });
});

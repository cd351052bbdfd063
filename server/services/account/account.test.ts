/**
 * Data export and account deletion against the real database, the `account` tRPC router (createCaller) and
 * the export route handler (with a mocked next-auth session).
 */
import { createHash, randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { db } from "../../db";
import { createBusiness, createNotification, createUser, follow } from "../../../prisma/factory";
import { trpcCode as code } from "../../../test/trpc";
import { createCaller } from "../../trpc/root";
import { exportAccount, exportFilename } from "./export-account";
import { deleteAccount } from "./delete-account";

const session = vi.hoisted(() => ({ user: null as null | { id: string; role: "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN" } }));
vi.mock("../../auth", () => ({ currentUser: async () => session.user, requireUser: async () => session.user }));

const as = (user: { id: string; role: "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN" } | null) => createCaller({ user });
const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/** A user with a row in every table Herald keeps about people. */
async function populatedUser(opts: { role?: "CUSTOMER" | "ADMIN" | "NGO" } = {}) {
  const created = await createUser(db, { role: opts.role ?? "CUSTOMER" });
  // Issue 7: a verified phone (the profile's updated_at moves with it).
  const phone = `+2782${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
  const user = await db.user.update({ where: { id: created.id }, data: { phone, phoneVerifiedAt: new Date() } });
  const { business } = await createBusiness(db);
  await follow(db, user.id, business.id);
  await db.notificationSettings.create({ data: { userId: user.id, emailEnabled: false, digestCadence: "DAILY" } });
  await db.notificationPreference.create({ data: { userId: user.id, category: "business", channel: "EMAIL", enabled: false } });
  const notifications = [];
  for (let i = 0; i < 3; i++) notifications.push(await createNotification(db, { userId: user.id, businessId: business.id, createdAt: new Date(Date.now() - i * 60_000) }));
  const delivery = await db.delivery.create({ data: { notificationId: notifications[0]!.id, userId: user.id, channel: "EMAIL", status: "SENT", providerMessageId: `msg-${randomUUID()}` } });
  const tokenHash = sha256(randomUUID());
  const token = await db.personalAccessToken.create({ data: { userId: user.id, name: "Phone", tokenHash, prefix: "hrld_pat_abc", scopes: ["notifications:read"] } });
  const pickup = await db.pickup.create({
    data: { externalId: `ext-${randomUUID()}`, businessId: business.id, customerId: user.id, scheduledAt: new Date(Date.now() + 3_600_000), orderNumber: "A-1", items: [{ name: "Bread", quantity: 2 }] },
  });
  await db.digest.create({ data: { userId: user.id, cadence: "DAILY", windowDate: new Date("2026-05-04T00:00:00Z"), coversFrom: new Date("2026-05-03T00:00:00Z"), coversTo: new Date("2026-05-04T00:00:00Z"), notificationCount: 3 } });
  const mail = await db.capturedEmail.create({ data: { to: user.email.toUpperCase(), from: "Herald <n@herald.local>", subject: "Hi", html: "<p>Hi</p>", text: "Hi", idempotencyKey: `test:${randomUUID()}` } });
  // Issue 7: a browser with push, and what was captured for them.
  const device = await db.pushSubscription.create({ data: { userId: user.id, endpoint: `https://push.example/${randomUUID()}`, p256dh: "k", auth: "a", label: "Firefox on Linux" } });
  const push = await db.capturedPush.create({ data: { userId: user.id, endpoint: device.endpoint, payload: {}, ttl: 60, urgency: "normal", idempotencyKey: `test:${randomUUID()}` } });
  const text = await db.capturedSms.create({ data: { to: phone, body: "Herald: hi", segments: 1, idempotencyKey: `test:${randomUUID()}` } });
  // Issue 17: a native app's device registered for push (FCM).
  const nativeDevice = await db.nativeDevice.create({ data: { userId: user.id, token: `fcm-token-${randomUUID()}`, platform: "android", appVersion: "2.4.1", locale: "zu" } });
  // Issue 17: the platform's identity that signs in as this account.
  const identity = await db.oidcAccount.create({ data: { issuer: "https://idp.example", subject: `sub-${user.id}`, userId: user.id } });
  // Issue 16: a click on an action button, and the webhook delivery that told the platform about it.
  const click = await db.notificationClick.create({ data: { notificationId: notifications[0]!.id, userId: user.id, action: "reserve" } });
  const endpoint = await db.webhookEndpoint.create({ data: { url: "https://platform.example/hook", secret: "whsec_test", events: ["notification.action_clicked"] } });
  const hook = await db.webhookDelivery.create({
    data: { endpointId: endpoint.id, eventType: "notification.action_clicked", payload: { type: "notification.action_clicked", data: { user: { id: user.id, email: user.email } } } },
  });
  return { user, business, notifications, delivery, token, tokenHash, pickup, mail, phone, device, push, text, click, hook, nativeDevice, identity };
}

describe("data export", () => {
  it("contains the user's rows, none of another user's, and no password or token hash", async () => {
    const a = await populatedUser();
    const b = await populatedUser();
    const at = new Date("2026-05-04T10:00:00.000Z");
    const doc = await exportAccount(a.user.id, { now: at, batchSize: 2 }); // 3 notifications: two keyset pages

    expect(doc.exported_at).toBe("2026-05-04T10:00:00.000Z");
    expect(exportFilename(at)).toBe("herald-export-2026-05-04.json");
    expect(doc.profile).toEqual({
      id: a.user.id,
      email: a.user.email,
      name: a.user.name,
      role: "CUSTOMER",
      timezone: a.user.timezone,
      locale: null, // never chosen: the browser, then the platform, decide
      stripe_customer_id: null,
      email_verified_at: a.user.emailVerifiedAt!.toISOString(),
      created_at: a.user.createdAt.toISOString(),
      updated_at: a.user.updatedAt.toISOString(),
    });
    expect(doc.settings).toMatchObject({ email_enabled: false, digest_cadence: "DAILY" });
    expect(doc.preferences).toEqual([expect.objectContaining({ category: "business", channel: "EMAIL", enabled: false })]);
    expect(doc.follows).toEqual([expect.objectContaining({ business_id: a.business.id, business_name: a.business.name, deleted_at: null })]);
    expect(doc.notifications.map((n) => n.id)).toEqual(a.notifications.map((n) => n.id)); // newest first, each once
    expect(doc.deliveries).toEqual([expect.objectContaining({ id: a.delivery.id, notification_id: a.notifications[0]!.id, channel: "EMAIL", status: "SENT" })]);
    expect(doc.personal_access_tokens).toEqual([
      { id: a.token.id, name: "Phone", prefix: "hrld_pat_abc", scopes: ["notifications:read"], created_at: a.token.createdAt.toISOString(), last_used_at: null, expires_at: null, revoked_at: null },
    ]);
    expect(doc.pickups).toEqual([expect.objectContaining({ id: a.pickup.id, business_name: a.business.name, items: [{ name: "Bread", quantity: 2 }] })]);
    expect(doc.digests).toEqual([expect.objectContaining({ cadence: "DAILY", window_date: "2026-05-04", notification_count: 3 })]);
    expect(doc.captured_emails.map((m) => m.id)).toEqual([a.mail.id]);
    expect(doc.email_suppression).toBeNull();
    expect(doc.phone).toMatchObject({ number: a.phone, sms_opted_out_at: null });
    expect(doc.push_devices).toEqual([expect.objectContaining({ label: "Firefox on Linux", deactivated_at: null })]);
    expect(doc.sign_in_identities).toEqual([
      { issuer: "https://idp.example", subject: `sub-${a.user.id}`, created_at: a.identity.createdAt.toISOString(), last_login_at: a.identity.lastLoginAt.toISOString() },
    ]);
    expect(doc.native_devices).toEqual([
      {
        platform: "android",
        app_version: "2.4.1",
        locale: "zu",
        created_at: a.nativeDevice.createdAt.toISOString(),
        last_seen_at: a.nativeDevice.lastSeenAt.toISOString(),
        disabled_at: null,
        disabled_reason: null,
      },
    ]);
    expect(doc.notification_clicks).toEqual([{ notification_id: a.notifications[0]!.id, action: "reserve", clicked_at: a.click.clickedAt.toISOString() }]);

    const text = JSON.stringify(doc);
    expect(text).not.toContain(a.user.passwordHash);
    expect(text).not.toMatch(/password/i);
    expect(text).not.toContain(a.tokenHash);
    expect(text).not.toContain(a.nativeDevice.token); // the FCM registration token stays out of the export
    expect(text).not.toMatch(/token_hash|tokenHash/);
    for (const foreign of [b.user.id, b.user.email, b.delivery.id, b.token.id, b.pickup.id, b.mail.id, ...b.notifications.map((n) => n.id)]) {
      expect(text).not.toContain(foreign);
    }
  });

  it("streams a large inbox in keyset batches: every notification once, newest first", async () => {
    const u = await createUser(db);
    await db.$executeRaw`
      INSERT INTO notifications (user_id, type, category, title, dedupe_key, created_at)
      SELECT ${u.id}::uuid, 'business_update', 'business', 'n' || g, 'export:' || g,
             -- pairs share a timestamp so the id tie-break of the keyset is exercised
             now() - make_interval(secs => g / 2)
      FROM generate_series(1, 2501) g`;
    const doc = await exportAccount(u.id, { batchSize: 1000 });
    expect(doc.notifications).toHaveLength(2501);
    expect(new Set(doc.notifications.map((n) => n.id)).size).toBe(2501);
    const keys = doc.notifications.map((n) => `${n.created_at}|${n.id}`);
    expect(keys).toEqual([...keys].sort().reverse());
  });

  it("an empty account exports as valid JSON with empty lists; a missing one is NOT_FOUND", async () => {
    const u = await createUser(db);
    const doc = await exportAccount(u.id);
    expect(doc).toMatchObject({ format: "herald.account-export", version: 1, notifications: [], deliveries: [], follows: [], business: null, settings: null });
    await expect(exportAccount(randomUUID())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("GET /api/account/export", () => {
  it("answers 401 with a JSON error without a session", async () => {
    session.user = null;
    const { GET } = await import("../../../app/api/account/export/route");
    const res = await GET();
    expect(res.status).toBe(401);
    expect(res.headers.get("content-disposition")).toBeNull();
    expect(await res.json()).toEqual({ error: { code: "UNAUTHORIZED", message: "Sign in to download your data" } });
  });

  it("streams the signed-in user's export as an attachment", async () => {
    const a = await populatedUser();
    session.user = { id: a.user.id, role: "CUSTOMER" };
    const { GET } = await import("../../../app/api/account/export/route");
    const res = await GET();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="herald-export-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const doc = (await res.json()) as { profile: { id: string }; notifications: { id: string }[]; exported_at: string };
    expect(doc.profile.id).toBe(a.user.id);
    expect(doc.notifications).toHaveLength(3);
    expect(new Date(doc.exported_at).toISOString()).toBe(doc.exported_at);
    expect(res.headers.get("content-disposition")).toContain(`herald-export-${doc.exported_at.slice(0, 10)}.json`);
    session.user = null;
  });
});

describe("account deletion", () => {
  it("removes the user and every row attached to them, suppresses the address, and leaves others untouched", async () => {
    const a = await populatedUser();
    const b = await populatedUser();
    const otherMail = await db.capturedEmail.create({ data: { to: b.user.email, from: "x@herald.local", subject: "s", html: "h", text: "t", idempotencyKey: `test:${randomUUID()}` } });

    const result = await deleteAccount(a.user.id, { confirmEmail: `  ${a.user.email.toUpperCase()} ` });

    expect(result).toMatchObject({
      userId: a.user.id,
      businessName: null,
      removed: { notifications: 3, deliveries: 1, follows: 1, preferences: 1, personalAccessTokens: 1, pickups: 1, digests: 1, capturedEmails: 1 },
    });
    const where = { userId: a.user.id };
    expect(await db.user.count({ where: { id: a.user.id } })).toBe(0);
    expect(await db.notification.count({ where })).toBe(0);
    expect(await db.delivery.count({ where })).toBe(0);
    expect(await db.follow.count({ where })).toBe(0);
    expect(await db.notificationPreference.count({ where })).toBe(0);
    expect(await db.notificationSettings.count({ where })).toBe(0);
    expect(await db.personalAccessToken.count({ where })).toBe(0);
    expect(await db.digest.count({ where })).toBe(0);
    expect(await db.pickup.count({ where: { customerId: a.user.id } })).toBe(0);
    expect(await db.capturedEmail.count({ where: { id: a.mail.id } })).toBe(0);
    expect(await db.pushSubscription.count({ where })).toBe(0);
    expect(await db.nativeDevice.count({ where })).toBe(0);
    expect(await db.nativeDevice.count({ where: { id: b.nativeDevice.id } })).toBe(1);
    expect(await db.capturedPush.count({ where: { id: a.push.id } })).toBe(0);
    expect(await db.capturedSms.count({ where: { id: a.text.id } })).toBe(0);
    expect(await db.capturedSms.count({ where: { id: b.text.id } })).toBe(1);
    expect(await db.notificationClick.count({ where })).toBe(0);
    expect(await db.webhookDelivery.count({ where: { id: a.hook.id } })).toBe(0);
    expect(await db.webhookDelivery.count({ where: { id: b.hook.id } })).toBe(1);

    const suppression = await db.emailSuppression.findUnique({ where: { emailHash: sha256(a.user.email.toLowerCase()) } });
    expect(suppression?.reason).toBe("erased");
    expect(JSON.stringify(await db.emailSuppression.findMany())).not.toContain(a.user.email);

    // The other user and the business A followed are untouched.
    expect(await db.user.count({ where: { id: b.user.id } })).toBe(1);
    expect(await db.notification.count({ where: { userId: b.user.id } })).toBe(3);
    expect(await db.delivery.count({ where: { userId: b.user.id } })).toBe(1);
    expect(await db.follow.count({ where: { userId: b.user.id } })).toBe(1);
    expect(await db.personalAccessToken.count({ where: { userId: b.user.id } })).toBe(1);
    expect(await db.pickup.count({ where: { customerId: b.user.id } })).toBe(1);
    expect(await db.digest.count({ where: { userId: b.user.id } })).toBe(1);
    expect(await db.capturedEmail.count({ where: { id: { in: [b.mail.id, otherMail.id] } } })).toBe(2);
    expect(await db.business.count({ where: { id: a.business.id } })).toBe(1);
    expect(await db.emailSuppression.count({ where: { emailHash: sha256(b.user.email.toLowerCase()) } })).toBe(0);
  });

  it("a business owner's business goes with them; followers keep their notifications, without the link", async () => {
    const { owner, business } = await createBusiness(db);
    const fan = await createUser(db);
    await follow(db, fan.id, business.id);
    const listing = await db.listing.create({
      data: { businessId: business.id, title: "Bagels", priceCents: 100, pickupStart: new Date(), pickupEnd: new Date(Date.now() + 3_600_000), expiresAt: new Date(Date.now() + 3_600_000) },
    });
    const n = await createNotification(db, { userId: fan.id, businessId: business.id });
    await db.notification.update({ where: { id: n.id }, data: { actorId: owner.id } });

    const result = await deleteAccount(owner.id, { confirmEmail: owner.email });

    expect(result.businessName).toBe(business.name);
    expect(await db.business.count({ where: { id: business.id } })).toBe(0);
    expect(await db.listing.count({ where: { id: listing.id } })).toBe(0);
    expect(await db.follow.count({ where: { businessId: business.id } })).toBe(0);
    expect(await db.user.count({ where: { id: fan.id } })).toBe(1);
    expect(await db.notification.findUniqueOrThrow({ where: { id: n.id } })).toMatchObject({ businessId: null, actorId: null, title: n.title });
  });

  it("an existing suppression (hard bounce) is kept as one row and marked erased", async () => {
    const u = await createUser(db);
    await db.emailSuppression.create({ data: { emailHash: sha256(u.email.toLowerCase()), reason: "hard_bounce", createdAt: new Date("2026-01-01T00:00:00Z") } });
    await deleteAccount(u.id, { confirmEmail: u.email });
    const rows = await db.emailSuppression.findMany({ where: { emailHash: sha256(u.email.toLowerCase()) } });
    expect(rows).toEqual([expect.objectContaining({ reason: "erased", createdAt: new Date("2026-01-01T00:00:00Z") })]);
  });

  it("refuses a confirmation that is not the account's email, and deletes nothing", async () => {
    const a = await populatedUser();
    for (const confirmEmail of ["someone.else@herald.test", `${a.user.email}x`]) {
      await expect(deleteAccount(a.user.id, { confirmEmail })).rejects.toMatchObject({ code: "VALIDATION_ERROR", details: { reason: "CONFIRM_EMAIL_MISMATCH" } });
    }
    await expect(deleteAccount(a.user.id, { confirmEmail: "   " })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    expect(await db.user.count({ where: { id: a.user.id } })).toBe(1);
    expect(await db.notification.count({ where: { userId: a.user.id } })).toBe(3);
    expect(await db.capturedEmail.count({ where: { id: a.mail.id } })).toBe(1);
    expect(await db.emailSuppression.count({ where: { emailHash: sha256(a.user.email.toLowerCase()) } })).toBe(0);
  });

  it("refuses the last admin; an admin who is not the last may go", async () => {
    const first = await createUser(db, { role: "ADMIN" });
    const second = await createUser(db, { role: "ADMIN" });
    // Other test files' admins are demoted for this test (and restored), so `first` and `second` are all there is.
    const others = await db.user.findMany({ where: { role: "ADMIN", id: { notIn: [first.id, second.id] } }, select: { id: true } });
    await db.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { role: "NGO" } });
    try {
      await deleteAccount(second.id, { confirmEmail: second.email });
      expect(await db.user.count({ where: { id: second.id } })).toBe(0);
      await expect(deleteAccount(first.id, { confirmEmail: first.email })).rejects.toMatchObject({ code: "CONFLICT", details: { reason: "LAST_ADMIN" } });
      expect(await db.user.count({ where: { id: first.id } })).toBe(1);
      expect(await db.emailSuppression.count({ where: { emailHash: sha256(first.email.toLowerCase()) } })).toBe(0);
      expect(await code(as({ id: first.id, role: "ADMIN" }).account.delete({ confirmEmail: first.email }))).toBe("CONFLICT");
      expect((await as({ id: first.id, role: "ADMIN" }).account.summary()).isLastAdmin).toBe(true);
    } finally {
      await db.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { role: "ADMIN" } });
    }
  });

  it("two admins deleting themselves at once: exactly one succeeds when they are the last two", async () => {
    const x = await createUser(db, { role: "ADMIN" });
    const y = await createUser(db, { role: "ADMIN" });
    const others = await db.user.findMany({ where: { role: "ADMIN", id: { notIn: [x.id, y.id] } }, select: { id: true } });
    await db.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { role: "NGO" } });
    try {
      const results = await Promise.allSettled([deleteAccount(x.id, { confirmEmail: x.email }), deleteAccount(y.id, { confirmEmail: y.email })]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason)).toEqual([
        expect.objectContaining({ code: "CONFLICT", details: { reason: "LAST_ADMIN" } }),
      ]);
      expect(await db.user.count({ where: { id: { in: [x.id, y.id] } } })).toBe(1);
    } finally {
      await db.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { role: "ADMIN" } });
      await db.user.updateMany({ where: { id: { in: [x.id, y.id] } }, data: { role: "NGO" } }); // leave no stray admin behind
    }
  });
});

describe("account tRPC procedures", () => {
  it("need a session (UNAUTHORIZED)", async () => {
    expect(await code(as(null).account.summary())).toBe("UNAUTHORIZED");
    expect(await code(as(null).account.delete({ confirmEmail: "a@b.c" }))).toBe("UNAUTHORIZED");
  });

  it("validate strictly, refuse a wrong confirmation, delete only the caller", async () => {
    const a = await populatedUser();
    const me = { id: a.user.id, role: "CUSTOMER" as const };
    expect(await as(me).account.summary()).toEqual({
      email: a.user.email,
      role: "CUSTOMER",
      businessName: null,
      isLastAdmin: false,
      counts: { notifications: 3, follows: 1, personalAccessTokens: 1, pickups: 1 },
    });
    expect(await code(as(me).account.delete({ confirmEmail: a.user.email, userId: randomUUID() } as never))).toBe("BAD_REQUEST");
    expect(await code(as(me).account.delete({ confirmEmail: "" }))).toBe("BAD_REQUEST");
    expect(await code(as(me).account.delete({ confirmEmail: "not-mine@herald.test" }))).toBe("BAD_REQUEST");
    expect(await db.user.count({ where: { id: a.user.id } })).toBe(1);
    // Someone else's email deletes nothing either (the caller's session decides whose account it is).
    const b = await createUser(db);
    expect(await code(as(me).account.delete({ confirmEmail: b.email }))).toBe("BAD_REQUEST");
    expect(await db.user.count({ where: { id: b.id } })).toBe(1);

    expect(await code(as(me).account.delete({ confirmEmail: a.user.email }))).toBe("OK");
    expect(await db.user.count({ where: { id: a.user.id } })).toBe(0);
    expect(await code(as(me).account.summary())).toBe("NOT_FOUND");
    expect(await code(as(me).account.delete({ confirmEmail: a.user.email }))).toBe("NOT_FOUND");
  });
});

/** `/api/v1/notifications*` through the real route handlers (docs/requirements.md R15.6). */
import { describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { env } from "@/server/env";
import { createBusiness, createNotification, createUser } from "@/prisma/factory";
import { GET as list } from "./notifications/route";
import { GET as unreadCount } from "./notifications/unread-count/route";
import { POST as markRead } from "./notifications/mark-read/route";
import { POST as markAllRead } from "./notifications/mark-all-read/route";
import { POST as markSeen } from "./notifications/mark-seen/route";
import { DELETE as deleteOne } from "./notifications/[id]/route";
import { DELETE as deleteSeedPath } from "./notifications/[id]/delete/route";
import { call, req, userWithToken } from "./_test/helpers";

const at = (iso: string) => new Date(iso);
const abs = (p: string) => new URL(p, env("app").APP_URL).toString();

describe("GET /api/v1/notifications", () => {
  it("answers the documented shape (R15.6): newest first, sender, business with an absolute logo, counts", async () => {
    const { user, token } = await userWithToken();
    const { business, owner } = await createBusiness(db, { name: "Mario's Trattoria" });
    const old = await createNotification(db, { userId: user.id, createdAt: at("2025-06-01T10:00:00Z"), readAt: at("2025-06-01T11:00:00Z") });
    const n = await db.notification.create({
      data: {
        userId: user.id, type: "new_listing", category: "listings", title: "New Pizza Available!", body: "Fresh margherita",
        data: { listing_id: "l1", price: "12.50" }, businessId: business.id, actorId: owner.id, dedupeKey: "t:pizza", createdAt: at("2025-06-25T14:30:00Z"),
      },
    });
    await createNotification(db, { userId: user.id, archivedAt: new Date() }); // archived: not in the live inbox
    const gone = await createNotification(db, { userId: user.id });
    await db.notification.update({ where: { id: gone.id }, data: { deletedAt: new Date() } });
    await createNotification(db, { userId: (await createUser(db)).id }); // someone else's

    const r = await call(list, req("GET", "/api/v1/notifications", { token }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ count: 2, unread_count: 1, unseen_count: 1, next: null, previous: null });
    expect(r.body.results.map((x: { id: string }) => x.id)).toEqual([n.id, old.id]);
    expect(r.body.results[0]).toEqual({
      id: n.id,
      notification_type: "new_listing",
      title: "New Pizza Available!",
      message: "Fresh margherita",
      data: { listing_id: "l1", price: "12.50" },
      sender: { id: owner.id, name: owner.name, user_type: "provider" },
      business: { id: business.id, name: "Mario's Trattoria", logo: abs(`/businesses/${business.slug}/logo.svg`) },
      is_read: false,
      is_deleted: false,
      created_at: "2025-06-25T14:30:00.000Z",
      read_at: null,
      is_seen: false,
      seen_at: null,
    });
    expect(r.body.results[1]).toMatchObject({ sender: null, business: null, is_read: true, read_at: "2025-06-01T11:00:00.000Z" });
  });

  it("filters by is_read, notification_type and inclusive UTC days", async () => {
    const { user, token } = await userWithToken();
    const a = await createNotification(db, { userId: user.id, type: "new_listing", createdAt: at("2025-06-01T00:00:00Z") });
    const b = await createNotification(db, { userId: user.id, type: "business_update", createdAt: at("2025-06-30T23:59:59Z"), readAt: new Date() });
    const c = await createNotification(db, { userId: user.id, type: "new_listing", createdAt: at("2025-07-01T00:00:00Z") });
    const ids = async (q: string) => (await call(list, req("GET", `/api/v1/notifications?${q}`, { token }))).body.results.map((x: { id: string }) => x.id);
    expect(await ids("is_read=false")).toEqual([c.id, a.id]);
    expect(await ids("is_read=true")).toEqual([b.id]);
    expect(await ids("notification_type=new_listing")).toEqual([c.id, a.id]);
    expect(await ids("date_from=2025-06-01&date_to=2025-06-30")).toEqual([b.id, a.id]);
    expect(await ids("date_from=2025-06-02")).toEqual([c.id, b.id]);
    expect(await ids("date_to=2025-06-01")).toEqual([a.id]);
    const filtered = await call(list, req("GET", "/api/v1/notifications?notification_type=new_listing&is_read=false", { token }));
    expect(filtered.body).toMatchObject({ count: 2, unread_count: 2 });
  });

  it("paginates by page number with absolute next/previous links that keep the other params", async () => {
    const { user, token } = await userWithToken();
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await createNotification(db, { userId: user.id, type: "new_listing", createdAt: new Date(Date.UTC(2025, 5, 1, i)) }));
    const newest = made.map((n) => n.id).reverse();
    const p1 = await call(list, req("GET", "/api/v1/notifications?page_size=2&notification_type=new_listing", { token }));
    expect(p1.body.count).toBe(5);
    expect(p1.body.results.map((x: { id: string }) => x.id)).toEqual(newest.slice(0, 2));
    expect(p1.body.previous).toBeNull();
    expect(p1.body.next).toBe(abs("/api/v1/notifications?page_size=2&notification_type=new_listing&page=2"));

    const p2 = await call(list, req("GET", new URL(p1.body.next).pathname + new URL(p1.body.next).search, { token }));
    expect(p2.body.results.map((x: { id: string }) => x.id)).toEqual(newest.slice(2, 4));
    expect(p2.body.previous).toBe(abs("/api/v1/notifications?page_size=2&notification_type=new_listing&page=1"));
    expect(p2.body.next).toBe(abs("/api/v1/notifications?page_size=2&notification_type=new_listing&page=3"));

    const p3 = await call(list, req("GET", "/api/v1/notifications?page=3&page_size=2&notification_type=new_listing", { token }));
    expect(p3.body.results.map((x: { id: string }) => x.id)).toEqual(newest.slice(4));
    expect(p3.body.next).toBeNull();
    expect(p3.body.previous).toBe(abs("/api/v1/notifications?page=2&page_size=2&notification_type=new_listing"));

    const beyond = await call(list, req("GET", "/api/v1/notifications?page=9&page_size=2", { token }));
    expect(beyond.body.results).toEqual([]);
    expect(beyond.body.next).toBeNull();
  });

  it("refuses pages deeper than 10,000 results with a 400 that suggests filters", async () => {
    const { token } = await userWithToken();
    expect((await call(list, req("GET", "/api/v1/notifications?page=100&page_size=100", { token }))).status).toBe(200);
    const r = await call(list, req("GET", "/api/v1/notifications?page=101&page_size=100", { token }));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("VALIDATION_ERROR");
    expect(r.body.error.message).toMatch(/date_from/);
  });
});

describe("mark read, mark all read, unread count", () => {
  it("marks the caller's notifications read and answers the counts", async () => {
    const { user, token } = await userWithToken();
    const [a, b, c] = [await createNotification(db, { userId: user.id }), await createNotification(db, { userId: user.id }), await createNotification(db, { userId: user.id })];
    const r = await call(markRead, req("POST", "/api/v1/notifications/mark-read", { token, body: { notification_ids: [a!.id, b!.id] } }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ message: "2 notifications marked as read", marked_count: 2, unread_count: 1, unseen_count: 1 });
    const again = await call(markRead, req("POST", "/api/v1/notifications/mark-read", { token, body: { notification_ids: [a!.id] } }));
    expect(again.body).toEqual({ message: "0 notifications marked as read", marked_count: 0, unread_count: 1, unseen_count: 1 });
    expect((await call(unreadCount, req("GET", "/api/v1/notifications/unread-count", { token }))).body).toEqual({ unread_count: 1, unseen_count: 1 });
    expect((await db.notification.findUniqueOrThrow({ where: { id: c!.id } })).readAt).toBeNull();

    const all = await call(markAllRead, req("POST", "/api/v1/notifications/mark-all-read", { token }));
    expect(all.body).toEqual({ message: "All notifications marked as read", marked_count: 1, unread_count: 0, unseen_count: 0 });
    expect(await db.notification.count({ where: { userId: user.id, readAt: null } })).toBe(0);
  });

  it("marks what a bell showed as seen: the unseen count drops, the unread count stays, others' ids are skipped", async () => {
    const { user, token } = await userWithToken();
    const [a, b] = [await createNotification(db, { userId: user.id }), await createNotification(db, { userId: user.id })];
    const theirs = await createNotification(db, { userId: (await createUser(db)).id });
    const r = await call(markSeen, req("POST", "/api/v1/notifications/mark-seen", { token, body: { notification_ids: [a.id, theirs.id] } }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ message: "1 notification marked as seen", marked_count: 1, unread_count: 2, unseen_count: 1 });
    expect((await db.notification.findUniqueOrThrow({ where: { id: theirs.id } })).seenAt).toBeNull();
    const page = await call(list, req("GET", "/api/v1/notifications", { token }));
    expect(page.body).toMatchObject({ unread_count: 2, unseen_count: 1 });
    const byId = new Map(page.body.results.map((x: { id: string }) => [x.id, x]));
    expect(byId.get(a.id)).toMatchObject({ is_seen: true, seen_at: expect.any(String), is_read: false });
    expect(byId.get(b.id)).toMatchObject({ is_seen: false, seen_at: null });
    const bad = await call(markSeen, req("POST", "/api/v1/notifications/mark-seen", { token, body: { notification_ids: ["nope"] } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_ERROR");
  });

  it("answers 404 for another user's notification and changes nothing (not even the caller's own)", async () => {
    const { user, token } = await userWithToken();
    const mine = await createNotification(db, { userId: user.id });
    const other = await createUser(db);
    const theirs = await createNotification(db, { userId: other.id });
    const r = await call(markRead, req("POST", "/api/v1/notifications/mark-read", { token, body: { notification_ids: [mine.id, theirs.id] } }));
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("NOT_FOUND");
    expect((await db.notification.findUniqueOrThrow({ where: { id: mine.id } })).readAt).toBeNull();
    expect((await db.notification.findUniqueOrThrow({ where: { id: theirs.id } })).readAt).toBeNull();
  });

  it("mark-all-read touches only the caller's rows", async () => {
    const { user, token } = await userWithToken();
    await createNotification(db, { userId: user.id });
    const other = await createUser(db);
    const theirs = await createNotification(db, { userId: other.id });
    expect((await call(markAllRead, req("POST", "/api/v1/notifications/mark-all-read", { token }))).body.marked_count).toBe(1);
    expect((await db.notification.findUniqueOrThrow({ where: { id: theirs.id } })).readAt).toBeNull();
  });
});

describe("DELETE /api/v1/notifications/{id}", () => {
  it("soft-deletes the caller's notification (both paths) and hides it from the list", async () => {
    const { user, token } = await userWithToken();
    const a = await createNotification(db, { userId: user.id });
    const b = await createNotification(db, { userId: user.id });
    const r = await call(deleteOne, req("DELETE", `/api/v1/notifications/${a.id}`, { token }), { id: a.id });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ message: "Notification deleted successfully" });
    const s = await call(deleteSeedPath, req("DELETE", `/api/v1/notifications/${b.id}/delete`, { token }), { id: b.id });
    expect(s.body).toEqual({ message: "Notification deleted successfully" });
    expect(await db.notification.count({ where: { id: { in: [a.id, b.id] }, deletedAt: { not: null } } })).toBe(2);
    expect((await call(list, req("GET", "/api/v1/notifications", { token }))).body.count).toBe(0);
    expect((await call(deleteOne, req("DELETE", `/api/v1/notifications/${a.id}`, { token }), { id: a.id })).status).toBe(404);
  });

  it("answers 404 for another user's notification and 400 for a malformed id", async () => {
    const { token } = await userWithToken();
    const theirs = await createNotification(db, { userId: (await createUser(db)).id });
    const r = await call(deleteOne, req("DELETE", `/api/v1/notifications/${theirs.id}`, { token }), { id: theirs.id });
    expect(r.status).toBe(404);
    expect((await db.notification.findUniqueOrThrow({ where: { id: theirs.id } })).deletedAt).toBeNull();
    const bad = await call(deleteOne, req("DELETE", "/api/v1/notifications/xyz", { token }), { id: "xyz" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual({ id: ["Must be a UUID"] });
  });
});

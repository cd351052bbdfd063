import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createNotification, createUser } from "../../../prisma/factory";
import { countUnread, getNotification, inboxCounts, listNotifications, unreadState } from "./list-notifications";
import { changeNotifications, markAllRead, UNDO_DELETE_MS } from "./update-notifications";

async function userWith(n: number) {
  const user = await createUser(db);
  const base = Date.parse("2026-01-01T00:00:00Z");
  for (let i = 0; i < n; i++) {
    await createNotification(db, { userId: user.id, title: `n${i}`, createdAt: new Date(base + Math.floor(i / 2) * 1000) });
  }
  return user;
}

describe("inbox", () => {
  it("pages newest first with a keyset cursor, ties broken by id, no row twice or missed", async () => {
    const user = await userWith(7); // pairs share a created_at: ties must still page correctly
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listNotifications({ userId: user.id, cursor, limit: 3 });
      seen.push(...page.items.map((i) => i.title));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    const times = (await listNotifications({ userId: user.id, limit: 10 })).items.map((i) => i.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("filters unread, archived and by type; counts unread", async () => {
    const user = await createUser(db);
    const a = await createNotification(db, { userId: user.id, type: "new_listing", category: "listings" });
    const b = await createNotification(db, { userId: user.id });
    const c = await createNotification(db, { userId: user.id });
    await changeNotifications(user.id, [b.id], "read");
    await changeNotifications(user.id, [c.id], "archive");
    const ids = async (f: Parameters<typeof listNotifications>[0]) => (await listNotifications(f)).items.map((i) => i.id).sort();
    expect(await ids({ userId: user.id, filter: "all" })).toEqual([a.id, b.id].sort());
    expect(await ids({ userId: user.id, filter: "unread" })).toEqual([a.id]);
    expect(await ids({ userId: user.id, filter: "archived" })).toEqual([c.id]);
    expect(await ids({ userId: user.id, type: "new_listing" })).toEqual([a.id]);
    expect(await countUnread(user.id)).toBe(1);
  });

  it("marks read/unread, mark-all-read, delete; counts only real changes", async () => {
    const user = await userWith(4);
    const page = await listNotifications({ userId: user.id });
    const [x, y] = page.items;
    expect(await changeNotifications(user.id, [x!.id, y!.id], "read")).toEqual({ changedCount: 2, unreadCount: 2, unseenCount: 2 });
    expect(await changeNotifications(user.id, [x!.id], "read")).toEqual({ changedCount: 0, unreadCount: 2, unseenCount: 2 });
    expect(await changeNotifications(user.id, [x!.id], "unread")).toEqual({ changedCount: 1, unreadCount: 3, unseenCount: 2 });
    expect(await markAllRead(user.id)).toEqual({ changedCount: 3, unreadCount: 0, unseenCount: 0 });
    await changeNotifications(user.id, [y!.id], "delete");
    expect((await listNotifications({ userId: user.id })).items.map((i) => i.id)).not.toContain(y!.id);
    await expect(getNotification(user.id, y!.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("keeps seen and read apart: seeing clears the badge's count and leaves them unread; reading sees", async () => {
    const user = await userWith(3);
    const other = await userWith(1);
    const [x, y, z] = (await listNotifications({ userId: user.id })).items;
    const [foreign] = (await listNotifications({ userId: other.id })).items;
    expect(await inboxCounts(user.id)).toEqual({ unread: 3, unseen: 3 });
    // What the bell showed: x and y. Someone else's id and an unknown one are skipped, not refused.
    const seen = await changeNotifications(user.id, [x!.id, y!.id, foreign!.id, "00000000-0000-4000-8000-000000000000"], "seen");
    expect(seen).toEqual({ changedCount: 2, unreadCount: 3, unseenCount: 1 });
    expect((await getNotification(user.id, x!.id)).seenAt).not.toBeNull();
    expect((await getNotification(user.id, x!.id)).readAt).toBeNull();
    expect((await db.notification.findUniqueOrThrow({ where: { id: foreign!.id } })).seenAt).toBeNull();
    expect(await inboxCounts(other.id)).toEqual({ unread: 1, unseen: 1 });
    // Seeing again changes nothing; reading an unseen one sees it too; unread again leaves it seen.
    expect(await changeNotifications(user.id, [x!.id], "seen")).toEqual({ changedCount: 0, unreadCount: 3, unseenCount: 1 });
    expect(await changeNotifications(user.id, [z!.id], "read")).toEqual({ changedCount: 1, unreadCount: 2, unseenCount: 0 });
    expect(await changeNotifications(user.id, [z!.id], "unread")).toEqual({ changedCount: 1, unreadCount: 3, unseenCount: 0 });
    expect((await unreadState(user.id))).toMatchObject({ count: 3, unseen: 0 });
  });

  it("undoes a delete within the undo window (the row comes back as it was), and not after it or for someone else", async () => {
    const user = await userWith(2);
    const other = await createUser(db);
    const [x, y] = (await listNotifications({ userId: user.id })).items;
    await changeNotifications(user.id, [x!.id, y!.id], "delete");
    await expect(changeNotifications(other.id, [x!.id], "restore")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await changeNotifications(user.id, [x!.id], "restore")).toEqual({ changedCount: 1, unreadCount: 1, unseenCount: 1 });
    expect((await getNotification(user.id, x!.id)).readAt).toBeNull();
    // A live notification cannot be "restored", and a delete older than the window is final.
    await expect(changeNotifications(user.id, [x!.id], "restore")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await db.notification.update({ where: { id: y!.id }, data: { deletedAt: new Date(Date.now() - UNDO_DELETE_MS - 1000) } });
    await expect(changeNotifications(user.id, [y!.id], "restore")).rejects.toMatchObject({ code: "NOT_FOUND", message: /too long ago/ });
    expect((await listNotifications({ userId: user.id })).items.map((i) => i.id)).toEqual([x!.id]);
  });

  it("another user's notification is NOT_FOUND for every operation and nothing changes", async () => {
    const alice = await createUser(db);
    const bob = await userWith(1);
    const [bobs] = (await listNotifications({ userId: bob.id })).items;
    const mine = await createNotification(db, { userId: alice.id });
    await expect(getNotification(alice.id, bobs!.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    for (const action of ["read", "archive", "delete"] as const) {
      // mixing one's own id with someone else's changes neither
      await expect(changeNotifications(alice.id, [mine.id, bobs!.id], action)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    const after = await db.notification.findUniqueOrThrow({ where: { id: bobs!.id } });
    expect([after.readAt, after.archivedAt, after.deletedAt]).toEqual([null, null, null]);
    const own = await db.notification.findUniqueOrThrow({ where: { id: mine.id } });
    expect([own.readAt, own.archivedAt, own.deletedAt]).toEqual([null, null, null]);
  });

  it("rejects a forged cursor", async () => {
    const user = await createUser(db);
    await expect(listNotifications({ userId: user.id, cursor: "bm90LWEtY3Vyc29y" })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
  });
});

/**
 * Grouped inbox (issue 5; docs/requirements.md R5.4): similar unread notifications of one type from
 * one business collapse into one entry; read ones never do; pages never repeat or lose a notification.
 * Against the real database (test/global-setup.ts).
 */
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createBusiness, createNotification, createUser } from "../../../prisma/factory";
import { GROUP_IDS_MAX, listGroupMembers, listNotifications, type InboxEntry, type InboxFilter } from "./list-notifications";
import { changeNotifications } from "./update-notifications";
import type { NotificationType } from "./catalog";
import { createCaller } from "../../trpc/root";
import { trpcCode } from "../../../test/trpc";

const BASE = Date.parse("2026-03-01T12:00:00Z");
const at = (minutes: number) => new Date(BASE + minutes * 60_000);

async function business(name?: string) {
  return (await createBusiness(db, name ? { name } : {})).business;
}

/** Creates a notification `minutes` after BASE (newer = larger). */
function note(userId: string, minutes: number, o: { type?: NotificationType; businessId?: string | null; read?: boolean; archived?: boolean; title?: string } = {}) {
  const type = o.type ?? "new_listing";
  return createNotification(db, {
    userId,
    type,
    category: type === "new_listing" ? "listings" : "business",
    businessId: o.businessId ?? null,
    createdAt: at(minutes),
    readAt: o.read ? at(minutes + 1) : null,
    archivedAt: o.archived ? at(minutes + 1) : null,
    title: o.title,
  });
}

/** Every page of a listing, walked with its cursor. */
async function allPages(opts: { userId: string; filter?: InboxFilter; type?: NotificationType; limit: number; grouped?: boolean }) {
  const entries: InboxEntry[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await listNotifications({ ...opts, grouped: opts.grouped ?? true, cursor });
    entries.push(...page.items);
    cursor = page.nextCursor;
    if (++pages > 200) throw new Error("the cursor never ends");
  } while (cursor);
  return entries;
}

/** Every member of a group, walked with the group query's cursor. */
async function allMembers(userId: string, type: NotificationType, businessId: string, limit = 100) {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await listGroupMembers({ userId, type, businessId, cursor, limit });
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

describe("grouped inbox", () => {
  it("groups 2+ unread of one type from one business, at the newest member's position; singles and read ones stay flat", async () => {
    const user = await createUser(db);
    const mario = await business("Mario's Trattoria");
    const bakery = await business();
    const m1 = await note(user.id, 1, { businessId: mario.id });
    const m2 = await note(user.id, 3, { businessId: mario.id });
    const m3 = await note(user.id, 5, { businessId: mario.id, title: "Lasagne tray" });
    const single = await note(user.id, 4, { businessId: bakery.id }); // only one unread from the bakery
    const readA = await note(user.id, 2, { businessId: bakery.id, read: true }); // read: never grouped
    const readB = await note(user.id, 6, { businessId: bakery.id, read: true });
    const otherType = await note(user.id, 7, { businessId: mario.id, type: "business_update" }); // one of its type
    const noBiz1 = await note(user.id, 8, { type: "business_update" }); // no business: never grouped
    const noBiz2 = await note(user.id, 9, { type: "business_update" });

    const page = await listNotifications({ userId: user.id, grouped: true });
    expect(page.items.map((i) => i.id)).toEqual([noBiz2.id, noBiz1.id, otherType.id, readB.id, m3.id, single.id, readA.id]);
    const group = page.items.find((i) => i.group)!;
    expect(page.items.filter((i) => i.group)).toHaveLength(1);
    expect(group.title).toBe("Lasagne tray"); // the newest member is the preview
    expect(group.createdAt).toBe(at(5).toISOString());
    expect(group.group).toEqual({
      key: `new_listing:${mario.id}`,
      type: "new_listing",
      businessId: mario.id,
      businessName: "Mario's Trattoria",
      noun: "new listings",
      count: 3,
      ids: [m3.id, m2.id, m1.id],
    });
    expect(page.nextCursor).toBeNull();

    // Ungrouped by default: the same rows, flat (the REST API's shape).
    const flat = await listNotifications({ userId: user.id });
    expect(flat.items).toHaveLength(9);
    expect(flat.items.every((i) => i.group === null)).toBe(true);

    // Reading members shrinks the group; below two members it is a plain entry again.
    await changeNotifications(user.id, [m1.id], "read");
    const two = (await listNotifications({ userId: user.id, grouped: true })).items.find((i) => i.group);
    expect(two?.group).toMatchObject({ count: 2, ids: [m3.id, m2.id] });
    await changeNotifications(user.id, [m3.id], "read");
    const after = await listNotifications({ userId: user.id, grouped: true });
    expect(after.items.some((i) => i.group)).toBe(false);
    expect(after.items).toHaveLength(9);
  });

  it("the unread filter groups too; the archived filter never does; a type filter keeps only that type's groups", async () => {
    const user = await createUser(db);
    const biz = await business();
    const listings = [await note(user.id, 1, { businessId: biz.id }), await note(user.id, 2, { businessId: biz.id })];
    const updates = [
      await note(user.id, 3, { businessId: biz.id, type: "business_update" }),
      await note(user.id, 4, { businessId: biz.id, type: "business_update" }),
    ];
    await note(user.id, 5, { businessId: biz.id, read: true });
    const archived = [
      await note(user.id, 6, { businessId: biz.id, archived: true }),
      await note(user.id, 7, { businessId: biz.id, archived: true }),
    ];

    const unread = await listNotifications({ userId: user.id, filter: "unread", grouped: true });
    expect(unread.items.map((i) => [i.id, i.group?.count ?? 1])).toEqual([
      [updates[1]!.id, 2],
      [listings[1]!.id, 2],
    ]);
    expect(unread.items[0]!.group?.noun).toBe("business updates");

    const arch = await listNotifications({ userId: user.id, filter: "archived", grouped: true });
    expect(arch.items.map((i) => i.id)).toEqual([archived[1]!.id, archived[0]!.id]);
    expect(arch.items.every((i) => i.group === null)).toBe(true);

    const onlyListings = await listNotifications({ userId: user.id, type: "new_listing", grouped: true });
    expect(onlyListings.items).toHaveLength(2); // the group and the read one
    expect(onlyListings.items[1]!.group).toMatchObject({ type: "new_listing", count: 2, ids: [listings[1]!.id, listings[0]!.id] });
  });

  it("across keyset pages every live notification appears exactly once, as an entry or inside one group", async () => {
    const user = await createUser(db);
    const stranger = await createUser(db);
    const bizzes = [await business(), await business(), await business()];
    const types: NotificationType[] = ["new_listing", "business_update"];
    // 60 rows with created_at ties, mixed businesses, types, read and archived states, plus a deleted one.
    for (let i = 0; i < 60; i++) {
      const n = await note(user.id, Math.floor(i / 3), {
        type: types[i % 2],
        businessId: i % 7 === 0 ? null : bizzes[i % 3]!.id,
        read: i % 5 === 0,
        archived: i % 11 === 0,
      });
      if (i === 13) await changeNotifications(user.id, [n.id], "delete");
      // The stranger's rows share the type and businesses, and sit between the user's in time.
      if (i % 4 === 0) await note(stranger.id, Math.floor(i / 3), { type: types[i % 2], businessId: bizzes[i % 3]!.id });
    }
    const rows = await db.notification.findMany({ where: { userId: user.id, deletedAt: null } });

    for (const filter of ["all", "unread"] as const) {
      const expected = rows.filter((r) => !r.archivedAt && (filter === "all" || !r.readAt));
      // The groups, computed independently of the SQL.
      const unreadByKey = new Map<string, typeof rows>();
      for (const r of rows) {
        if (r.readAt || r.archivedAt || !r.businessId) continue;
        const key = `${r.type}:${r.businessId}`;
        unreadByKey.set(key, [...(unreadByKey.get(key) ?? []), r]);
      }
      const expectedGroups = [...unreadByKey].filter(([, members]) => members.length >= 2);
      expect(expectedGroups.length).toBeGreaterThan(1);

      const reference = await allPages({ userId: user.id, filter, limit: 100 });
      for (const limit of [1, 2, 3, 7, 20]) {
        const entries = await allPages({ userId: user.id, filter, limit });
        expect(entries.map((e) => e.id)).toEqual(reference.map((e) => e.id)); // page size changes nothing
        const seen: string[] = [];
        for (const e of entries) {
          if (e.group) seen.push(...(await allMembers(user.id, e.group.type as NotificationType, e.group.businessId, 4)));
          else seen.push(e.id);
        }
        expect(new Set(seen).size).toBe(seen.length); // never twice
        expect([...seen].sort()).toEqual(expected.map((r) => r.id).sort()); // never lost, never someone else's
        // Newest first, strictly, by (created_at, id).
        const keys = entries.map((e) => `${e.createdAt}|${e.id}`);
        expect([...keys].sort().reverse()).toEqual(keys);
      }
      const groups = reference.filter((e) => e.group);
      expect(groups.map((g) => g.group!.key).sort()).toEqual(expectedGroups.map(([k]) => k).sort());
      for (const g of groups) {
        const members = unreadByKey.get(g.group!.key)!;
        expect(g.group!.count).toBe(members.length);
        expect([...g.group!.ids].sort()).toEqual(members.map((m) => m.id).sort());
      }
    }
  });

  it("the group query pages one group's unread members, only the caller's, newest first", async () => {
    const alice = await createUser(db);
    const bob = await createUser(db);
    const biz = await business();
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push(await note(alice.id, i, { businessId: biz.id }));
    await note(alice.id, 10, { businessId: biz.id, read: true });
    await note(alice.id, 11, { businessId: biz.id, archived: true });
    await note(alice.id, 12, { businessId: biz.id, type: "business_update" });
    const bobs = [await note(bob.id, 2, { businessId: biz.id }), await note(bob.id, 20, { businessId: biz.id })];

    const first = await listGroupMembers({ userId: alice.id, type: "new_listing", businessId: biz.id, limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual([mine[4]!.id, mine[3]!.id]);
    expect(first.nextCursor).not.toBeNull();
    expect(await allMembers(alice.id, "new_listing", biz.id, 2)).toEqual(mine.map((m) => m.id).reverse());
    expect(await allMembers(bob.id, "new_listing", biz.id)).toEqual([bobs[1]!.id, bobs[0]!.id]);

    const aliceGroup = (await listNotifications({ userId: alice.id, grouped: true })).items.find((i) => i.group)!.group!;
    expect(aliceGroup.count).toBe(5);
    expect(aliceGroup.ids.some((id) => bobs.some((b) => b.id === id))).toBe(false);

    // Marking the group's ids read changes exactly those rows; the group is gone.
    expect(await changeNotifications(alice.id, aliceGroup.ids, "read")).toMatchObject({ changedCount: 5 });
    expect(await allMembers(alice.id, "new_listing", biz.id)).toEqual([]);
    expect((await listNotifications({ userId: bob.id, grouped: true })).items[0]!.group?.count).toBe(2);
    await expect(listGroupMembers({ userId: alice.id, type: "new_listing", businessId: biz.id, cursor: "bm9wZQ" })).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
  });

  it(`a large group carries its count and the newest ${GROUP_IDS_MAX} ids`, async () => {
    const user = await createUser(db);
    const biz = await business();
    await db.$executeRaw`
      INSERT INTO notifications (user_id, type, category, title, business_id, dedupe_key, created_at)
      SELECT ${user.id}::uuid, 'new_listing', 'listings', 'Bag ' || g, ${biz.id}::uuid, 'grouping-large:' || g,
             ${at(0)}::timestamptz + g * interval '1 second'
      FROM generate_series(1, 60) g`;
    const page = await listNotifications({ userId: user.id, grouped: true, filter: "unread" });
    expect(page.items).toHaveLength(1);
    const group = page.items[0]!.group!;
    expect(page.items[0]!.title).toBe("Bag 60");
    expect(group.count).toBe(60);
    expect(group.ids).toHaveLength(GROUP_IDS_MAX);
    const newest = await allMembers(user.id, "new_listing", biz.id);
    expect(group.ids).toEqual(newest.slice(0, GROUP_IDS_MAX));
  });

  it("through tRPC: list takes grouped, the group query is strict, signed in, and the caller's own", async () => {
    const alice = await createUser(db);
    const bob = await createUser(db);
    const biz = await business();
    const mine = [await note(alice.id, 1, { businessId: biz.id }), await note(alice.id, 2, { businessId: biz.id })];
    await note(bob.id, 3, { businessId: biz.id });
    const as = (u: { id: string } | null) => createCaller({ user: u ? { id: u.id, role: "CUSTOMER" } : null });

    const grouped = await as(alice).notifications.list({ grouped: true });
    expect(grouped.items).toHaveLength(1);
    expect(grouped.items[0]!.group).toMatchObject({ count: 2, ids: [mine[1]!.id, mine[0]!.id] });
    expect((await as(alice).notifications.list({})).items.every((i) => i.group === null)).toBe(true); // off by default

    const members = await as(alice).notifications.group({ type: "new_listing", businessId: biz.id });
    expect(members.items.map((i) => i.id)).toEqual([mine[1]!.id, mine[0]!.id]);
    expect(await trpcCode(as(null).notifications.group({ type: "new_listing", businessId: biz.id }))).toBe("UNAUTHORIZED");
    expect(await trpcCode(as(alice).notifications.group({ type: "new_listing", businessId: biz.id, userId: bob.id } as never))).toBe("BAD_REQUEST");
    expect(await trpcCode(as(alice).notifications.group({ type: "New Listing; --", businessId: biz.id }))).toBe("BAD_REQUEST");
    expect(await trpcCode(as(alice).notifications.group({ type: "new_listing", businessId: "not-a-uuid" }))).toBe("BAD_REQUEST");
    expect(await trpcCode(as(alice).notifications.group({ type: "new_listing", businessId: biz.id, cursor: "garbage" }))).toBe("BAD_REQUEST");
  });
});

/**
 * The live inbox's signals (./inbox-signals.ts) through the real publisher, the embedded Pusher-protocol
 * server and real `pusher-js` clients: each recipient gets only their own entry, count and sequence
 * number; numbers are consecutive per user; and the client's cache rules (components/realtime/inbox-cache.ts)
 * applied to the signals give exactly what a refetch gives.
 */
import { afterEach, describe, expect, it } from "vitest";
import { db } from "../../db";
import { createBusiness, createListing, createNotification, createUser } from "../../../prisma/factory";
import { heraldUserClient } from "../../../test/pusher";
import { deliverListingChunk, signalListingChunk } from "../delivery/fan-out-listing";
import { notifyUsers } from "../delivery/notify";
import { changeNotifications, markAllRead } from "./update-notifications";
import { signalNewNotifications } from "./inbox-signals";
import { listNotifications, unreadState, GROUP_IDS_MAX } from "./list-notifications";
import { GROUP_IDS_MAX as CLIENT_GROUP_IDS_MAX, countAfter, listAfterNew, type CachedPage } from "../../../components/realtime/inbox-cache";
import { entryOfSignal, type NewNotificationPayload } from "../../../lib/realtime";

type Received = { name: string; data: Record<string, unknown> };
const clients: { disconnect(): void }[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

/** A real pusher-js client on the user's private channel, recording every event in order. */
async function listen(userId: string): Promise<Received[]> {
  const received: Received[] = [];
  const pusher = heraldUserClient({
    app: { key: process.env.PUSHER_KEY!, secret: process.env.PUSHER_SECRET! },
    port: Number(process.env.PUSHER_PORT),
    user: { id: userId, role: "CUSTOMER", businessId: null },
  });
  clients.push(pusher);
  const channel = pusher.subscribe(`private-user-${userId}`);
  await new Promise<void>((resolve, reject) => {
    channel.bind("pusher:subscription_succeeded", () => resolve());
    channel.bind("pusher:subscription_error", reject);
  });
  channel.bind_global((name: string, data: Record<string, unknown>) => {
    if (!name.startsWith("pusher:")) received.push({ name, data });
  });
  return received;
}

/** A listing of the business, titled `title` (prisma/factory.ts). */
const listing = (businessId: string, title: string) => createListing(db, businessId, { title });

/** A business and one follower whose private channel is being listened to. */
async function followerListening() {
  const { business } = await createBusiness(db);
  const user = await createUser(db);
  await db.follow.create({ data: { userId: user.id, businessId: business.id } });
  return { business, user, events: await listen(user.id) };
}

const ALL = { afterUserId: null, throughUserId: null };
/** The fan-out of a listing to every follower as the functions run it: the rows, then their signals. */
async function fanOut(listingId: string) {
  const { inserted } = await deliverListingChunk(listingId, ALL);
  await signalListingChunk(listingId, ALL);
  return inserted;
}

describe("inbox signals", () => {
  it("carry only the recipient's own entry, unread count and sequence number", async () => {
    const { business } = await createBusiness(db);
    const [alice, bob] = [await createUser(db), await createUser(db)];
    for (const u of [alice, bob]) await db.follow.create({ data: { userId: u.id, businessId: business.id } });
    // Bob already has three unread notifications (one private to him) and one read one.
    const secret = await createNotification(db, { userId: bob.id, title: "Bob's private note", body: "for Bob only" });
    await createNotification(db, { userId: bob.id });
    await createNotification(db, { userId: bob.id });
    await changeNotifications(bob.id, [(await createNotification(db, { userId: bob.id })).id], "read");
    const [toAlice, toBob] = [await listen(alice.id), await listen(bob.id)];

    const l = await listing(business.id, "Sourdough");
    expect(await fanOut(l.id)).toBe(2);
    await expect.poll(() => toAlice.length + toBob.length).toBe(2);

    const [a, b] = [toAlice[0]!, toBob[0]!];
    expect(a.name).toBe("notification.new");
    const aliceRow = await db.notification.findFirstOrThrow({ where: { userId: alice.id, dedupeKey: `listing:${l.id}` } });
    const bobRow = await db.notification.findFirstOrThrow({ where: { userId: bob.id, dedupeKey: `listing:${l.id}` } });
    expect(a.data).toMatchObject({ notification_id: aliceRow.id, notification_type: "new_listing", unread_count: 1, seq: 1 });
    // The entry the client rebuilds is the one Alice's inbox lists.
    const aliceList = await listNotifications({ userId: alice.id, grouped: true, limit: 20 });
    expect(entryOfSignal(a.data as unknown as NewNotificationPayload)).toEqual(JSON.parse(JSON.stringify(aliceList.items[0])));
    expect(b.data).toMatchObject({ notification_id: bobRow.id, unread_count: 4, seq: 2 });
    // Nothing of anyone else's: no other user's id, no other notification's id or text.
    const aliceText = JSON.stringify(a.data);
    for (const foreign of [bob.id, bobRow.id, secret.id, "Bob's private note", "for Bob only"]) expect(aliceText).not.toContain(foreign);
    const bobText = JSON.stringify(b.data);
    for (const foreign of [alice.id, aliceRow.id]) expect(bobText).not.toContain(foreign);
    expect(bobText).not.toContain(secret.id);
    // The counts and numbers are what the badge query reads.
    expect(await unreadState(alice.id)).toEqual({ count: 1, unseen: 1, seq: 1 });
    expect(await unreadState(bob.id)).toEqual({ count: 4, unseen: 4, seq: 2 });
  });

  it("number every change of a user's inbox consecutively, reads and bulk changes included", async () => {
    const user = await createUser(db);
    const events = await listen(user.id);
    const { created } = await notifyUsers([
      { userId: user.id, type: "system_announcement", title: "One", dedupeKey: "seq:1" },
      { userId: user.id, type: "system_announcement", title: "Two", dedupeKey: "seq:2" },
    ]);
    await changeNotifications(user.id, [created[1]!.id], "seen"); // the bell showed the newest
    await changeNotifications(user.id, [created[0]!.id], "read");
    await changeNotifications(user.id, [created[0]!.id], "read"); // changes nothing: no number, no signal
    await changeNotifications(user.id, created.map((c) => c.id), "archive");
    await markAllRead(user.id); // nothing unread and live any more: no signal
    await expect.poll(() => events.length).toBe(5);
    await new Promise((r) => setTimeout(r, 100));
    expect(events.map((e) => [e.name, e.data.seq, e.data.unread_count, e.data.unseen_count])).toEqual([
      ["notification.new", 1, 1, 1],
      ["notification.new", 2, 2, 2],
      ["notifications.changed", 3, 2, 1],
      ["notification.read", 4, 1, 0],
      ["notifications.changed", 5, 0, 0],
    ]);
    expect(events[2]!.data).toMatchObject({ action: "seen", changed_count: 1 });
    expect(events[4]!.data).toMatchObject({ action: "archive", changed_count: 2 });
    expect((await listNotifications({ userId: user.id, grouped: true })).seq).toBe(5);
  });

  it("leave archived records (the digest's) out of the numbers and signals", async () => {
    const user = await createUser(db);
    const events = await listen(user.id);
    await notifyUsers([{ userId: user.id, type: "system_announcement", title: "Record", dedupeKey: "seq:archived", archived: true }]);
    await notifyUsers([{ userId: user.id, type: "system_announcement", title: "Live", dedupeKey: "seq:live" }]);
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]!.data).toMatchObject({ title: "Live", seq: 1, unread_count: 1 });
  });

  it("of committed rows go out in slices that each hold a recipient's rows whole", async () => {
    const users = [await createUser(db), await createUser(db), await createUser(db)].sort((a, b) => (a.id < b.id ? -1 : 1));
    const [first, middle, last] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
    const heard = await Promise.all(users.map((u) => listen(u.id)));
    const at = (s: number) => new Date(Date.now() - 60_000 + s * 1000);
    const rows = [
      await createNotification(db, { userId: middle.id, title: "Older", createdAt: at(1) }),
      await createNotification(db, { userId: last.id, createdAt: at(2) }),
      await createNotification(db, { userId: middle.id, title: "Newer", createdAt: at(3) }),
      await createNotification(db, { userId: first.id, createdAt: at(4) }),
    ];
    // Slices of 2 in user id order: [first, middle's older] would cut the middle user's rows apart.
    expect(await signalNewNotifications(rows.map((r) => ({ id: r.id, userId: r.userId })), { sliceSize: 2 })).toBe(4);
    await expect.poll(() => heard.map((h) => h.length)).toEqual([1, 2, 1]);
    expect(heard[1]!.map((e) => [e.data.title, e.data.seq, e.data.unread_count])).toEqual([
      ["Older", 1, 1],
      ["Newer", 2, 2],
    ]);
    for (const i of [0, 2]) expect(heard[i]![0]!.data).toMatchObject({ seq: 1, unread_count: 1 });
  });

  it("patch a cached grouped list into exactly the list a refetch returns", async () => {
    const { business, user, events } = await followerListening();
    const input = { filter: "all" as const, grouped: true };
    let cached: CachedPage = await listNotifications({ userId: user.id, grouped: true, limit: 20 });
    let count = await unreadState(user.id);
    // One listing (a single entry), then two more from the same business (a group of 2, then 3).
    for (const [i, title] of ["Bagels", "Muffins", "Scones"].entries()) {
      const l = await listing(business.id, title);
      await fanOut(l.id);
      await expect.poll(() => events.length).toBe(i + 1);
      const signal = events[i]!.data as unknown as NewNotificationPayload;
      const step = listAfterNew(cached, input, signal);
      expect(step.kind).toBe("set");
      if (step.kind === "set") cached = step.data;
      const c = countAfter(count, signal);
      if (c.kind === "set") count = c.data;
      const fresh = await listNotifications({ userId: user.id, grouped: true, limit: 20 });
      expect(JSON.parse(JSON.stringify(cached))).toEqual({ ...fresh, nextCursor: null });
      expect(count).toEqual(await unreadState(user.id));
    }
    expect(cached.items).toHaveLength(1);
    expect(cached.items[0]!.group).toMatchObject({ count: 3 });
    // A signal two numbers ahead is a gap: refetch. One already included: keep.
    const last = events[2]!.data as unknown as NewNotificationPayload;
    expect(listAfterNew(cached, input, { ...last, seq: last.seq + 2 }).kind).toBe("refetch");
    expect(listAfterNew(cached, input, last).kind).toBe("keep");
    expect(countAfter(count, { seq: last.seq - 1, unread_count: 99, unseen_count: 99 }).kind).toBe("keep");
    // A signal without the unseen count (an older server) leaves the badge to a refetch.
    expect(countAfter(count, { seq: last.seq + 1, unread_count: 99 }).kind).toBe("refetch");
    // The archived view is not changed by a new notification, only moved to the new number.
    const archived = { items: [], nextCursor: null, seq: last.seq - 1 };
    expect(listAfterNew(archived, { filter: "archived" }, last)).toEqual({ kind: "set", data: { ...archived, seq: last.seq } });
  });

  it("of a fan-out follow its rows; a list read in between takes the signal as its number only", async () => {
    const { business, user, events } = await followerListening();
    const input = { filter: "all" as const, grouped: true };
    await fanOut((await listing(business.id, "Bagels")).id);
    await expect.poll(() => events.length).toBe(1);

    // The rows first: written, counted and listed, not yet numbered or signalled.
    const l = await listing(business.id, "Muffins");
    expect(await deliverListingChunk(l.id, ALL)).toEqual({ inserted: 1 });
    expect(await unreadState(user.id)).toEqual({ count: 2, unseen: 2, seq: 1 });
    const between: CachedPage = await listNotifications({ userId: user.id, grouped: true, limit: 20 });
    expect(between).toMatchObject({ seq: 1, items: [{ group: { count: 2 } }] });
    await new Promise((r) => setTimeout(r, 150));
    expect(events).toHaveLength(1);

    // Then their signals: the list that already shows the row moves to the new number, and equals a refetch.
    expect(await signalListingChunk(l.id, ALL)).toEqual({ signalled: 1 });
    await expect.poll(() => events.length).toBe(2);
    const signal = events[1]!.data as unknown as NewNotificationPayload;
    expect(signal).toMatchObject({ seq: 2, unread_count: 2 });
    const step = listAfterNew(between, input, signal);
    expect(step).toEqual({ kind: "set", data: { ...between, seq: 2 } });
    const fresh = await listNotifications({ userId: user.id, grouped: true, limit: 20 });
    expect(step.kind === "set" && JSON.parse(JSON.stringify(step.data))).toEqual({ ...fresh, nextCursor: null });
  });

  it("refetch when the group's older member is not in the cache", async () => {
    const { business, events } = await followerListening();
    const first = await listing(business.id, "Rolls");
    await fanOut(first.id);
    await expect.poll(() => events.length).toBe(1);
    const stale: CachedPage = { items: [], nextCursor: null, seq: 1 }; // the older member is on no loaded page
    await fanOut((await listing(business.id, "Buns")).id);
    await expect.poll(() => events.length).toBe(2);
    expect(listAfterNew(stale, { grouped: true }, events[1]!.data as unknown as NewNotificationPayload).kind).toBe("refetch");
  });

  it("cap a group's ids as the server does", () => {
    expect(CLIENT_GROUP_IDS_MAX).toBe(GROUP_IDS_MAX);
  });
});

/**
 * Snooze (./snooze.ts): the quick choices in the user's time zone (DST included), and a snooze through the
 * app's real functions in the embedded executor with a FakeClock: the notification leaves the inbox and its
 * counts, waits out a durable step sleep, and comes back on top, unread and new, with a live signal.
 */
import { describe, expect, it } from "vitest";
import { appJobsWithFakeClock } from "@/test/app-jobs-fake-clock";
import { inboxSubscriber, waitUntil } from "@/test/pusher";
import { createNotification, createUser } from "@/prisma/factory";
import { db } from "@/server/db";
import { localTimeToInstant, snoozeOptions } from "./snooze";

const HOUR = 3_600_000;
const app = appJobsWithFakeClock();

const at = (iso: string) => new Date(iso);
const untilOf = (options: { preset: string; until: string }[]) => Object.fromEntries(options.map((o) => [o.preset, o.until]));

describe("snooze choices", () => {
  it("are wall-clock times in the user's zone: later today on the hour, tomorrow 08:00, next Monday 08:00", () => {
    // Sunday 2026-12-06 13:20 in Johannesburg (UTC+2).
    expect(untilOf(snoozeOptions(at("2026-12-06T11:20:00Z"), "Africa/Johannesburg"))).toEqual({
      later_today: "2026-12-06T15:00:00.000Z", // 16:20 → 17:00 SAST
      tomorrow: "2026-12-07T06:00:00.000Z", // Monday: "next week" would say the same, and is left out
    });
    expect(untilOf(snoozeOptions(at("2026-12-05T11:20:00Z"), "Africa/Johannesburg")).next_week).toBe("2026-12-07T06:00:00.000Z");
    // Monday evening: too late for "later today"; next week is a week on.
    expect(untilOf(snoozeOptions(at("2026-12-07T17:30:00Z"), "Africa/Johannesburg"))).toEqual({
      tomorrow: "2026-12-08T06:00:00.000Z",
      next_week: "2026-12-14T06:00:00.000Z",
    });
    // Exactly on the hour stays on it; another zone gives other instants.
    expect(untilOf(snoozeOptions(at("2026-12-06T12:00:00Z"), "America/New_York")).later_today).toBe("2026-12-06T15:00:00.000Z");
  });

  it("keep 08:00 on the wall across a DST change", () => {
    // Berlin moves from UTC+1 to UTC+2 in the night to Sunday 2026-03-29.
    expect(untilOf(snoozeOptions(at("2026-03-28T12:00:00Z"), "Europe/Berlin")).tomorrow).toBe("2026-03-29T06:00:00.000Z");
    expect(untilOf(snoozeOptions(at("2026-10-24T12:00:00Z"), "Europe/Berlin")).tomorrow).toBe("2026-10-25T07:00:00.000Z");
  });

  it("read a picked wall-clock time in the zone, and refuse what is not a date and time", () => {
    expect(localTimeToInstant("2026-12-24T18:30", "Africa/Johannesburg")?.toISOString()).toBe("2026-12-24T16:30:00.000Z");
    expect(localTimeToInstant("2026-12-24T18:30:15", "UTC")?.toISOString()).toBe("2026-12-24T18:30:15.000Z");
    expect(localTimeToInstant("2026-03-29T02:30", "Europe/Berlin")?.toISOString()).toBe("2026-03-29T01:30:00.000Z"); // in the gap: 03:30 CEST
    for (const bad of ["2026-02-30T10:00", "2026-12-24", "tomorrow", "2026-12-24T24:00", "2026-12-24T18:30Z"]) {
      expect(localTimeToInstant(bad, "UTC")).toBeNull();
    }
  });
});

describe("snoozing", () => {
  it("takes it out of the inbox and counts, and brings it back unread, new and on top when the time comes", async () => {
    const { snoozeNotifications } = await import("./snooze");
    const { inboxCounts, listNotifications } = await import("./list-notifications");
    const { changeNotifications } = await import("./update-notifications");
    const user = await createUser(db);
    const old = await createNotification(db, { userId: user.id, title: "Market day", createdAt: new Date(app.clock.now() - 2 * HOUR) });
    await createNotification(db, { userId: user.id, title: "Newer", createdAt: new Date(app.clock.now() - HOUR) });
    await changeNotifications(user.id, [old.id], "read");
    const inbox = async () => (await listNotifications({ userId: user.id, grouped: true })).items.map((i) => i.title);
    expect(await inbox()).toEqual(["Newer", "Market day"]);

    const until = new Date(app.clock.now() + 3 * HOUR);
    expect(await snoozeNotifications(user.id, [old.id], until, new Date(app.clock.now()))).toMatchObject({ changedCount: 1, unreadCount: 1, unseenCount: 1 });
    expect(await inbox()).toEqual(["Newer"]);
    const snoozed = await listNotifications({ userId: user.id, filter: "snoozed" });
    expect(snoozed.items.map((i) => [i.title, i.snoozedUntil])).toEqual([["Market day", until.toISOString()]]);
    // Unread too: it counts nowhere while snoozed.
    await changeNotifications(user.id, [old.id], "unread");
    expect(await inboxCounts(user.id)).toEqual({ unread: 1, unseen: 1 });
    expect((await listNotifications({ userId: user.id, filter: "unread" })).items.map((i) => i.title)).toEqual(["Newer"]);

    const browser = await inboxSubscriber(user.id);
    try {
      await app.jobs.executor.idle(); // the wake run starts and sleeps
      app.clock.set(until.getTime() - 60_000);
      await app.jobs.executor.idle();
      expect(await inbox()).toEqual(["Newer"]);

      app.clock.set(until.getTime());
      await app.jobs.executor.idle();
      expect(await inbox()).toEqual(["Market day", "Newer"]);
      const back = await db.notification.findUniqueOrThrow({ where: { id: old.id } });
      expect(back).toMatchObject({ snoozedUntil: null, readAt: null, seenAt: null, createdAt: until });
      expect(await inboxCounts(user.id)).toEqual({ unread: 2, unseen: 2 });
      await waitUntil(() => browser.received.length === 1, "the notification.new of the return");
      expect(browser.received[0]).toMatchObject({ notification_id: old.id, title: "Market day", unread_count: 2, unseen_count: 2 });
    } finally {
      browser.close();
    }
  });

  it("a later snooze outlives the earlier one's run; unsnooze brings it back now", async () => {
    const { snoozeNotifications, unsnoozeNotifications } = await import("./snooze");
    const { listNotifications } = await import("./list-notifications");
    const user = await createUser(db);
    const n = await createNotification(db, { userId: user.id, title: "Twice" });
    const now = () => new Date(app.clock.now());
    await snoozeNotifications(user.id, [n.id], new Date(app.clock.now() + HOUR), now());
    await snoozeNotifications(user.id, [n.id], new Date(app.clock.now() + 5 * HOUR), now());
    await app.jobs.executor.idle();
    app.clock.advance(HOUR);
    await app.jobs.executor.idle();
    expect((await db.notification.findUniqueOrThrow({ where: { id: n.id } })).snoozedUntil).not.toBeNull();
    expect((await listNotifications({ userId: user.id })).items).toEqual([]);

    expect(await unsnoozeNotifications(user.id, [n.id])).toEqual({ changedCount: 1 });
    const back = await db.notification.findUniqueOrThrow({ where: { id: n.id } });
    expect(back).toMatchObject({ snoozedUntil: null, readAt: null });
    expect(back.seenAt).not.toBeNull(); // brought back by hand: seen, not new
    await expect(unsnoozeNotifications(user.id, [n.id])).rejects.toMatchObject({ code: "NOT_FOUND" });
    // The 5-hour run finds nothing left to wake.
    app.clock.advance(4 * HOUR);
    await app.jobs.executor.idle();
    expect((await listNotifications({ userId: user.id })).items.map((i) => i.id)).toEqual([n.id]);
  });

  it("refuses someone else's, archived ones, past times and times over a year away, changing nothing", async () => {
    const { snoozeNotifications, SNOOZE_MAX_MS } = await import("./snooze");
    const [me, other] = [await createUser(db), await createUser(db)];
    const mine = await createNotification(db, { userId: me.id });
    const archived = await createNotification(db, { userId: me.id, archivedAt: new Date() });
    const theirs = await createNotification(db, { userId: other.id });
    const now = new Date(app.clock.now());
    const soon = new Date(now.getTime() + HOUR);
    await expect(snoozeNotifications(me.id, [mine.id, theirs.id], soon, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(snoozeNotifications(me.id, [archived.id], soon, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(snoozeNotifications(me.id, [mine.id], now, now)).rejects.toMatchObject({ code: "VALIDATION_ERROR", message: /future/ });
    await expect(snoozeNotifications(me.id, [mine.id], new Date(now.getTime() + SNOOZE_MAX_MS + 1), now)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    const rows = await db.notification.findMany({ where: { id: { in: [mine.id, theirs.id, archived.id] } } });
    expect(rows.map((r) => r.snoozedUntil)).toEqual([null, null, null]);
    expect(await db.outboxEvent.count({ where: { name: "notifications/snoozed", data: { path: ["userId"], equals: me.id } } })).toBe(0);
  });
});

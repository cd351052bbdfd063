/**
 * The push router's app devices (issue 17, docs/requirements.md R24) through createCaller against the real
 * database: the preference center lists the caller's own Android and iOS devices that still get pushes (never
 * a token, never someone else's, never one FCM disabled) and removes one of them by id; another person's device
 * is NOT_FOUND and stays.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createUser } from "@/prisma/factory";
import { db } from "@/server/db";
import { trpcCode as code } from "@/test/trpc";
import { createCaller } from "../root";

const as = (u: { id: string }) => createCaller({ user: { id: u.id, role: "CUSTOMER" } });
const device = (userId: string, data: { platform: "android" | "ios"; appVersion: string; lastSeenAt?: Date; disabledAt?: Date }) =>
  db.nativeDevice.create({ data: { userId, token: `fcm-${randomUUID()}`, locale: "af", ...data } });

describe("push.appDevices and push.removeApp", () => {
  it("list the caller's own app devices that get pushes, seen last first, without their tokens", async () => {
    const me = await createUser(db, {});
    const other = await createUser(db, {});
    const phone = await device(me.id, { platform: "android", appVersion: "3.2.1", lastSeenAt: new Date("2026-12-01T08:00:00Z") });
    const tablet = await device(me.id, { platform: "ios", appVersion: "3.3.0", lastSeenAt: new Date("2026-12-05T08:00:00Z") });
    await device(me.id, { platform: "android", appVersion: "2.0.0", disabledAt: new Date() }); // FCM said UNREGISTERED
    await device(other.id, { platform: "ios", appVersion: "3.3.0" });

    const list = await as(me).push.appDevices();
    expect(list).toEqual([
      { id: tablet.id, platform: "ios", app_version: "3.3.0", locale: "af", created_at: tablet.createdAt.toISOString(), last_seen_at: "2026-12-05T08:00:00.000Z" },
      { id: phone.id, platform: "android", app_version: "3.2.1", locale: "af", created_at: phone.createdAt.toISOString(), last_seen_at: "2026-12-01T08:00:00.000Z" },
    ]);
    expect(JSON.stringify(list)).not.toContain("fcm-");
  });

  it("remove one of the caller's devices; another person's is NOT_FOUND and stays", async () => {
    const me = await createUser(db, {});
    const other = await createUser(db, {});
    const mine = await device(me.id, { platform: "android", appVersion: "3.2.1" });
    const theirs = await device(other.id, { platform: "ios", appVersion: "3.3.0" });

    expect(await as(me).push.removeApp({ id: mine.id })).toEqual({ removed: true });
    expect(await as(me).push.appDevices()).toEqual([]);
    expect(await code(as(me).push.removeApp({ id: mine.id }))).toBe("NOT_FOUND");
    expect(await code(as(me).push.removeApp({ id: theirs.id }))).toBe("NOT_FOUND");
    expect(await db.nativeDevice.count({ where: { id: theirs.id } })).toBe(1);
    expect(await code(as(me).push.removeApp({ id: "not-a-uuid" } as never))).toBe("BAD_REQUEST");
  });
});

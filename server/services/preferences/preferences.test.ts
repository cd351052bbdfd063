import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createUser } from "../../../prisma/factory";
import { trpcCode as code } from "../../../test/trpc";
import { createCaller } from "../../trpc/root";
import { getPreferenceCenter } from "./preferences";

const cell = (p: Awaited<ReturnType<typeof getPreferenceCenter>>, category: string, channel: string) =>
  p.categories.find((c) => c.category === category)!.cells.find((c) => c.channel === channel)!;

describe("preference center", () => {
  it("starts from the catalog's defaults, quiet hours 22:00–07:00 in the user's zone, digest off", async () => {
    const user = await createUser(db, { timezone: "Europe/Berlin" });
    const p = await getPreferenceCenter(user.id);
    expect(cell(p, "listings", "EMAIL")).toMatchObject({ enabled: true, locked: null, available: true });
    expect(cell(p, "business", "EMAIL").enabled).toBe(false); // business_update is in-app only (R4.1)
    expect(cell(p, "listings", "PUSH")).toMatchObject({ enabled: true, available: true });
    expect(cell(p, "listings", "SMS")).toMatchObject({ enabled: false, available: false }); // no listing goes by SMS (R4.1)
    expect(cell(p, "pickups", "SMS")).toMatchObject({ enabled: true, available: true });
    expect(cell(p, "account", "EMAIL").locked).toMatch(/always reach you/);
    expect(cell(p, "listings", "IN_APP").locked).toMatch(/inbox/);
    expect(p.categories.find((c) => c.category === "pickups")!.alwaysSent).toEqual(["Pickup reminder"]);
    expect(p.quietHours).toEqual({ enabled: true, start: "22:00", end: "07:00" });
    expect(p).toMatchObject({ timezone: "Europe/Berlin", digestCadence: "OFF", emailUnsubscribedAt: null });
    expect(p.categories.map((c) => c.category)).not.toContain("reviews"); // only businesses get reviews
    const owner = await createUser(db, { role: "BUSINESS" });
    expect((await getPreferenceCenter(owner.id)).categories.map((c) => c.category)).toContain("reviews");
  });

  it("saves each part and reads it back", async () => {
    const user = await createUser(db);
    const api = createCaller({ user: { id: user.id, role: "CUSTOMER" } });
    const p = await api.preferences.update({
      channels: [{ channel: "EMAIL", enabled: false }],
      categories: [{ category: "listings", channel: "EMAIL", enabled: false }, { category: "business", channel: "EMAIL", enabled: true }],
      digestCadence: "WEEKLY",
      quietHours: { enabled: true, start: "23:30", end: "06:15" },
      timezone: "America/New_York",
      emailUnsubscribed: true,
    });
    expect(p.channels.find((c) => c.channel === "EMAIL")!.enabled).toBe(false);
    expect(cell(p, "listings", "EMAIL").enabled).toBe(false);
    expect(cell(p, "business", "EMAIL").enabled).toBe(true);
    expect(p).toMatchObject({ digestCadence: "WEEKLY", quietHours: { enabled: true, start: "23:30", end: "06:15" }, timezone: "America/New_York" });
    expect(p.emailUnsubscribedAt).not.toBeNull();
    expect(await api.preferences.get()).toEqual(p);
    const undone = await api.preferences.update({ emailUnsubscribed: false, quietHours: { enabled: false, start: "23:30", end: "06:15" } });
    expect(undone.emailUnsubscribedAt).toBeNull();
    expect(undone.quietHours).toEqual({ enabled: false, start: "23:30", end: "06:15" });
  });

  it("keeps a custom quiet-hours window while quiet hours are off, and restores it when they are switched on", async () => {
    const user = await createUser(db);
    const api = createCaller({ user: { id: user.id, role: "CUSTOMER" } });
    await api.preferences.update({ quietHours: { enabled: true, start: "21:15", end: "05:45" } });
    const off = await api.preferences.update({ quietHours: { enabled: false, start: "21:15", end: "05:45" } });
    expect(off.quietHours).toEqual({ enabled: false, start: "21:15", end: "05:45" });
    const on = await api.preferences.update({ quietHours: { ...off.quietHours, enabled: true } });
    expect(on.quietHours).toEqual({ enabled: true, start: "21:15", end: "05:45" });
  });

  it("rejects unknown fields, locked cells, cells no type is sent by and bad values, changing nothing", async () => {
    const user = await createUser(db);
    const api = createCaller({ user: { id: user.id, role: "CUSTOMER" } });
    const before = await api.preferences.get();
    const bad: unknown[] = [
      { digestCadence: "DAILY", sneaky: 1 },
      { categories: [{ category: "account", channel: "EMAIL", enabled: false }] },
      { categories: [{ category: "listings", channel: "IN_APP", enabled: false }] },
      { categories: [{ category: "listings", channel: "SMS", enabled: true }] },
      { channels: [{ channel: "IN_APP", enabled: false }] },
      { categories: [{ category: "nope", channel: "EMAIL", enabled: false }] },
      { quietHours: { enabled: true, start: "24:00", end: "07:00" } },
      { quietHours: { enabled: true, start: "07:00", end: "07:00" } },
      { timezone: "Mars/Olympus_Mons" },
      { digestCadence: "HOURLY" },
    ];
    for (const input of bad) {
      expect(await code(api.preferences.update(input as never)), JSON.stringify(input)).toBe("BAD_REQUEST");
    }
    expect(await api.preferences.get()).toEqual(before);
    expect(await db.notificationPreference.count({ where: { userId: user.id } })).toBe(0);
    expect(await code(createCaller({ user: null }).preferences.get())).toBe("UNAUTHORIZED");
  });
});

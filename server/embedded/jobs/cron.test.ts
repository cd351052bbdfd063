/**
 * Unit tests of the cron parser and tick arithmetic (`cron.ts`), including time zones and DST, and of the
 * Sleep op's duration/time reading (`run-driver.ts`). The last block pins the edges where `cron.ts` keeps
 * Herald's documented reading over croner's own: `a/step` in the day of week, a step wider than its range,
 * robfig's unrestricted-day rule, croner's extensions refused, and one DST rule for interval schedules too.
 */
import { describe, expect, it } from "vitest";
import { CronSyntaxError, nextTick, parseCron, previousTick, wallToInstant } from "./cron";
import { MAX_SLEEP_MS, sleepWakeAt } from "./run-driver";

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The first `n` ticks after `from`. */
function ticks(expr: string, from: string, n: number): (string | null)[] {
  const s = parseCron(expr);
  const out: (string | null)[] = [];
  let at = t(from);
  for (let i = 0; i < n; i++) {
    const next = nextTick(s, at);
    out.push(iso(next));
    if (next === null) break;
    at = next;
  }
  return out;
}

describe("cron parsing", () => {
  it("reads lists, ranges, steps, names and the day-of-week 7 alias", () => {
    const s = parseCron("0,30 9-17/4 * JAN-mar mon-FRI");
    expect(s).toMatchObject({ timeZone: "UTC", minutes: [0, 30], hours: [9, 13, 17], domRestricted: false, dowRestricted: true });
    expect([...s.months].sort()).toEqual([1, 2, 3]);
    expect([...s.daysOfWeek].sort()).toEqual([1, 2, 3, 4, 5]);
    expect([...parseCron("0 0 * * 5-7").daysOfWeek].sort()).toEqual([0, 5, 6]);
    expect(parseCron("*/20 * * * *").minutes).toEqual([0, 20, 40]);
    expect(parseCron("10/20 * * * *").minutes).toEqual([10, 30, 50]);
    expect(parseCron("@daily")).toMatchObject({ minutes: [0], hours: [0] });
    expect(parseCron("@hourly").minutes).toEqual([0]);
    expect(parseCron("TZ=Europe/Berlin @weekly")).toMatchObject({ timeZone: "Europe/Berlin", minutes: [0], hours: [0] });
    expect(parseCron("CRON_TZ=Asia/Tokyo 0 8 * * *").timeZone).toBe("Asia/Tokyo");
  });

  it("refuses invalid expressions with the reason", () => {
    const cases: [string, RegExp][] = [
      ["61 * * * *", /minute: 61 is outside 0-59/],
      ["* * * *", /expected 5 fields/],
      ["0 0 * * * *", /expected 5 fields.*found 6/],
      ["5-1 * * * *", /runs backwards/],
      ["*/0 * * * *", /step "0" must be a positive integer/],
      ["a * * * *", /minute: "a" is not a number/],
      ["1,,2 * * * *", /empty list item/],
      ["0 0 30 2 *", /never matches any date/],
      ["@fortnightly", /unknown alias/],
      ["TZ=Mars/Olympus_Mons 0 8 * * *", /unknown time zone "Mars\/Olympus_Mons"/],
      ["TZ=Europe/Berlin", /must be followed by a space/],
      ["", /expected 5 fields/],
    ];
    for (const [expr, reason] of cases) {
      let error: unknown;
      try {
        parseCron(expr);
      } catch (e) {
        error = e;
      }
      expect(error, expr).toBeInstanceOf(CronSyntaxError);
      expect((error as Error).message, expr).toMatch(reason);
      expect((error as Error).message).toContain(`"${expr}"`);
    }
  });
});

describe("cron ticks", () => {
  it("steps through UTC ticks, strictly after the start", () => {
    expect(ticks("*/5 * * * *", "2026-01-01T10:02:30Z", 3)).toEqual(["2026-01-01T10:05:00.000Z", "2026-01-01T10:10:00.000Z", "2026-01-01T10:15:00.000Z"]);
    expect(ticks("*/5 * * * *", "2026-01-01T10:05:00Z", 1)).toEqual(["2026-01-01T10:10:00.000Z"]);
    expect(ticks("0 0 29 2 *", "2026-01-01T00:00:00Z", 2)).toEqual(["2028-02-29T00:00:00.000Z", "2032-02-29T00:00:00.000Z"]);
    expect(ticks("59 23 31 12 *", "2026-12-31T23:59:00Z", 1)).toEqual(["2027-12-31T23:59:00.000Z"]);
  });

  it("joins restricted day-of-month and day-of-week with OR, unrestricted ones with AND", () => {
    // 2026-03-01 is a Sunday; Mondays are 2, 9, 16 …
    expect(ticks("0 12 15 * MON", "2026-03-01T00:00:00Z", 4)).toEqual([
      "2026-03-02T12:00:00.000Z",
      "2026-03-09T12:00:00.000Z",
      "2026-03-15T12:00:00.000Z",
      "2026-03-16T12:00:00.000Z",
    ]);
    expect(ticks("0 12 * * MON", "2026-03-01T00:00:00Z", 1)).toEqual(["2026-03-02T12:00:00.000Z"]);
    expect(ticks("0 12 15 * *", "2026-03-01T00:00:00Z", 1)).toEqual(["2026-03-15T12:00:00.000Z"]);
  });

  it("reads the fields in the TZ= zone", () => {
    expect(ticks("TZ=Africa/Johannesburg 0 8 * * *", "2026-01-01T00:00:00Z", 2)).toEqual(["2026-01-01T06:00:00.000Z", "2026-01-02T06:00:00.000Z"]);
    expect(ticks("TZ=Asia/Kolkata 0 9 * * *", "2026-01-01T00:00:00Z", 1)).toEqual(["2026-01-01T03:30:00.000Z"]);
    expect(ticks("TZ=America/New_York 0 0 1 * *", "2026-06-15T00:00:00Z", 1)).toEqual(["2026-07-01T04:00:00.000Z"]);
  });

  it("spring forward (Europe/Berlin, 2026-03-29): a local time in the gap fires once, at the end of the gap", () => {
    expect(ticks("TZ=Europe/Berlin 30 2 * * *", "2026-03-28T12:00:00Z", 3)).toEqual([
      "2026-03-29T01:00:00.000Z", // 02:30 does not exist: 03:00 CEST
      "2026-03-30T00:30:00.000Z", // 02:30 CEST
      "2026-03-31T00:30:00.000Z",
    ]);
    // Every quarter hour of the missing hour collapses onto one tick at 03:00 CEST.
    expect(ticks("TZ=Europe/Berlin */15 2-3 29 3 *", "2026-03-28T23:00:00Z", 4)).toEqual([
      "2026-03-29T01:00:00.000Z",
      "2026-03-29T01:15:00.000Z",
      "2026-03-29T01:30:00.000Z",
      "2026-03-29T01:45:00.000Z",
    ]);
    expect(iso(wallToInstant("Europe/Berlin", t("2026-03-29T02:30:00Z")))).toBe("2026-03-29T01:00:00.000Z");
  });

  it("fall back (Europe/Berlin, 2026-10-25): a repeated local time fires once, at its first occurrence", () => {
    expect(ticks("TZ=Europe/Berlin 30 2 * * *", "2026-10-24T12:00:00Z", 2)).toEqual([
      "2026-10-25T00:30:00.000Z", // 02:30 CEST; 02:30 CET (01:30 UTC) does not fire again
      "2026-10-26T01:30:00.000Z", // 02:30 CET
    ]);
    expect(ticks("TZ=Europe/Berlin */20 * * * *", "2026-10-24T23:50:00Z", 5)).toEqual([
      "2026-10-25T00:00:00.000Z", // 02:00 CEST
      "2026-10-25T00:20:00.000Z",
      "2026-10-25T00:40:00.000Z",
      "2026-10-25T02:00:00.000Z", // 03:00 CET: the repeated 02:xx hour is not run twice
      "2026-10-25T02:20:00.000Z",
    ]);
    // From inside the repeated hour, the tick already passed (at its first occurrence).
    expect(ticks("TZ=Europe/Berlin 30 2 * * *", "2026-10-25T01:10:00Z", 1)).toEqual(["2026-10-26T01:30:00.000Z"]);
  });

  it("finds the latest tick at or before a time", () => {
    const every5 = parseCron("*/5 * * * *");
    expect(iso(previousTick(every5, t("2026-01-01T10:07:00Z")))).toBe("2026-01-01T10:05:00.000Z");
    expect(iso(previousTick(every5, t("2026-01-01T10:05:00Z")))).toBe("2026-01-01T10:05:00.000Z");
    expect(iso(previousTick(parseCron("0 8 * * *"), t("2026-01-01T07:59:00Z")))).toBe("2025-12-31T08:00:00.000Z");
    const berlin = parseCron("TZ=Europe/Berlin 30 2 * * *");
    expect(iso(previousTick(berlin, t("2026-03-29T01:10:00Z")))).toBe("2026-03-29T01:00:00.000Z");
    expect(iso(previousTick(berlin, t("2026-03-29T00:59:00Z")))).toBe("2026-03-28T01:30:00.000Z");
    expect(iso(previousTick(berlin, t("2026-10-25T01:45:00Z")))).toBe("2026-10-25T00:30:00.000Z");
  });
});

describe("Sleep op durations and times", () => {
  const now = t("2026-01-01T00:00:00Z");
  it("reads the SDK's compact durations from now, and ISO times", () => {
    expect(sleepWakeAt("2s", now)).toEqual({ ok: true, wakeAt: now + 2000 });
    expect(sleepWakeAt("1w2d3h4m5s", now)).toEqual({ ok: true, wakeAt: now + ((9 * 24 + 3) * 3600 + 4 * 60 + 5) * 1000 });
    expect(sleepWakeAt("", now)).toEqual({ ok: true, wakeAt: now });
    expect(sleepWakeAt("2026-01-02T03:04:05.000Z", now)).toEqual({ ok: true, wakeAt: t("2026-01-02T03:04:05Z") });
    expect(sleepWakeAt("2025-01-01T00:00:00.000Z", now)).toEqual({ ok: true, wakeAt: now });
    expect(sleepWakeAt("soon", now)).toMatchObject({ ok: false, reason: expect.stringContaining('"soon"') });
    expect(sleepWakeAt(undefined, now).ok).toBe(false);
    expect(MAX_SLEEP_MS).toBe(365 * 86_400_000);
  });
});

describe("cron fields as Herald reads them", () => {
  it("runs a day-of-week `a/step` up to 7 (Sunday)", () => {
    expect([...parseCron("0 0 * * 5/1").daysOfWeek].sort()).toEqual([0, 5, 6]);
    expect([...parseCron("0 0 * * 7/1").daysOfWeek]).toEqual([0]);
    expect([...parseCron("0 0 * * SAT/1").daysOfWeek].sort()).toEqual([0, 6]);
  });

  it("reads a step wider than its range as the range's first value", () => {
    expect(parseCron("*/100 * * * *").minutes).toEqual([0]);
    expect(parseCron("5/70 * * * *").minutes).toEqual([5]);
    expect([...parseCron("0 0 1-31/40 * *").daysOfMonth]).toEqual([1]);
  });

  it("counts a day field unrestricted when one item is * or ? without a step above 1 (AND with the other field)", () => {
    expect(parseCron("0 12 */1 * MON")).toMatchObject({ domRestricted: false, dowRestricted: true });
    expect(parseCron("0 12 1,* * MON").domRestricted).toBe(false);
    expect(parseCron("0 12 */2 * MON").domRestricted).toBe(true);
    // 2026-03-01 is a Sunday: only Mondays, not every day.
    expect(ticks("0 12 */1 * MON", "2026-03-01T00:00:00Z", 2)).toEqual(["2026-03-02T12:00:00.000Z", "2026-03-09T12:00:00.000Z"]);
    // Restricted on both sides: the 1st, 3rd, … OR Mondays.
    expect(ticks("0 12 */2 * MON", "2026-03-01T00:00:00Z", 3)).toEqual(["2026-03-01T12:00:00.000Z", "2026-03-02T12:00:00.000Z", "2026-03-03T12:00:00.000Z"]);
  });

  it("refuses croner's extensions, as Inngest does", () => {
    for (const [expr, reason] of [
      ["0 0 L * *", /day of month: "L" is not a number/],
      ["0 0 15W * *", /day of month: "15W" is not a number/],
      ["0 0 * * FRI#2", /day of week: "FRI#2" is not a number/],
      ["0 0 0 * * *", /expected 5 fields.*found 6/],
      ["@reboot", /unknown alias/],
    ] as const) {
      expect(() => parseCron(expr), expr).toThrow(CronSyntaxError);
      expect(() => parseCron(expr), expr).toThrow(reason);
    }
  });
});

describe("DST for interval schedules (Europe/Berlin)", () => {
  it("a gap hour's quarter hours collapse onto one tick at the end of the gap", () => {
    expect(ticks("TZ=Europe/Berlin */15 2 * * *", "2026-03-28T12:00:00Z", 3)).toEqual([
      "2026-03-29T01:00:00.000Z", // 02:00–02:45 do not exist: once, at 03:00 CEST
      "2026-03-30T00:00:00.000Z", // 02:00 CEST
      "2026-03-30T00:15:00.000Z",
    ]);
  });

  it("the repeated hour runs once, at its first occurrence", () => {
    expect(ticks("TZ=Europe/Berlin 0,30 2 * * *", "2026-10-24T12:00:00Z", 3)).toEqual([
      "2026-10-25T00:00:00.000Z", // 02:00 CEST
      "2026-10-25T00:30:00.000Z", // 02:30 CEST; not again at 02:00/02:30 CET
      "2026-10-26T01:00:00.000Z", // 02:00 CET
    ]);
  });
});

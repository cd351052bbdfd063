/**
 * The edges where `cron.ts` keeps Herald's documented reading (its module header) over croner's own:
 * `a/step` in the day of week, a step wider than its range, robfig's unrestricted-day rule, croner's
 * extensions refused, and one DST rule for interval schedules too. `cron.test.ts` holds the general contract.
 */
import { describe, expect, it } from "vitest";
import { CronSyntaxError, nextTick, parseCron } from "./cron";

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

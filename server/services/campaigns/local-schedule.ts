import "server-only";
/**
 * Scheduling a campaign at a wall-clock time in the admin's chosen IANA time zone (issue 6; /admin/campaigns):
 * `<input type="datetime-local">` gives a date-time without an offset, and the zone's rules (daylight saving
 * time included, from the runtime's time zone database) turn it into the UTC instant that
 * {@link scheduleCampaign} stores.
 */
import { tzOffset } from "@date-fns/tz";
import { AppError } from "../errors";
import { scheduleCampaign } from "./campaigns";
import type { Campaign } from "../../generated/prisma/client";

/** `YYYY-MM-DDTHH:mm` or `YYYY-MM-DDTHH:mm:ss`: what `<input type="datetime-local">` gives, no offset. */
export const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The UTC offset (ms, east positive) of `timeZone` at the instant `utcMs`, from `@date-fns/tz` (Herald's one
 * time-zone library; it reads the runtime's time zone database through `Intl`).
 * @throws RangeError for a zone the runtime does not know
 */
function offsetAt(utcMs: number, timeZone: string): number {
  const minutes = tzOffset(timeZone, new Date(utcMs));
  if (Number.isNaN(minutes)) throw new RangeError(`Unknown time zone: ${timeZone}`);
  return minutes * 60_000;
}

/**
 * The UTC instant at which the wall clock in `timeZone` shows `local` (ISO 8601 local date-time, no
 * offset), honouring daylight saving time from the runtime's time zone database.
 * - A time that happens twice (clocks go back) is its first occurrence.
 * - A time that never happens (clocks go forward, e.g. 02:30 on 29 March 2026 in Europe/Berlin) is `null`.
 * @param local e.g. "2026-03-29T03:30"
 * @param timeZone an IANA zone, e.g. "Europe/Berlin"
 * @returns the instant, or null when `local` does not exist in that zone
 * @throws RangeError for a malformed date-time or an unknown zone
 */
export function zonedLocalToUtc(local: string, timeZone: string): Date | null {
  const m = LOCAL_DATE_TIME.exec(local);
  if (!m) throw new RangeError(`Not a local date-time: ${local}`);
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new RangeError(`Not a calendar date-time: ${local}`);
  }
  // The offsets in force around that wall-clock time (a day either side covers any one transition).
  const offsets = new Set([offsetAt(wall - 86_400_000, timeZone), offsetAt(wall, timeZone), offsetAt(wall + 86_400_000, timeZone)]);
  const instants = [...offsets].map((o) => wall - o).filter((t) => offsetAt(t, timeZone) === wall - t);
  return instants.length === 0 ? null : new Date(Math.min(...instants));
}

/**
 * Schedules a campaign at `localDateTime` on the wall clock of `timeZone` (converted with
 * {@link zonedLocalToUtc}); everything else as {@link scheduleCampaign} (at least a minute ahead, at most
 * 30 days, complaint limit, hourly bulk limit).
 * @param localDateTime e.g. "2026-03-29T10:00" (see {@link LOCAL_DATE_TIME})
 * @param timeZone an IANA zone, e.g. "Africa/Johannesburg"; kept on the campaign for display
 * @param opts.override schedule although recent complaint rates passed 0.3% (audited)
 * @throws AppError VALIDATION_ERROR (`details.scheduledAt`) for a date-time that is not on the calendar or
 *   does not exist in that zone (the clocks go forward then); whatever {@link scheduleCampaign} throws
 */
export function scheduleCampaignAtLocalTime(
  adminId: string,
  id: string,
  localDateTime: string,
  timeZone: string,
  now = new Date(),
  opts: { override?: boolean } = {},
): Promise<Campaign> {
  let when: Date | null;
  try {
    when = zonedLocalToUtc(localDateTime, timeZone);
  } catch {
    throw new AppError("VALIDATION_ERROR", "Choose a date and time", { scheduledAt: ["Not a date on the calendar"] });
  }
  if (!when) {
    const message = `${localDateTime.replace("T", " ")} does not exist in ${timeZone}: the clocks go forward then. Choose another time.`;
    throw new AppError("VALIDATION_ERROR", message, { scheduledAt: [message] });
  }
  return scheduleCampaign(adminId, id, when, timeZone, now, opts);
}

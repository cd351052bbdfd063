import "server-only";
/**
 * Snooze (docs/requirements.md R5.7): a snoozed notification leaves the inbox and its counts until a time
 * the user picks, then comes back to the top of the inbox, unread and new (unseen), live. The return is
 * durable: snoozing records `notifications/snoozed` in the outbox with the snooze, and the
 * `wake-snoozed-notifications` function sleeps until then (a durable step sleep: it survives restarts) and
 * calls {@link wakeSnoozed}. Re-snoozing records another event; each run wakes only rows whose snooze has
 * ended by its own time, so a later snooze outlives an earlier run and an earlier one wakes on its own.
 *
 * Times are instants (UTC); the presets are wall-clock times in the user's time zone
 * (`users.timezone`), computed with `@date-fns/tz`.
 */
import { TZDate } from "@date-fns/tz";
import { addDays, addHours, nextMonday, setHours, startOfDay, startOfHour } from "date-fns";
import { db } from "../../db";
import { AppError } from "../errors";
import { withEvents } from "../outbox/outbox";
import { signalEvents, signalUsers } from "../realtime";
import { newNotificationSignals } from "./inbox-signals";
import { afterChange, distinctIds, type ChangeResult } from "./update-notifications";
import { notificationsSnoozed } from "../../events";

/** The quick choices of the snooze menu. */
export type SnoozePreset = "later_today" | "tomorrow" | "next_week";

/** One quick choice: its instant, ISO 8601 UTC. */
export interface SnoozeOption {
  preset: SnoozePreset;
  until: string;
}

/** The longest snooze, in ms (a year). */
export const SNOOZE_MAX_MS = 366 * 86_400_000;
/** The morning hour "tomorrow" and "next week" return at, in the user's time zone. */
const MORNING_HOUR = 8;
/** "Later today" is offered while it still falls on this day at or before this hour. */
const LAST_LATER_TODAY_HOUR = 21;

/**
 * The snooze menu's quick choices at `now` for someone in `timeZone`:
 * - `later_today`: 3 hours on, rounded up to the hour (offered until it would pass 21:00 or midnight);
 * - `tomorrow`: 08:00 the next day;
 * - `next_week`: 08:00 next Monday (a week on, when it is Monday; not offered on Sundays, when it is
 *   tomorrow morning).
 * DST is the zone's: 08:00 is 08:00 on the wall whatever the offset that day.
 * @param timeZone an IANA zone, e.g. "Africa/Johannesburg"
 */
export function snoozeOptions(now: Date, timeZone: string): SnoozeOption[] {
  const local = new TZDate(now.getTime(), timeZone);
  const options: SnoozeOption[] = [];
  const plus3 = addHours(local, 3);
  const later = plus3.getTime() === startOfHour(plus3).getTime() ? plus3 : addHours(startOfHour(plus3), 1);
  if (later.getDate() === local.getDate() && later.getHours() <= LAST_LATER_TODAY_HOUR) {
    options.push({ preset: "later_today", until: new Date(later.getTime()).toISOString() });
  }
  const tomorrow = setHours(startOfDay(addDays(local, 1)), MORNING_HOUR);
  options.push({ preset: "tomorrow", until: new Date(tomorrow.getTime()).toISOString() });
  const monday = setHours(startOfDay(nextMonday(local)), MORNING_HOUR);
  if (monday.getTime() !== tomorrow.getTime()) options.push({ preset: "next_week", until: new Date(monday.getTime()).toISOString() });
  return options;
}

/**
 * The instant at which the wall clock in `timeZone` shows `local` ("YYYY-MM-DDTHH:mm", seconds optional,
 * as an `<input type="datetime-local">` gives it); a time skipped by a DST change moves forward by the gap.
 * @returns null when `local` is not such a date-time
 */
export function localTimeToInstant(local: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const at = new TZDate(y, mo - 1, d, h, mi, s, timeZone);
  // Reject what Date would roll over (Feb 30 → Mar 2, 24:00 → next day).
  if (Number.isNaN(at.getTime()) || at.getFullYear() !== y || at.getMonth() !== mo - 1 || at.getDate() !== d || h > 23) return null;
  return new Date(at.getTime());
}

/** The user's time zone (IANA). @throws AppError NOT_FOUND */
async function userTimeZone(userId: string): Promise<string> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { timezone: true } });
  if (!user) throw new AppError("NOT_FOUND", "User not found");
  return user.timezone;
}

/** The user's time zone and the snooze menu's quick choices for them now. */
export async function snoozeChoices(userId: string, now = new Date()): Promise<{ timeZone: string; options: SnoozeOption[] }> {
  const timeZone = await userTimeZone(userId);
  return { timeZone, options: snoozeOptions(now, timeZone) };
}

/**
 * The instant of a snooze given as the user's wall-clock time (the menu's "Pick a time").
 * @throws AppError VALIDATION_ERROR for a malformed time
 */
export async function userLocalTime(userId: string, local: string): Promise<Date> {
  const at = localTimeToInstant(local, await userTimeZone(userId));
  if (!at) throw new AppError("VALIDATION_ERROR", "Pick a date and time", { localTime: ["not a date and time"] });
  return at;
}

/**
 * Snoozes the user's notifications `ids` (1–500, in the inbox: not deleted or archived; snoozed ones take
 * the new time) until `until`, all or nothing. They leave the inbox and its counts at once (the user's tabs
 * get `notifications.changed` with action `snooze`), and come back at `until`.
 * @param until after `now`, at most {@link SNOOZE_MAX_MS} later
 * @throws AppError VALIDATION_ERROR (ids, a time not in the future or too far), NOT_FOUND (any id missing,
 *   archived, deleted or someone else's)
 */
export async function snoozeNotifications(userId: string, ids: readonly string[], until: Date, now = new Date()): Promise<ChangeResult & { until: string }> {
  const unique = distinctIds(ids);
  if (!(until.getTime() > now.getTime())) throw new AppError("VALIDATION_ERROR", "Pick a time in the future", { until: ["in the past"] });
  if (until.getTime() - now.getTime() > SNOOZE_MAX_MS) throw new AppError("VALIDATION_ERROR", "Snooze for at most a year", { until: ["more than a year away"] });
  const result = await withEvents(async (tx, emit) => {
    const changedCount = await tx.$executeRaw`
      UPDATE notifications SET snoozed_until = ${until}::timestamptz
      WHERE id = ANY(${unique}::uuid[]) AND user_id = ${userId}::uuid AND deleted_at IS NULL AND archived_at IS NULL`;
    if (changedCount !== unique.length) throw new AppError("NOT_FOUND", "Notification not found");
    await emit(notificationsSnoozed.create({ userId, ids: unique, until: until.toISOString() }));
    return { changedCount, ...(await afterChange(tx, userId, changedCount)) };
  });
  await signalUsers([userId], "notifications.changed", {
    action: "snooze",
    notification_ids: unique,
    changed_count: result.changedCount,
    unread_count: result.unreadCount,
    unseen_count: result.unseenCount,
    seq: result.seq,
  });
  return { changedCount: result.changedCount, unreadCount: result.unreadCount, unseenCount: result.unseenCount, until: until.toISOString() };
}

/**
 * Brings the user's snoozed notifications `ids` back now (the Snoozed view's "Unsnooze"): on top of the
 * inbox and unread, but seen (the user is looking at them), all or nothing.
 * @throws AppError NOT_FOUND when any id is not a snoozed notification of the user's
 */
export async function unsnoozeNotifications(userId: string, ids: readonly string[]): Promise<{ changedCount: number }> {
  const unique = distinctIds(ids);
  const signals = await db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE notifications SET created_at = now(), snoozed_until = NULL, read_at = NULL, seen_at = now()
      WHERE id = ANY(${unique}::uuid[]) AND user_id = ${userId}::uuid AND snoozed_until IS NOT NULL AND deleted_at IS NULL
      RETURNING id`;
    if (rows.length !== unique.length) throw new AppError("NOT_FOUND", "Notification not found, or no longer snoozed");
    return newNotificationSignals(tx, unique);
  });
  await signalEvents(signals);
  return { changedCount: unique.length };
}

/**
 * Wakes the notifications `ids` whose snooze has ended by `dueBy` (the snooze's own time, so a run never
 * wakes a row re-snoozed for later): they come back on top of the inbox (`created_at` becomes the later of
 * their snooze time and now), unread and unseen, and each recipient gets `notification.new` as for a new
 * notification. Rows no longer snoozed, or deleted, are left alone, so a repeated call wakes nothing twice.
 * @returns how many came back
 */
export async function wakeSnoozed(ids: readonly string[], dueBy: Date): Promise<number> {
  const { signals, woke } = await db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE notifications SET created_at = GREATEST(snoozed_until, now()), snoozed_until = NULL, read_at = NULL, seen_at = NULL
      WHERE id = ANY(${[...ids]}::uuid[]) AND snoozed_until <= ${dueBy}::timestamptz AND deleted_at IS NULL
      RETURNING id`;
    return { woke: rows.length, signals: await newNotificationSignals(tx, rows.map((r) => r.id)) };
  });
  await signalEvents(signals);
  return woke;
}

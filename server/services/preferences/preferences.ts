import "server-only";
/**
 * The preference center (docs/requirements.md R7; issue "People choose what reaches them"): which
 * categories reach a user on which channel, channel master toggles, digest cadence, quiet hours and the
 * email unsubscribe state. Stored as `notification_preferences` rows (only where the user chose; no row =
 * the catalog's default) and one `notification_settings` row.
 */
import { z } from "zod";
import { db } from "../../db";
import { heldDeliveriesReleaseRequested } from "../../events";
import { AppError } from "../errors";
import { withEvents } from "../outbox/outbox";
import { isLocale, LOCALES, type Locale } from "../../../lib/i18n";
import { isTimeZone } from "../../../lib/time-zone";
import { negotiateLocale } from "../../i18n";
import { CATEGORIES, CHANNELS, NOTIFICATION_TYPES, type Category, type ChannelName } from "../notifications/catalog";

/** Channels that can deliver (issue 7 added web push and SMS). */
export const AVAILABLE_CHANNELS: readonly ChannelName[] = ["IN_APP", "EMAIL", "PUSH", "SMS"];

/**
 * Whether a category × channel cell means anything: in-app and email always; push and SMS only for
 * categories with a type sent that way (docs/requirements.md R4.1), so nobody turns on "SMS for reviews" in vain.
 */
export function cellAvailable(category: Category, channel: ChannelName): boolean {
  if (!AVAILABLE_CHANNELS.includes(channel)) return false;
  return channel === "IN_APP" || channel === "EMAIL" || defaultEnabled(category, channel);
}

/** Default quiet hours, minutes after local midnight: 22:00–07:00 (docs/requirements.md R7.4). */
export const DEFAULT_QUIET_HOURS = { start: 22 * 60, end: 7 * 60 } as const;

const CATEGORY_NAMES = Object.keys(CATEGORIES) as Category[];

/** The categories a role can receive: reviews are about one's own business (docs/requirements.md R4.2). */
export function categoriesFor(role: string): Category[] {
  return CATEGORY_NAMES.filter((c) => c !== "reviews" || role === "BUSINESS");
}

/** Types of a category. */
function typesOf(category: Category) {
  return Object.entries(NOTIFICATION_TYPES).filter(([, spec]) => spec.category === category);
}

/**
 * Why a cell cannot be changed, or null. In-app is always on (the inbox keeps everything); a category whose
 * every type is critical cannot be turned off on any channel (docs/requirements.md R4.3, R7.2).
 */
export function lockReason(category: Category, channel: ChannelName): string | null {
  if (channel === "IN_APP") return "Your inbox always keeps a copy";
  const types = typesOf(category);
  if (types.length > 0 && types.every(([, spec]) => spec.critical)) return "Security and account messages always reach you";
  return null;
}

/** The catalog's default for a category × channel: on when any of its types uses the channel by default. */
export function defaultEnabled(category: Category, channel: ChannelName): boolean {
  return typesOf(category).some(([, spec]) => (spec.channels as readonly string[]).includes(channel));
}

/** "HH:MM" ⇄ minutes after midnight. */
const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use HH:MM, 00:00–23:59")
  .transform((v) => Number(v.slice(0, 2)) * 60 + Number(v.slice(3)));
export const formatMinutes = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

export interface PreferenceCenter {
  /**
   * `note`: what the channel still needs to reach this user (no push device, no verified phone, STOP), or
   * null; `noteCode` says the same for pages that word it in the reader's language.
   */
  channels: { channel: ChannelName; enabled: boolean; available: boolean; locked: string | null; note: string | null; noteCode: ChannelNote | null }[];
  categories: {
    category: Category;
    description: string;
    /** Critical types in the category that bypass these choices, e.g. ["Pickup reminder"]. */
    alwaysSent: string[];
    /** The same types by name, e.g. ["pickup_reminder"]. */
    alwaysSentTypes: string[];
    cells: { channel: ChannelName; enabled: boolean; available: boolean; locked: string | null }[];
  }[];
  digestCadence: "OFF" | "DAILY" | "WEEKLY";
  quietHours: { enabled: boolean; start: string; end: string };
  /** IANA zone of the user's quiet hours and digests. */
  timezone: string;
  /** The language the person chose (lib/i18n.ts), or null when they have not (server/i18n.ts decides). */
  locale: Locale | null;
  /** ISO 8601 when unsubscribed from all non-essential email, else null. */
  emailUnsubscribedAt: string | null;
}

/** What a channel still needs to reach someone. */
export type ChannelNote = "no_device" | "needs_phone" | "sms_stopped";

const NOTE_TEXT: Record<ChannelNote, string> = {
  no_device: "No device yet: turn on push for this browser below",
  needs_phone: "Needs a verified phone number:",
  sms_stopped: "You replied STOP; resume texts in",
};

function channelNote(
  channel: ChannelName,
  user: { _count: { pushSubscriptions: number; nativeDevices: number }; phoneVerifiedAt: Date | null; smsOptedOutAt: Date | null },
): { note: string | null; noteCode: ChannelNote | null } {
  const code: ChannelNote | null =
    // A browser with push on, or a native app's device (issue 17), counts as a device.
    channel === "PUSH" && user._count.pushSubscriptions + user._count.nativeDevices === 0
      ? "no_device"
      : channel === "SMS" && !user.phoneVerifiedAt
        ? "needs_phone"
        : channel === "SMS" && user.smsOptedOutAt
          ? "sms_stopped"
          : null;
  return { note: code ? NOTE_TEXT[code] : null, noteCode: code };
}

/**
 * Everything the preference center shows, with defaults filled in.
 * @throws AppError NOT_FOUND when the user does not exist.
 */
export async function getPreferenceCenter(userId: string): Promise<PreferenceCenter> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      role: true,
      timezone: true,
      locale: true,
      settings: true,
      phoneVerifiedAt: true,
      smsOptedOutAt: true,
      preferences: { select: { category: true, channel: true, enabled: true } },
      _count: { select: { pushSubscriptions: { where: { deactivatedAt: null } }, nativeDevices: { where: { disabledAt: null } } } },
    },
  });
  if (!user) throw new AppError("NOT_FOUND", "User not found");
  const s = user.settings;
  const master: Record<ChannelName, boolean> = {
    IN_APP: true,
    EMAIL: s?.emailEnabled ?? true,
    PUSH: s?.pushEnabled ?? true,
    SMS: s?.smsEnabled ?? false,
  };
  const chosen = new Map(user.preferences.map((p) => [`${p.category}:${p.channel}`, p.enabled]));
  const quietStart = s?.quietHoursStart ?? DEFAULT_QUIET_HOURS.start;
  const quietEnd = s?.quietHoursEnd ?? DEFAULT_QUIET_HOURS.end;
  return {
    channels: CHANNELS.map((channel) => ({
      channel,
      enabled: master[channel],
      available: AVAILABLE_CHANNELS.includes(channel),
      locked: channel === "IN_APP" ? "Your inbox always keeps a copy" : null,
      ...channelNote(channel, user),
    })),
    categories: categoriesFor(user.role).map((category) => ({
      category,
      description: CATEGORIES[category],
      alwaysSent: typesOf(category).filter(([, spec]) => spec.critical).map(([, spec]) => spec.label),
      alwaysSentTypes: typesOf(category).filter(([, spec]) => spec.critical).map(([type]) => type),
      cells: CHANNELS.map((channel) => {
        const locked = lockReason(category, channel);
        return {
          channel,
          enabled: locked ? true : (chosen.get(`${category}:${channel}`) ?? defaultEnabled(category, channel)),
          available: cellAvailable(category, channel),
          locked,
        };
      }),
    })),
    digestCadence: s?.digestCadence ?? "OFF",
    quietHours: {
      enabled: !s || (s.quietHoursEnabled && s.quietHoursStart !== null && s.quietHoursEnd !== null),
      start: formatMinutes(quietStart),
      end: formatMinutes(quietEnd),
    },
    timezone: user.timezone,
    locale: isLocale(user.locale) ? user.locale : null,
    emailUnsubscribedAt: s?.emailUnsubscribedAt?.toISOString() ?? null,
  };
}

/** A change from the preference center; every part optional, unknown fields rejected. */
export const preferenceUpdateInput = z
  .object({
    channels: z
      .array(z.object({ channel: z.enum(CHANNELS), enabled: z.boolean() }).strict())
      .max(CHANNELS.length)
      .optional(),
    categories: z
      .array(z.object({ category: z.enum(CATEGORY_NAMES as [Category, ...Category[]]), channel: z.enum(CHANNELS), enabled: z.boolean() }).strict())
      .max(CATEGORY_NAMES.length * CHANNELS.length)
      .optional(),
    digestCadence: z.enum(["OFF", "DAILY", "WEEKLY"]).optional(),
    quietHours: z.object({ enabled: z.boolean(), start: hhmm, end: hhmm }).strict().optional(),
    timezone: z.string().refine(isTimeZone, "Unknown time zone").optional(),
    /** The language of Herald's pages and of everything sent to the person. */
    locale: z.enum(LOCALES).optional(),
    emailUnsubscribed: z.boolean().optional(),
  })
  .strict();
/** A validated change (times in minutes after midnight). Parse with {@link preferenceUpdateInput} first. */
export type PreferenceChange = z.output<typeof preferenceUpdateInput>;

/**
 * Applies a validated change (tRPC and the HTTP API parse with {@link preferenceUpdateInput}) in one
 * transaction and returns the new state. Changing a locked cell (in-app, or a
 * category that is all critical) or a channel that is not available yet is a VALIDATION_ERROR and changes
 * nothing. Quiet hours with the same start and end are refused (an empty or a 24-hour window is a mistake).
 * Switching quiet hours off keeps the window, so switching them on again restores it.
 * A change of quiet hours or time zone makes what quiet hours held for the user due at once: their held
 * emails, pushes and texts are decided again under the new window by `release-held-deliveries`, which the
 * change requests through the outbox (so a held message is not kept waiting for a window that no longer applies).
 * @throws AppError VALIDATION_ERROR, NOT_FOUND
 */
export async function updatePreferences(userId: string, change: PreferenceChange): Promise<PreferenceCenter> {
  for (const c of change.channels ?? []) {
    if (c.channel === "IN_APP" && !c.enabled) throw new AppError("VALIDATION_ERROR", "In-app notifications cannot be turned off", { channels: ["IN_APP is always on"] });
    if (!AVAILABLE_CHANNELS.includes(c.channel)) throw new AppError("VALIDATION_ERROR", `${c.channel} is not available yet`, { channels: [`${c.channel} is not available yet`] });
  }
  for (const c of change.categories ?? []) {
    const locked = lockReason(c.category, c.channel);
    if (locked && !c.enabled) throw new AppError("VALIDATION_ERROR", `${locked}: ${c.category} × ${c.channel} cannot be turned off`, { categories: [locked] });
    if (!cellAvailable(c.category, c.channel)) throw new AppError("VALIDATION_ERROR", `${c.category} is not sent by ${c.channel}`, { categories: [`${c.category} is not sent by ${c.channel}`] });
  }
  if (change.quietHours?.enabled && change.quietHours.start === change.quietHours.end) {
    throw new AppError("VALIDATION_ERROR", "Quiet hours must start and end at different times", { quietHours: ["start and end are equal"] });
  }
  await withEvents(async (tx, emit) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (!user) throw new AppError("NOT_FOUND", "User not found");
    const settings: Record<string, unknown> = {};
    for (const c of change.channels ?? []) {
      if (c.channel === "EMAIL") settings.emailEnabled = c.enabled;
      if (c.channel === "PUSH") settings.pushEnabled = c.enabled;
      if (c.channel === "SMS") settings.smsEnabled = c.enabled;
    }
    if (change.digestCadence) settings.digestCadence = change.digestCadence;
    if (change.quietHours) {
      settings.quietHoursEnabled = change.quietHours.enabled;
      settings.quietHoursStart = change.quietHours.start;
      settings.quietHoursEnd = change.quietHours.end;
    }
    if (change.emailUnsubscribed !== undefined) settings.emailUnsubscribedAt = change.emailUnsubscribed ? new Date() : null;
    if (Object.keys(settings).length > 0) {
      await tx.notificationSettings.upsert({ where: { userId }, create: { userId, ...settings }, update: settings });
    }
    for (const c of change.categories ?? []) {
      await tx.notificationPreference.upsert({
        where: { userId_category_channel: { userId, category: c.category, channel: c.channel } },
        create: { userId, category: c.category, channel: c.channel, enabled: c.enabled },
        update: { enabled: c.enabled },
      });
    }
    if (change.timezone || change.locale) {
      await tx.user.update({ where: { id: userId }, data: { timezone: change.timezone, locale: change.locale } });
    }
    if (change.quietHours || change.timezone) {
      const due = await tx.$executeRaw`
        UPDATE deliveries SET release_at = now(), updated_at = now()
        WHERE user_id = ${userId}::uuid AND status = 'HELD' AND reason = 'quiet_hours'`;
      if (due > 0) await emit(heldDeliveriesReleaseRequested.create({ userId }));
    }
  });
  return getPreferenceCenter(userId);
}

/**
 * At sign-in, a person who never chose a language gets their browser's (its `Accept-Language`, when it names
 * one Herald speaks), so what is sent to them later (emails, texts, pushes) is in the language their pages
 * were in. A choice already made is never changed.
 * @returns whether a language was stored
 */
export async function adoptBrowserLocale(userId: string, acceptLanguage: string | null): Promise<boolean> {
  const locale = negotiateLocale(acceptLanguage);
  if (!locale) return false;
  const { count } = await db.user.updateMany({ where: { id: userId, locale: null }, data: { locale } });
  return count === 1;
}

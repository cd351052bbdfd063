import "server-only";
/**
 * `GET/PUT /api/v1/preferences` (docs/requirements.md R7.6, R15.6) on Herald's preference center
 * (server/services/preferences). The API's four flat booleans map onto Herald's model:
 *
 * | API field                   | Herald                                                                  |
 * |-----------------------------|-------------------------------------------------------------------------|
 * | `email_notifications`       | the EMAIL channel master toggle                                         |
 * | `new_listing_notifications` | category `listings` × EMAIL (in-app always keeps a copy)                |
 * | `promotional_notifications` | category `announcements` × EMAIL                                        |
 * | `weekly_digest`             | digest cadence: true → WEEKLY; false → OFF if it was WEEKLY (DAILY stays) |
 *
 * The full model is accepted under the same body, snake_cased: `channels`, `categories`,
 * `digest_cadence`, `quiet_hours`, `timezone`, `locale` (the language Herald writes to the user in:
 * `en`, `af` or `zu`; null until chosen, when the browser's and then the platform's language apply),
 * `email_unsubscribed` (the preference center's own schema pieces validate them). Unknown fields are a 400.
 */
import { z } from "zod";
import { getPreferenceCenter, preferenceUpdateInput, updatePreferences, type PreferenceCenter, type PreferenceChange } from "../preferences/preferences";

const piece = preferenceUpdateInput.shape;

/** The PUT body: the API's flat booleans (docs/requirements.md R7.6) and/or Herald's full shape; at least one field. */
export const apiPreferencesBody = z
  .object({
    email_notifications: z.boolean().optional(),
    new_listing_notifications: z.boolean().optional(),
    promotional_notifications: z.boolean().optional(),
    weekly_digest: z.boolean().optional(),
    channels: piece.channels,
    categories: piece.categories,
    digest_cadence: piece.digestCadence,
    quiet_hours: piece.quietHours,
    timezone: piece.timezone,
    locale: piece.locale,
    email_unsubscribed: piece.emailUnsubscribed,
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "Send at least one preference" })
  .refine((b) => b.weekly_digest === undefined || b.digest_cadence === undefined, {
    message: "Send weekly_digest or digest_cadence, not both",
    path: ["weekly_digest"],
  });
export type ApiPreferencesBody = z.output<typeof apiPreferencesBody>;

const cell = (p: PreferenceCenter, category: string, channel: string) =>
  p.categories.find((c) => c.category === category)?.cells.find((c) => c.channel === channel)?.enabled ?? false;

/** The API's view of a preference center: the four flat booleans (R7.6) plus the full model, snake_cased. */
export function toApiPreferences(p: PreferenceCenter) {
  return {
    email_notifications: p.channels.find((c) => c.channel === "EMAIL")?.enabled ?? false,
    new_listing_notifications: cell(p, "listings", "EMAIL"),
    promotional_notifications: cell(p, "announcements", "EMAIL"),
    weekly_digest: p.digestCadence === "WEEKLY",
    channels: p.channels.map((c) => ({ channel: c.channel, enabled: c.enabled, available: c.available, locked: c.locked, note: c.note })),
    categories: p.categories.map((c) => ({ category: c.category, description: c.description, always_sent: c.alwaysSent, cells: c.cells })),
    digest_cadence: p.digestCadence,
    quiet_hours: p.quietHours,
    timezone: p.timezone,
    locale: p.locale,
    email_unsubscribed_at: p.emailUnsubscribedAt,
  };
}

/** The user's preferences as the API shows them. */
export async function getApiPreferences(userId: string) {
  return toApiPreferences(await getPreferenceCenter(userId));
}

/**
 * Applies a validated PUT body through `updatePreferences` (one transaction; locked cells and unavailable
 * channels are its VALIDATION_ERRORs) and returns the new state.
 * @throws AppError VALIDATION_ERROR, NOT_FOUND
 */
export async function putApiPreferences(userId: string, b: ApiPreferencesBody) {
  const change: PreferenceChange = {
    channels: [...(b.channels ?? [])],
    categories: [...(b.categories ?? [])],
    ...(b.digest_cadence ? { digestCadence: b.digest_cadence } : {}),
    ...(b.quiet_hours ? { quietHours: b.quiet_hours } : {}),
    ...(b.timezone ? { timezone: b.timezone } : {}),
    ...(b.locale ? { locale: b.locale } : {}),
    ...(b.email_unsubscribed !== undefined ? { emailUnsubscribed: b.email_unsubscribed } : {}),
  };
  if (b.email_notifications !== undefined) change.channels?.push({ channel: "EMAIL", enabled: b.email_notifications });
  if (b.new_listing_notifications !== undefined) change.categories?.push({ category: "listings", channel: "EMAIL", enabled: b.new_listing_notifications });
  if (b.promotional_notifications !== undefined) change.categories?.push({ category: "announcements", channel: "EMAIL", enabled: b.promotional_notifications });
  if (b.weekly_digest === true) change.digestCadence = "WEEKLY";
  if (b.weekly_digest === false) {
    const current = await getPreferenceCenter(userId);
    if (current.digestCadence === "WEEKLY") change.digestCadence = "OFF";
  }
  return toApiPreferences(await updatePreferences(userId, change));
}

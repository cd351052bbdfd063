import "server-only";
/**
 * Why a notification went where it went (issue "People choose what reaches them": "A user can open a
 * notification's details and see which channels it went to and why others were held or skipped; an admin
 * can see the same per user"). Reads `deliveries` (DESIGN §4).
 */
import { db } from "../../db";
import { AppError } from "../errors";
import { CHANNELS, isNotificationType, NOTIFICATION_TYPES, type ChannelName } from "../notifications/catalog";
import { AVAILABLE_CHANNELS } from "../preferences/preferences";

/** People's words for the pipeline's reasons. */
export const REASON_TEXT: Record<string, string> = {
  channel_off: "you turned this channel off",
  unsubscribed: "you unsubscribed from non-essential email",
  preference: "you turned this topic off for this channel",
  suppressed: "this address bounced or reported spam, so we stopped non-essential email to it",
  quiet_hours: "your quiet hours",
  frequency_cap: "today's limit was reached; it goes into your next digest",
  critical: "important enough to always send",
};

export interface ChannelOutcome {
  channel: ChannelName;
  /** delivered (in-app), queued, held, skipped, sent, delivered, bounced, complained, failed, not_used, unavailable */
  status: string;
  reason: string | null;
  /** ISO 8601: when it was sent, or when a hold ends. */
  at: string | null;
}

/**
 * Channel by channel, what happened to one of the user's notifications.
 * @throws AppError NOT_FOUND when missing or someone else's.
 */
export async function notificationDeliveries(userId: string, notificationId: string): Promise<ChannelOutcome[]> {
  const n = await db.notification.findFirst({
    where: { id: notificationId, userId, deletedAt: null },
    select: { type: true, createdAt: true, deliveries: { select: { channel: true, status: true, reason: true, releaseAt: true, sentAt: true } } },
  });
  if (!n) throw new AppError("NOT_FOUND", "Notification not found");
  const channels: readonly string[] = isNotificationType(n.type) ? NOTIFICATION_TYPES[n.type].channels : ["IN_APP"];
  return CHANNELS.map((channel): ChannelOutcome => {
    if (channel === "IN_APP") return { channel, status: "delivered", reason: null, at: n.createdAt.toISOString() };
    const d = n.deliveries.find((x) => x.channel === channel);
    if (d) {
      return {
        channel,
        status: d.status.toLowerCase(),
        reason: d.reason ? (REASON_TEXT[d.reason] ?? d.reason) : null,
        at: (d.status === "HELD" ? d.releaseAt : d.sentAt)?.toISOString() ?? null,
      };
    }
    if (!AVAILABLE_CHANNELS.includes(channel)) return { channel, status: "unavailable", reason: "this channel is not available yet", at: null };
    return { channel, status: "not_used", reason: channels.includes(channel) ? "not decided yet" : "this kind of notification does not use this channel", at: null };
  });
}

/**
 * An admin's view of one user's recent deliveries (newest first, at most 100), with reasons.
 * @throws AppError NOT_FOUND for an unknown email.
 */
export async function userDeliveryLog(email: string) {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true, name: true, email: true, role: true, timezone: true } });
  if (!user) throw new AppError("NOT_FOUND", "No user with that email");
  const rows = await db.delivery.findMany({
    where: { userId: user.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 100,
    select: { id: true, channel: true, status: true, reason: true, releaseAt: true, sentAt: true, createdAt: true, providerMessageId: true, notification: { select: { id: true, type: true, title: true } } },
  });
  return { user, deliveries: rows.map((r) => ({ ...r, reasonText: r.reason ? (REASON_TEXT[r.reason] ?? r.reason) : null })) };
}

import "server-only";
/**
 * Action buttons on notifications (docs/requirements.md R20): up to two per type, from the catalog
 * (./catalog.ts `actions`). A click is recorded (`notification_clicks`), reads the notification, and is
 * reported to the host platform's webhooks as `notification.action_clicked` (../webhooks/webhooks.ts), in
 * one transaction; the answer says where the person goes:
 * - `reserve`: the notification's own target (the listing), while the platform hears of the reservation;
 * - `directions`: a map with directions to the business's address (Google Maps URLs,
 *   https://developers.google.com/maps/documentation/urls/get-started), or the notification's target when
 *   the business has no address.
 */
import { db } from "../../db";
import { AppError } from "../errors";
import { withEvents } from "../outbox/outbox";
import { signalUsers } from "../realtime";
import { enqueueWebhookEvent } from "../webhooks/webhooks";
import { advanceInboxSeq } from "./inbox-signals";
import { actionsOf, type NotificationActionId } from "./catalog";

/** The directions URL for an address (opens the maps app on phones). */
export function directionsUrl(address: string): string {
  return `https://www.google.com/maps/dir/?api=1&destination=${encodeURIComponent(address)}`;
}

/**
 * Records a click on `action` of the user's notification and answers where to go.
 * @returns `url`: app-relative ("/listings/…") or the https map URL
 * @throws AppError NOT_FOUND (missing, deleted or someone else's), VALIDATION_ERROR (the type has no such action)
 */
export async function actOnNotification(userId: string, notificationId: string, action: NotificationActionId, at = new Date()): Promise<{ url: string }> {
  const n = await db.notification.findFirst({
    where: { id: notificationId, userId, deletedAt: null },
    select: { id: true, type: true, data: true, actionUrl: true, businessId: true, readAt: true, business: { select: { address: true } }, user: { select: { email: true } } },
  });
  if (!n) throw new AppError("NOT_FOUND", "Notification not found");
  if (!actionsOf(n.type).includes(action)) {
    throw new AppError("VALIDATION_ERROR", "This notification has no such action", { action: [`not an action of ${n.type}`] });
  }
  const target = n.actionUrl ?? "/notifications";
  const url = action === "directions" && n.business?.address ? directionsUrl(n.business.address) : target;
  const read = await withEvents(async (tx, emit) => {
    await tx.notificationClick.create({ data: { notificationId: n.id, userId, action, clickedAt: at } });
    const changed = await tx.$executeRaw`
      UPDATE notifications SET read_at = now(), seen_at = COALESCE(seen_at, now()) WHERE id = ${n.id}::uuid AND read_at IS NULL`;
    await enqueueWebhookEvent(
      tx,
      emit,
      "notification.action_clicked",
      {
        notification_id: n.id,
        notification_type: n.type,
        action,
        clicked_at: at.toISOString(),
        user: { id: userId, email: n.user.email },
        business_id: n.businessId,
        data: n.data,
      },
      at,
    );
    return changed > 0 ? advanceInboxSeq(tx, userId) : null;
  });
  if (read) {
    await signalUsers([userId], "notification.read", { notification_id: n.id, unread_count: read.unreadCount, unseen_count: read.unseenCount, seq: read.seq });
  }
  return { url };
}

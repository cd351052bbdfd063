/**
 * The realtime contract shared by the server (publisher, channel authorization, signals) and the browser
 * (realtime provider, inbox cache, campaign progress): channel names, event names and the
 * `notification.new` payload (docs/architecture.md "Live inbox"). Plain TypeScript with no imports, so
 * both sides load it.
 *
 * @module
 */

/** `private-user-<userId>`: one user's personal events (inbox signals, campaign progress). */
export function userChannel(userId: string): string {
  return `private-user-${userId}`;
}

/** `private-business-<businessId>`: one business's events (new followers, interactions). */
export function businessChannel(businessId: string): string {
  return `private-business-${businessId}`;
}

/** Every event Herald sends on its channels. */
export const REALTIME_EVENTS = [
  "notification.new",
  "notification.read",
  "notifications.bulk_read",
  "notifications.changed",
  "business.new_follower",
  "interaction.status_changed",
  "campaign.progress",
] as const;

/** A realtime event name. */
export type RealtimeEventName = (typeof REALTIME_EVENTS)[number];

/** The events that change a user's inbox (each carries the user's inbox sequence number). */
export const INBOX_EVENTS = ["notification.new", "notification.read", "notifications.bulk_read", "notifications.changed"] as const;

/** An inbox event name. */
export type InboxEventName = (typeof INBOX_EVENTS)[number];

/**
 * A notification as the inbox lists it, in JSON (`notifications.list` items). All times ISO 8601, UTC.
 * `group` is set when the entry stands for a group of similar unread notifications (its newest member).
 */
export interface InboxEntryJson {
  id: string;
  type: string;
  category: string;
  priority: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  actionUrl: string | null;
  business: { id: string; name: string; slug: string; logoColor: string } | null;
  createdAt: string;
  /** When a list of the bell first showed it (or it was read); null while it still counts on the badge. */
  seenAt: string | null;
  readAt: string | null;
  archivedAt: string | null;
  /** Set while snoozed: when it comes back to the inbox. */
  snoozedUntil: string | null;
  group: {
    /** `"<type>:<businessId>"`. */
    key: string;
    type: string;
    businessId: string;
    businessName: string;
    /** The catalog's plural noun for the type, e.g. "new listings". */
    noun: string;
    count: number;
    /** Member ids, newest first. */
    ids: string[];
  } | null;
}

/**
 * `notification.new`: the original event contract's fields (`notification_id` … `created_at`), plus what
 * the live client patches its cache with: the recipient's unread count and inbox sequence number as of
 * this notification, and the inbox entry's remaining fields (`entry`; {@link entryOfSignal} rebuilds the
 * whole entry, so no field travels twice). Every value is the recipient's own.
 */
export interface NewNotificationPayload {
  notification_id: string;
  notification_type: string;
  title: string;
  message: string;
  /** The business that sent it, or null for a system notification. */
  sender: { name: string; logo: null } | null;
  data: Record<string, unknown>;
  /** ISO 8601, UTC. */
  created_at: string;
  /** The recipient's unread count once this notification is in (as of `seq`). */
  unread_count: number;
  /** The recipient's unseen count (the bell's badge) once this notification is in (as of `seq`). */
  unseen_count: number;
  /** The recipient's inbox sequence number after this notification. */
  seq: number;
  entry: {
    category: string;
    priority: string;
    actionUrl: string | null;
    /** The sender's id, slug and colour (its name is `sender.name`); null exactly when `sender` is. */
    business: { id: string; slug: string; logoColor: string } | null;
    /** Set when the notification joins a group: the group's size with it, and its noun. */
    group: { count: number; noun: string } | null;
  };
}

/**
 * The inbox entry a `notification.new` stands for, exactly as `notifications.list` would list it (unread,
 * not archived; when it joins a group, `group.ids` holds only its own id: the cache adds the members it
 * already holds).
 */
export function entryOfSignal(signal: NewNotificationPayload): InboxEntryJson {
  const { entry } = signal;
  const business = entry.business && signal.sender ? { ...entry.business, name: signal.sender.name } : null;
  return {
    id: signal.notification_id,
    type: signal.notification_type,
    category: entry.category,
    priority: entry.priority,
    title: signal.title,
    body: signal.message,
    data: signal.data,
    actionUrl: entry.actionUrl,
    business,
    createdAt: signal.created_at,
    seenAt: null,
    readAt: null,
    archivedAt: null,
    snoozedUntil: null,
    group:
      entry.group && business
        ? {
            key: `${signal.notification_type}:${business.id}`,
            type: signal.notification_type,
            businessId: business.id,
            businessName: business.name,
            noun: entry.group.noun,
            count: entry.group.count,
            ids: [signal.notification_id],
          }
        : null,
  };
}

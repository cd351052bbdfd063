/**
 * The notification catalog: every type Herald sends, with its category, priority, default channels and
 * whether it is critical (bypasses quiet hours and cannot be turned off). Rules: docs/requirements.md R4.1
 * (types, priorities, default channels, triggers), R4.2 (categories), R4.3 (critical). The one place these
 * facts live (R4.1).
 */
export const CHANNELS = ["IN_APP", "EMAIL", "PUSH", "SMS"] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const CATEGORIES = {
  listings: "New listings and expiring food from businesses you follow",
  pickups: "Pickup reminders and order updates",
  business: "News from businesses you follow",
  reviews: "Reviews of your business",
  account: "Account, verification and security",
  billing: "Payments and subscriptions",
  announcements: "Announcements from the Herald team",
} as const;
export type Category = keyof typeof CATEGORIES;

export type Priority = "low" | "normal" | "high" | "urgent";

/** The action buttons a notification can carry (./actions.ts). */
export const NOTIFICATION_ACTION_IDS = ["reserve", "directions"] as const;
export type NotificationActionId = (typeof NOTIFICATION_ACTION_IDS)[number];

export interface NotificationTypeSpec {
  category: Category;
  priority: Priority;
  /** Channels used when the user has not chosen otherwise (docs/requirements.md R4.1, R7.1). */
  channels: readonly ChannelName[];
  /** Critical: bypasses quiet hours and preferences (docs/requirements.md R4.3). */
  critical: boolean;
  /** A short label for filters and settings. */
  label: string;
  /**
   * Up to two action buttons on the notification (./actions.ts: "reserve" opens the listing and tells the
   * host platform, "directions" opens a map to the business).
   */
  actions?: readonly NotificationActionId[];
  /**
   * The plural noun for a group of these in the inbox ("5 new listings from …"); when absent, the label in
   * lower case with an "s" ("Business update" → "business updates").
   */
  plural?: string;
}

export const NOTIFICATION_TYPES = {
  new_listing: { category: "listings", priority: "normal", channels: ["IN_APP", "EMAIL", "PUSH"], critical: false, label: "New listing", actions: ["reserve", "directions"] },
  listing_expiring: { category: "listings", priority: "normal", channels: ["IN_APP", "PUSH"], critical: false, label: "Listing expiring", plural: "expiring listings", actions: ["reserve", "directions"] },
  // Push as well as email and SMS: the 1-hour reminder goes by push and SMS (docs/requirements.md R4.1, R12.3).
  pickup_reminder: { category: "pickups", priority: "high", channels: ["IN_APP", "EMAIL", "PUSH", "SMS"], critical: true, label: "Pickup reminder", actions: ["directions"] },
  interaction_confirmed: { category: "pickups", priority: "normal", channels: ["IN_APP", "PUSH"], critical: false, label: "Order confirmed", plural: "order confirmations" },
  pickup_missed: { category: "pickups", priority: "high", channels: ["IN_APP", "EMAIL"], critical: false, label: "Missed pickup" },
  order_status: { category: "pickups", priority: "normal", channels: ["IN_APP", "PUSH"], critical: false, label: "Order update" },
  interaction_completed: { category: "pickups", priority: "low", channels: ["IN_APP"], critical: false, label: "Pickup completed", plural: "completed pickups" },
  review_received: { category: "reviews", priority: "normal", channels: ["IN_APP", "EMAIL"], critical: false, label: "Review received", plural: "reviews" },
  business_update: { category: "business", priority: "low", channels: ["IN_APP"], critical: false, label: "Business update" },
  system_announcement: { category: "announcements", priority: "normal", channels: ["IN_APP", "EMAIL"], critical: false, label: "Announcement" },
  welcome: { category: "account", priority: "normal", channels: ["EMAIL"], critical: true, label: "Welcome", plural: "welcome messages" },
  verification_status: { category: "account", priority: "high", channels: ["IN_APP", "EMAIL"], critical: true, label: "Verification", plural: "verification updates" },
  security_alert: { category: "account", priority: "urgent", channels: ["IN_APP", "EMAIL"], critical: true, label: "Security alert" },
  password_reset: { category: "account", priority: "urgent", channels: ["EMAIL"], critical: true, label: "Password reset" },
  booking_confirmed: { category: "pickups", priority: "normal", channels: ["IN_APP", "EMAIL"], critical: false, label: "Booking confirmed", plural: "booking confirmations" },
  // SMS for alerts that cannot wait — a cancelled booking means "do not travel" (docs/requirements.md R4.1).
  booking_cancelled: { category: "pickups", priority: "high", channels: ["IN_APP", "EMAIL", "SMS"], critical: false, label: "Booking cancelled", plural: "booking cancellations" },
  billing: { category: "billing", priority: "high", channels: ["IN_APP", "EMAIL"], critical: true, label: "Billing", plural: "billing notices" },
  digest: { category: "announcements", priority: "low", channels: ["EMAIL"], critical: false, label: "Digest" },
} as const satisfies Record<string, NotificationTypeSpec>;

export type NotificationType = keyof typeof NOTIFICATION_TYPES;
export const NOTIFICATION_TYPE_NAMES = Object.keys(NOTIFICATION_TYPES) as NotificationType[];

export function isNotificationType(v: string): v is NotificationType {
  return Object.hasOwn(NOTIFICATION_TYPES, v);
}

/** The action buttons of a type ([] for none, and for a type the catalog no longer has). */
export function actionsOf(type: string): readonly NotificationActionId[] {
  return isNotificationType(type) ? ((NOTIFICATION_TYPES[type] as NotificationTypeSpec).actions ?? []) : [];
}

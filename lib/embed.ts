/**
 * The embeddable inbox's API contract (docs/requirements.md R21), shared by the server
 * (server/services/embed/) and the `<herald-inbox>` component (embed/). Plain TypeScript with no imports,
 * so both sides load it. Every path is under `/api/embed/v1` and takes `Authorization: Bearer <user token>`.
 *
 * @module
 */

/** The API's base path. */
export const EMBED_API = "/api/embed/v1";

/** The endpoints, relative to the app's origin. */
export const EMBED_PATHS = {
  /** GET: the person's counts and what the component needs to go live. */
  session: `${EMBED_API}/session`,
  /** GET `?limit=1–50&cursor=`: the latest notifications, newest first, keyset pages. */
  notifications: `${EMBED_API}/notifications`,
  /** GET: `{ unread_count, unseen_count, seq }`. */
  counts: `${EMBED_API}/notifications/counts`,
  /** POST `{ notification_ids: [1–500] }`: all or nothing (404 when one is not theirs). */
  markRead: `${EMBED_API}/notifications/mark-read`,
  /** POST: every unread notification in the inbox. */
  markAllRead: `${EMBED_API}/notifications/mark-all-read`,
  /** POST `{ notification_ids: [1–500] }`: what the panel showed; ids not theirs are skipped. */
  markSeen: `${EMBED_API}/notifications/mark-seen`,
  /** POST `socket_id`, `channel_name` (form or JSON): signs the person's own private channel. */
  channelAuth: `${EMBED_API}/realtime/auth`,
} as const;

/** A notification as the embedded inbox lists it. Times are ISO 8601, UTC. */
export interface EmbedNotificationJson {
  id: string;
  /** The catalog type, e.g. `new_listing`. */
  type: string;
  title: string;
  body: string;
  /** The type's structured data (listing id, price, …). */
  data: Record<string, unknown>;
  /** Where it leads on Herald, absolute (on Herald's own origin only), or null. */
  url: string | null;
  /** The business that sent it: its name and colour; null for a system notification. */
  business: { name: string; color: string } | null;
  created_at: string;
  /** Shown in a bell (or read): no longer counted in `unseen_count`. */
  seen_at: string | null;
  read_at: string | null;
}

/** `GET notifications`. */
export interface EmbedPageJson {
  items: EmbedNotificationJson[];
  /** Pass as `cursor` for the next page; null at the end. */
  next_cursor: string | null;
  /** The inbox sequence number the page is as of (docs/architecture.md "Live inbox"). */
  seq: number;
}

/** `GET notifications/counts`: unread (the inbox), unseen (the bell's badge), as of `seq`. */
export interface EmbedCountsJson {
  unread_count: number;
  unseen_count: number;
  seq: number;
}

/** `GET session`. */
export interface EmbedSessionJson {
  user: { id: string; locale: string | null };
  counts: EmbedCountsJson;
  /** The realtime server (public values only) and the person's private channel. */
  realtime: { key: string; cluster: string; ws_host: string | null; ws_port: number | null; force_tls: boolean; channel: string };
}

/** The answer of mark-read, mark-seen and mark-all-read. */
export interface EmbedMarkedJson {
  message: string;
  marked_count: number;
  unread_count: number;
  unseen_count: number;
}

/**
 * Where the built component lives, relative to the repository (scripts/lib/embed-bundle.ts writes it,
 * `GET /embed.js` serves it; ignored by git).
 */
export const EMBED_BUNDLE_PATH = "embed/dist/herald-inbox.js";

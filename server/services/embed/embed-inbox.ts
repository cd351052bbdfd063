import "server-only";
/**
 * What the embeddable inbox reads (docs/requirements.md R21.1), built on the inbox's own services
 * (../notifications/list-notifications.ts): the same rows as the app's bell (in the inbox: not deleted,
 * archived or snoozed), the same keyset pages, counts and sequence numbers. Changes go straight through
 * `changeNotifications` / `markAllRead` (../notifications/update-notifications.ts) from the routes.
 *
 * @module
 */
import { env } from "../../env";
import { realtimeClientConfig } from "../../realtime-config";
import { safeRedirectPath } from "../../http/safe-redirect";
import { listNotifications, unreadState, type InboxItem } from "../notifications/list-notifications";
import { userChannel } from "../../../lib/realtime";
import type { EmbedCountsJson, EmbedNotificationJson, EmbedPageJson, EmbedSessionJson } from "../../../lib/embed";
import type { EmbedPrincipal } from "./embed-auth";

/** Entries per page: 1–50, default 10 (the panel shows the latest few). */
export const EMBED_PAGE = { min: 1, max: 50, default: 10 } as const;

/**
 * An inbox item as the embed lists it: its link made absolute on Herald's origin (`APP_URL`), kept only
 * when it stays there (../../http/safe-redirect.ts), so a stored link can never send the host's users
 * elsewhere.
 */
export function toEmbedNotification(item: InboxItem, appUrl: string = env("app").APP_URL): EmbedNotificationJson {
  const path = item.actionUrl ? safeRedirectPath(item.actionUrl, { appOrigin: appUrl, fallback: "" }) : "";
  return {
    id: item.id,
    type: item.type,
    title: item.title,
    body: item.body,
    data: item.data,
    url: path ? new URL(path, appUrl).toString() : null,
    business: item.business ? { name: item.business.name, color: item.business.logoColor } : null,
    created_at: item.createdAt,
    seen_at: item.seenAt,
    read_at: item.readAt,
  };
}

/**
 * One page of the person's inbox, newest first, ungrouped (R5.3's "all" view, keyset on (created at, id)).
 * @param opts.limit 1–50 entries
 * @param opts.cursor the previous page's `next_cursor`
 * @throws AppError VALIDATION_ERROR for a malformed cursor
 */
export async function embedNotifications(userId: string, opts: { limit: number; cursor?: string }): Promise<EmbedPageJson> {
  const page = await listNotifications({ userId, filter: "all", limit: opts.limit, cursor: opts.cursor ?? null });
  const appUrl = env("app").APP_URL;
  return { items: page.items.map((i) => toEmbedNotification(i, appUrl)), next_cursor: page.nextCursor, seq: page.seq };
}

/** The unread and unseen counts and the sequence number they are as of, in one statement (R5.2). */
export async function embedCounts(userId: string): Promise<EmbedCountsJson> {
  const s = await unreadState(userId);
  return { unread_count: s.count, unseen_count: s.unseen, seq: s.seq };
}

/**
 * What the component needs at start: the person (id, chosen language), their counts, and how to reach the
 * realtime server with the name of their private channel (public values only; never the secret).
 */
export async function embedSession(auth: EmbedPrincipal): Promise<EmbedSessionJson> {
  const rt = realtimeClientConfig();
  return {
    user: { id: auth.userId, locale: auth.locale },
    counts: await embedCounts(auth.userId),
    realtime: {
      key: rt.key,
      cluster: rt.cluster,
      ws_host: rt.wsHost ?? null,
      ws_port: rt.wsPort ?? null,
      force_tls: rt.forceTLS,
      channel: userChannel(auth.userId),
    },
  };
}

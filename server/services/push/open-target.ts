import "server-only";
/**
 * What clicking a push does on the server (issue 7): the service worker opens `/n/<notificationId>`
 * (app/n/[id]/route.ts), which marks the notification read for its owner and redirects to its target.
 */
import { z } from "zod";
import { AppError } from "../errors";
import { getNotification } from "../notifications/list-notifications";
import { changeNotifications } from "../notifications/update-notifications";
import { DEFAULT_PUSH_URL, isAppRelativeUrl } from "./payload";

/**
 * Marks the user's notification `id` read (signalling their other tabs, as the inbox does) and returns the
 * app-relative path to open: its `actionUrl` when that is app-relative, else {@link DEFAULT_PUSH_URL}.
 * Someone else's, deleted, missing or malformed ids change nothing and answer {@link DEFAULT_PUSH_URL},
 * exactly like a missing one, so the route reveals nothing about other people's notifications.
 */
export async function openNotificationTarget(userId: string, id: string): Promise<string> {
  if (!z.uuid().safeParse(id).success) return DEFAULT_PUSH_URL;
  try {
    const n = await getNotification(userId, id);
    if (!n.readAt) await changeNotifications(userId, [id], "read");
    return isAppRelativeUrl(n.actionUrl) ? n.actionUrl : DEFAULT_PUSH_URL;
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") return DEFAULT_PUSH_URL;
    throw err;
  }
}

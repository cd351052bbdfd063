import "server-only";
/**
 * /dev/pushes (embedded mode only): pushes captured by the capture transports — to browsers (web push) and
 * to native app devices (FCM, issue 17: channel `android` / `ios`). The dev mailbox's rule
 * (server/services/email/mailbox.ts): admins see every push; anyone else only the pushes sent to them, so a
 * deployment that left PUSH_CAPTURE on does not show people each other's notifications.
 */
import { db } from "../../db";
import { notFound } from "../errors";
import { pushIsCaptured } from ".";
import type { PushPayload } from "./payload";

type Viewer = { id: string; role: string };

/** One captured push as /dev/pushes shows it (times ISO 8601 UTC, TTL in seconds). */
export interface CapturedPushView {
  id: string;
  userId: string | null;
  recipient: string | null;
  /** Where it went: a browser (`web`) or a native app's device (`android`, `ios`). */
  channel: "web" | "android" | "ios";
  /** The push service host the real send went (or would go) to; empty for native devices (FCM). */
  endpointHost: string;
  /** The payload; native pushes also carry `badge` (the app icon's count). */
  payload: Partial<PushPayload> & { badge?: number };
  ttl: number;
  urgency: string;
  createdAt: string;
}

/**
 * The latest captured pushes, newest first (at most `limit`, default 100, max 200).
 * @throws AppError NOT_FOUND when pushes are not captured (PUSH_CAPTURE off).
 */
export async function listCapturedPushes(viewer: Viewer, limit = 100): Promise<CapturedPushView[]> {
  if (!pushIsCaptured()) throw notFound("Push log");
  const rows = await db.capturedPush.findMany({
    where: viewer.role === "ADMIN" ? {} : { userId: viewer.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(limit, 1), 200),
  });
  const ids = [...new Set(rows.map((r) => r.userId).filter((x): x is string => !!x))];
  const users = ids.length ? await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } }) : [];
  const email = new Map(users.map((u) => [u.id, u.email]));
  return rows.map((r) => {
    const channel = r.channel === "android" || r.channel === "ios" ? r.channel : "web";
    let host = "";
    if (channel === "web") {
      try {
        host = new URL(r.endpoint).host;
      } catch {
        host = "(invalid endpoint)";
      }
    }
    const p = (r.payload && typeof r.payload === "object" && !Array.isArray(r.payload) ? r.payload : {}) as CapturedPushView["payload"];
    return {
      id: r.id,
      userId: r.userId,
      recipient: r.userId ? (email.get(r.userId) ?? null) : null,
      channel,
      endpointHost: host,
      payload: p,
      ttl: r.ttl,
      urgency: r.urgency,
      createdAt: r.createdAt.toISOString(),
    };
  });
}

import "server-only";
/**
 * Click tracking for emails (issue 6): links in campaign emails point at `/r/<notification id>.<HMAC>?u=<target>`.
 * The signature covers the notification id (the part that differs per recipient, so a mail merge only
 * substitutes it); the target is checked on every click against what that email may link to — the app's
 * own pages, or a link written in the campaign's body — so the route is never an open redirect.
 * A click records the first `clicked_at` on the notification's email delivery and redirects (302).
 * Newsletter emails (no notification) sign their `newsletter_deliveries` id the same way.
 */
import { purposeMac, sameSignature } from "../../signing";
import { db } from "../../db";
import { env } from "../../env";

/** The placeholder a mail merge replaces with {@link clickToken} per recipient. */
export const CLICK_TOKEN = "HERALD_CLICK_TOKEN";

function mac(secret: string, notificationId: string): string {
  return purposeMac(secret, "herald/click/v1", notificationId).toString("base64url").slice(0, 22);
}

/** `<notification id>.<signature>` for one recipient's links. */
export function clickToken(secret: string, notificationId: string): string {
  return `${notificationId}.${mac(secret, notificationId)}`;
}

/** The notification id a token names, or null for anything forged or malformed. */
export function verifyClickToken(secret: string, token: string): string | null {
  const m = /^([0-9a-f-]{36})\.([\w-]{22})$/.exec(token);
  if (!m) return null;
  return sameSignature(m[2]!, mac(secret, m[1]!)) ? m[1]! : null;
}

/** Markdown link targets in a body: `[text](url)` and `<url>`. */
function linksIn(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(\s*<?([^)\s>]+)>?[^)]*\)|<(https:\/\/[^>\s]+)>/g)].map((m) => (m[1] ?? m[2])!);
}

/**
 * Records a click and says where to go.
 * @param target the `u` query value
 * @returns the absolute URL to redirect to, or null when the token is invalid or the target is not one
 *   this email may link to (nothing recorded then)
 */
export async function recordClick(token: string, target: string | null): Promise<string | null> {
  const notificationId = verifyClickToken(env("auth").NEXTAUTH_SECRET, token);
  if (!notificationId || !target || target.length > 2048) return null;
  const appUrl = env("app").APP_URL.replace(/\/$/, "");
  let url: URL;
  try {
    url = new URL(target, `${appUrl}/`);
  } catch {
    return null;
  }
  const n =
    (await db.notification.findUnique({ where: { id: notificationId }, select: { campaign: { select: { emailBody: true } } } })) ??
    (await db.newsletterDelivery.findUnique({ where: { id: notificationId }, select: { campaign: { select: { emailBody: true } } } }));
  if (!n) return null;
  const own = url.origin === new URL(appUrl).origin;
  const same = (l: string) => {
    try {
      return new URL(l, `${appUrl}/`).href === url.href;
    } catch {
      return false;
    }
  };
  const written = n.campaign ? linksIn(n.campaign.emailBody).some(same) : false;
  if (!own && !(written && url.protocol === "https:")) return null;
  const now = new Date();
  await db.delivery.updateMany({ where: { notificationId, channel: "EMAIL", clickedAt: null }, data: { clickedAt: now } });
  await db.newsletterDelivery.updateMany({ where: { id: notificationId, clickedAt: null }, data: { clickedAt: now } });
  return url.href;
}

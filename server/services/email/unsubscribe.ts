/**
 * One-click unsubscribe (RFC 8058, RFC 2369). Every non-transactional email carries
 * `List-Unsubscribe: <https://…/unsubscribe/<token>>` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
 * The token is long-lived and unguessable: `<payload>.<HMAC-SHA256(key, payload)>` (both base64url), the
 * payload naming the user and the scope (one category, or every non-essential email). The key is derived
 * from NEXTAUTH_SECRET with a purpose label, so rotating the secret invalidates old links.
 * Forged, truncated or foreign tokens all get the same answer: null from {@link verifyUnsubscribeToken}
 * (and so from applyUnsubscribe / unsubscribeState), and change nothing.
 * No mailto: Herald has no inbound mail to read it with.
 */
import { purposeMac, sameSignature } from "../../signing";
import { z } from "zod";
import { db } from "../../db";
import { env } from "../../env";
import { CATEGORIES, type Category } from "../notifications/catalog";

const payloadSchema = z
  .object({ v: z.literal(1), u: z.uuid(), c: z.enum(Object.keys(CATEGORIES) as [Category, ...Category[]]).nullable(), n: z.uuid().optional() })
  .strict();

export interface UnsubscribeScope {
  userId: string;
  /** One category, or null for every non-essential email. */
  category: Category | null;
  /** The notification whose email carried the link: its delivery records the unsubscribe (analytics). */
  notificationId?: string;
}

function mac(secret: string, payload: string): string {
  return purposeMac(secret, "herald/unsubscribe/v1", payload).toString("base64url");
}

/** A token for `scope`, signed with `secret` (NEXTAUTH_SECRET). Deterministic: the same scope, the same link. */
export function unsubscribeToken(secret: string, scope: UnsubscribeScope): string {
  const payload = Buffer.from(
    JSON.stringify({ v: 1, u: scope.userId, c: scope.category, ...(scope.notificationId ? { n: scope.notificationId } : {}) }),
  ).toString("base64url");
  return `${payload}.${mac(secret, payload)}`;
}

/** The scope a token grants, or null for anything forged, truncated, altered or malformed. */
export function verifyUnsubscribeToken(secret: string, token: string): UnsubscribeScope | null {
  if (typeof token !== "string" || token.length > 512) return null;
  const [payload, sig, extra] = token.split(".");
  if (!payload || !sig || extra !== undefined) return null;
  if (!sameSignature(sig, mac(secret, payload))) return null;
  try {
    const parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
    return parsed.success ? { userId: parsed.data.u, category: parsed.data.c, ...(parsed.data.n ? { notificationId: parsed.data.n } : {}) } : null;
  } catch {
    return null;
  }
}

/** The unsubscribe link for a user and scope: `${APP_URL}/unsubscribe/<token>`. */
export function unsubscribeUrl(scope: UnsubscribeScope): string {
  return `${env("app").APP_URL.replace(/\/$/, "")}/unsubscribe/${unsubscribeToken(env("auth").NEXTAUTH_SECRET, scope)}`;
}

/** The RFC 8058 headers for an unsubscribe URL (an https URL in production; the app's own origin here). */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return { "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}

/**
 * Unsubscribes (or resubscribes) for the token's scope, or for every non-essential email when `scope` is
 * "all". Takes effect at once: the email pipeline checks at send time.
 * @returns what changed, or null for an invalid token (nothing changed).
 */
export async function applyUnsubscribe(
  token: string,
  opts: { action: "unsubscribe" | "resubscribe"; scope: "token" | "all" },
): Promise<(UnsubscribeScope & { action: "unsubscribe" | "resubscribe" }) | null> {
  const granted = verifyUnsubscribeToken(env("auth").NEXTAUTH_SECRET, token);
  if (!granted) return null;
  const user = await db.user.findUnique({ where: { id: granted.userId }, select: { id: true } });
  if (!user) return null;
  const category = opts.scope === "all" ? null : granted.category;
  const on = opts.action === "resubscribe";
  if (category) {
    await db.notificationPreference.upsert({
      where: { userId_category_channel: { userId: user.id, category, channel: "EMAIL" } },
      create: { userId: user.id, category, channel: "EMAIL", enabled: on },
      update: { enabled: on },
    });
  } else {
    const emailUnsubscribedAt = on ? null : new Date();
    await db.notificationSettings.upsert({ where: { userId: user.id }, create: { userId: user.id, emailUnsubscribedAt }, update: { emailUnsubscribedAt } });
  }
  if (!on && granted.notificationId) {
    // Attribute the unsubscribe to the email it came from (campaign and type analytics).
    await db.delivery.updateMany({
      where: { notificationId: granted.notificationId, userId: user.id, channel: "EMAIL", unsubscribedAt: null },
      data: { unsubscribedAt: new Date() },
    });
  }
  return { userId: user.id, category, action: opts.action };
}

/** `aisha.naidoo@herald.test` → `ai…@herald.test`: enough to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "…";
  return `${email.slice(0, Math.min(2, at))}…${email.slice(at)}`;
}

/** What the unsubscribe page shows for a token: the user's email and current state, or null. */
export async function unsubscribeState(token: string) {
  const granted = verifyUnsubscribeToken(env("auth").NEXTAUTH_SECRET, token);
  if (!granted) return null;
  const user = await db.user.findUnique({
    where: { id: granted.userId },
    select: { email: true, settings: { select: { emailUnsubscribedAt: true } }, preferences: { where: { channel: "EMAIL" }, select: { category: true, enabled: true } } },
  });
  if (!user) return null;
  return {
    email: maskEmail(user.email),
    category: granted.category,
    categoryLabel: granted.category ? CATEGORIES[granted.category] : null,
    unsubscribedFromAll: !!user.settings?.emailUnsubscribedAt,
    unsubscribedFromCategory: granted.category ? user.preferences.some((p) => p.category === granted.category && !p.enabled) : false,
  };
}

/**
 * One-click unsubscribe (RFC 8058, RFC 2369). Every non-transactional email carries
 * `List-Unsubscribe: <https://…/unsubscribe/<token>>` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
 * The token is long-lived and unguessable: `<payload>.<HMAC-SHA256(key, payload)>` (both base64url), the
 * payload naming the user and the scope (one category, or every non-essential email). The key is derived
 * from NEXTAUTH_SECRET with a purpose label, so rotating the secret invalidates old links.
 * Forged, truncated or foreign tokens all get the same answer: null from {@link verifyUnsubscribeToken}
 * (and so from applyUnsubscribe / unsubscribeState), and change nothing.
 * No mailto: Herald has no inbound mail to read it with.
 *
 * Links only ever reduce mail (issue 12): a token may unsubscribe within its scope or from all
 * non-essential email, at any time. It may turn back on only what that same token turned off, and only
 * for {@link UNDO_WINDOW_MS} after it did (an "undo" for a mis-click); anything else needs a signed-in
 * session (the notification settings page). What a token turned off is recorded in `audit_log`
 * (`target_type` "unsubscribe_token", `target_id` the SHA-256 of the token, never the token itself).
 */
import { createHash } from "node:crypto";
import { purposeMac, sameSignature } from "../../signing";
import { z } from "zod";
import { db } from "../../db";
import { env } from "../../env";
import { AppError } from "../errors";
import { CATEGORIES, type Category } from "../notifications/catalog";

/** How long the token that turned something off may turn it back on (ms): 10 minutes (issue 12). */
export const UNDO_WINDOW_MS = 10 * 60_000;

/** Where a person turns email back on after the undo window: the signed-in settings page. */
export const EMAIL_SETTINGS_PATH = "/settings/notifications";

const AUDIT_TARGET = "unsubscribe_token";
const OFF = "email.unsubscribe";
const UNDONE = "email.unsubscribe_undone";

/** What one unsubscribe turned off (audit_log `details`). `previous`: the preference row before. */
type TurnedOff = { what: "category"; category: Category; previous: "absent" | "enabled" } | { what: "all"; at: string };

/** The SHA-256 (hex) of a token: how audit_log names it. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const keyOf = (d: { what: string; category?: string }) => (d.what === "all" ? "all" : `category:${d.category}`);

/**
 * What `token` turned off within {@link UNDO_WINDOW_MS} before `at` and has not restored since: the newest
 * audit row per key ("all" or "category:<category>") whose action is an unsubscribe (`….unsubscribe`),
 * not its undo (`….unsubscribe_undone`). Shared with the newsletter (target type
 * "newsletter_unsubscribe_token").
 * @param targetType audit_log `target_type` of the token kind
 * @returns key → the recorded `details` and when it was recorded
 */
export async function undoableByToken<T extends { what: string; category?: string }>(
  targetType: string,
  token: string,
  at: Date,
): Promise<Map<string, { details: T; createdAt: Date }>> {
  const rows = await db.auditLog.findMany({
    where: { targetType, targetId: tokenHash(token), createdAt: { gte: new Date(at.getTime() - UNDO_WINDOW_MS), lte: at } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { action: true, details: true, createdAt: true },
  });
  const seen = new Set<string>();
  const out = new Map<string, { details: T; createdAt: Date }>();
  for (const r of rows) {
    const d = r.details as unknown as T;
    const key = keyOf(d);
    if (seen.has(key)) continue;
    seen.add(key);
    if (r.action.endsWith(".unsubscribe")) out.set(key, { details: d, createdAt: r.createdAt }); // not "…_undone"
  }
  return out;
}

/** The refusal of a restore the token may not make: a signed-in session is needed (403). */
function signInToResubscribe(path: string): AppError {
  return new AppError("PERMISSION_DENIED", "This link can only undo an unsubscribe it made in the last 10 minutes. Sign in to turn email back on.", { sign_in: path });
}

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

/** What {@link applyUnsubscribe} did. Times are ISO 8601 UTC. */
export type UnsubscribeOutcome = UnsubscribeScope & {
  action: "unsubscribe" | "resubscribe";
  /** Unsubscribe: whether anything was on before (only then can it be undone). */
  changed: boolean;
  /** Unsubscribe that changed something: until when the same token may undo it; else null. */
  undoUntil: string | null;
};

/**
 * Applies a click on an unsubscribe link (RFC 8058 one-click POST, or the unsubscribe page's buttons).
 * Takes effect at once: the email pipeline checks at send time.
 *
 * - `unsubscribe`: turns off the token's category (`scope` "token"; a token without a category means all
 *   non-essential email) or all non-essential email (`scope` "all"). Always allowed. When something was
 *   on, records what it turned off (audit_log, keyed by the token's hash) for the undo.
 * - `resubscribe`: restores exactly what this same token turned off for that scope within
 *   {@link UNDO_WINDOW_MS} (a preference row that did not exist is removed again; "all" is cleared only if
 *   nobody opted out again since), once. Issue 12: links only ever reduce mail.
 *
 * @param opts.at the time of the click (default now; tests move it)
 * @returns what happened, or null for an invalid token or unknown user (nothing changed)
 * @throws AppError PERMISSION_DENIED (`details.sign_in`: the settings path) for a resubscribe the token
 *   may not make: after the window, already undone, or something it did not turn off
 */
export async function applyUnsubscribe(
  token: string,
  opts: { action: "unsubscribe" | "resubscribe"; scope: "token" | "all"; at?: Date },
): Promise<UnsubscribeOutcome | null> {
  const granted = verifyUnsubscribeToken(env("auth").NEXTAUTH_SECRET, token);
  if (!granted) return null;
  const user = await db.user.findUnique({ where: { id: granted.userId }, select: { id: true } });
  if (!user) return null;
  const at = opts.at ?? new Date();
  const category = opts.scope === "all" ? null : granted.category;
  const base = { userId: user.id, category, ...(granted.notificationId ? { notificationId: granted.notificationId } : {}) };

  if (opts.action === "resubscribe") {
    const undoable = (await undoableByToken<TurnedOff>(AUDIT_TARGET, token, at)).get(category ? `category:${category}` : "all");
    if (!undoable) throw signInToResubscribe(EMAIL_SETTINGS_PATH);
    const d = undoable.details;
    if (d.what === "category") {
      if (d.previous === "absent") await db.notificationPreference.deleteMany({ where: { userId: user.id, category: d.category, channel: "EMAIL", enabled: false } });
      else await db.notificationPreference.updateMany({ where: { userId: user.id, category: d.category, channel: "EMAIL", enabled: false }, data: { enabled: true } });
    } else {
      await db.notificationSettings.updateMany({ where: { userId: user.id, emailUnsubscribedAt: new Date(d.at) }, data: { emailUnsubscribedAt: null } });
    }
    await db.auditLog.create({ data: { actorId: user.id, action: UNDONE, targetType: AUDIT_TARGET, targetId: tokenHash(token), details: d, createdAt: at } });
    return { ...base, action: "resubscribe", changed: true, undoUntil: null };
  }

  let turnedOff: TurnedOff | null = null;
  if (category) {
    const before = await db.notificationPreference.findUnique({ where: { userId_category_channel: { userId: user.id, category, channel: "EMAIL" } }, select: { enabled: true } });
    if (!before || before.enabled) {
      await db.notificationPreference.upsert({
        where: { userId_category_channel: { userId: user.id, category, channel: "EMAIL" } },
        create: { userId: user.id, category, channel: "EMAIL", enabled: false },
        update: { enabled: false },
      });
      turnedOff = { what: "category", category, previous: before ? "enabled" : "absent" };
    }
  } else {
    await db.notificationSettings.upsert({ where: { userId: user.id }, create: { userId: user.id }, update: {} });
    const { count } = await db.notificationSettings.updateMany({ where: { userId: user.id, emailUnsubscribedAt: null }, data: { emailUnsubscribedAt: at } });
    if (count === 1) turnedOff = { what: "all", at: at.toISOString() };
  }
  if (turnedOff) {
    await db.auditLog.create({ data: { actorId: user.id, action: OFF, targetType: AUDIT_TARGET, targetId: tokenHash(token), details: turnedOff, createdAt: at } });
  }
  if (granted.notificationId) {
    // Attribute the unsubscribe to the email it came from (campaign and type analytics).
    await db.delivery.updateMany({
      where: { notificationId: granted.notificationId, userId: user.id, channel: "EMAIL", unsubscribedAt: null },
      data: { unsubscribedAt: at },
    });
  }
  return { ...base, action: "unsubscribe", changed: !!turnedOff, undoUntil: turnedOff ? new Date(at.getTime() + UNDO_WINDOW_MS).toISOString() : null };
}

/** `aisha.naidoo@herald.test` → `ai…@herald.test`: enough to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "…";
  return `${email.slice(0, Math.min(2, at))}…${email.slice(at)}`;
}

/**
 * What the unsubscribe page shows for a token: the masked email, the current state, and what this token
 * may still undo (`undo.token`: its category; `undo.all`: all email; `undo.until`: ISO time the newest
 * undo ends), or null for an invalid token.
 */
export async function unsubscribeState(token: string, at = new Date()) {
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
    undo: undoSummary(await undoableByToken<TurnedOff>(AUDIT_TARGET, token, at), granted.category),
  };
}

/** Which of the page's two scopes this token may still undo, and until when (ISO 8601 UTC). */
function undoSummary(undoable: Map<string, { createdAt: Date }>, category: Category | null): { token: boolean; all: boolean; until: string | null } {
  const cat = category ? undoable.get(`category:${category}`) : undefined;
  const all = undoable.get("all");
  const newest = [cat, all].filter((x) => !!x).map((x) => x!.createdAt.getTime() + UNDO_WINDOW_MS);
  return { token: !!cat, all: !!all, until: newest.length ? new Date(Math.max(...newest)).toISOString() : null };
}

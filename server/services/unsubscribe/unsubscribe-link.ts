import "server-only";
/**
 * An unsubscribe link (/unsubscribe/<token>, RFC 8058 one-click; issue 12), whichever list its token belongs
 * to: an account's email (server/services/email/unsubscribe.ts) or the newsletter, whose subscribers have no
 * account (server/services/newsletter/newsletter.ts). Both token kinds are signed for their own purpose, so
 * at most one of them accepts a token; the account kind is asked first. Used by the unsubscribe route
 * (app/api/unsubscribe/[token]/route.ts) and page (app/unsubscribe/[token]/page.tsx).
 */
import { applyUnsubscribe, unsubscribeState } from "../email/unsubscribe";
import { applyNewsletterUnsubscribe, newsletterUnsubscribeState } from "../newsletter/newsletter";
import type { Category } from "../notifications/catalog";

/** What a click on an unsubscribe link did. */
export interface UnsubscribeLinkOutcome {
  /** Which list the token belongs to. */
  list: "account" | "newsletter";
  action: "unsubscribe" | "resubscribe";
  /** The topic the link turned off or back on; null for all non-essential email, and for the newsletter. */
  category: Category | null;
  /** Until when (ISO 8601 UTC) the same link may undo this unsubscribe; null when nothing was turned off. */
  undoUntil: string | null;
}

/**
 * Applies a click on an unsubscribe link: the page's `{ action, scope }`, or RFC 8058's one-click POST
 * (`unsubscribe`, scope `token`). A newsletter token has one scope (the newsletter), so `scope` does not
 * apply to it. Links only ever reduce mail: see `applyUnsubscribe` and `applyNewsletterUnsubscribe`.
 * @param at the time of the click (default now)
 * @returns what happened, or null for a token neither list accepts (nothing changed)
 * @throws AppError PERMISSION_DENIED (`details.sign_in`: where to turn email back on) for a resubscribe the
 *   link may not make (past the 10-minute undo window, already undone, or not its own unsubscribe)
 */
export async function applyUnsubscribeLink(
  token: string,
  click: { action: "unsubscribe" | "resubscribe"; scope: "token" | "all" },
  at = new Date(),
): Promise<UnsubscribeLinkOutcome | null> {
  const account = await applyUnsubscribe(token, { ...click, at });
  if (account) return { list: "account", action: account.action, category: account.category, undoUntil: account.undoUntil };
  const newsletter = await applyNewsletterUnsubscribe(token, click.action, at);
  if (newsletter) return { list: "newsletter", action: newsletter.action, category: null, undoUntil: newsletter.undoUntil };
  return null;
}

/** What the unsubscribe page shows for an account's token (`unsubscribeState`). */
export type AccountUnsubscribeState = NonNullable<Awaited<ReturnType<typeof unsubscribeState>>>;
/** What the unsubscribe page shows for a newsletter token (`newsletterUnsubscribeState`). */
export type NewsletterUnsubscribeState = NonNullable<Awaited<ReturnType<typeof newsletterUnsubscribeState>>>;

/**
 * What the unsubscribe page shows for a link (a GET never changes anything: mail scanners fetch links):
 * the masked address, what is off now and what this link may still undo.
 * @param at the time of the visit (default now)
 * @returns the list the token belongs to with its state, or null for a token neither list accepts
 */
export async function unsubscribeLinkState(
  token: string,
  at = new Date(),
): Promise<{ list: "account"; state: AccountUnsubscribeState } | { list: "newsletter"; state: NewsletterUnsubscribeState } | null> {
  const account = await unsubscribeState(token, at);
  if (account) return { list: "account", state: account };
  const newsletter = await newsletterUnsubscribeState(token, at);
  return newsletter ? { list: "newsletter", state: newsletter } : null;
}

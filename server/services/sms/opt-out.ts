import "server-only";
/**
 * SMS opt-out and opt-in keywords (issue 7 "opt-out keywords (STOP) honored as an unsubscribe"; the CTIA
 * keywords Twilio recognises by default). A reply that is exactly one of the keywords — case-insensitive,
 * surrounding whitespace and trailing `.`/`!` ignored — changes `users.sms_opted_out_at` for the account
 * whose verified number sent it:
 * - STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, OPTOUT, REVOKE → opted out (the first opt-out time is kept);
 * - START, UNSTOP, YES → opted in again;
 * - HELP, INFO → nothing here (Twilio answers with the carrier-mandated help text);
 * - anything else → nothing.
 * The delivery pipeline sends no SMS while `sms_opted_out_at` is set. Twilio sends the confirmation texts
 * itself, so Herald replies with nothing.
 */
import { db } from "../../db";
import { AppError, notFound } from "../errors";
import { isE164, normalizePhone } from "./phone";

export const OPT_OUT_KEYWORDS = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"] as const;
export const OPT_IN_KEYWORDS = ["START", "UNSTOP", "YES"] as const;
export const HELP_KEYWORDS = ["HELP", "INFO"] as const;

export type SmsKeywordAction = "opt_out" | "opt_in" | "help" | "none";

const OUT = new Set<string>(OPT_OUT_KEYWORDS);
const IN = new Set<string>(OPT_IN_KEYWORDS);
const HELP = new Set<string>(HELP_KEYWORDS);

/** What a reply means: the whole message, trimmed, case-insensitive, trailing `.`/`!` ignored. */
export function smsKeyword(body: string): SmsKeywordAction {
  const word = String(body ?? "")
    .trim()
    .replace(/[.!]+$/, "")
    .trim()
    .toUpperCase();
  if (OUT.has(word)) return "opt_out";
  if (IN.has(word)) return "opt_in";
  if (HELP.has(word)) return "help";
  return "none";
}

export interface SmsKeywordResult {
  action: SmsKeywordAction;
  /** The account whose verified number sent the reply; null when no account has that number. */
  userId: string | null;
  /** Whether `sms_opted_out_at` changed. */
  changed: boolean;
}

/** The sender in E.164, or null when it is not a phone number we could store (a short code, garbage). */
function senderE164(from: string): string | null {
  const raw = String(from ?? "").trim();
  if (isE164(raw)) return raw;
  try {
    return normalizePhone(raw);
  } catch {
    return null;
  }
}

/**
 * Applies one inbound text: STOP-family keywords opt the sending number's account out of SMS, START-family
 * keywords opt it back in. Idempotent (a repeated STOP keeps the first opt-out time).
 * @param fromE164 the sender (`From` of Twilio's webhook), E.164
 * @param body the message text
 * @param at when the reply was received (default now)
 */
export async function applySmsKeyword(fromE164: string, body: string, at: Date = new Date()): Promise<SmsKeywordResult> {
  const action = smsKeyword(body);
  const phone = senderE164(fromE164);
  if (!phone) return { action, userId: null, changed: false };
  const user = await db.user.findUnique({ where: { phone }, select: { id: true } });
  if (!user || (action !== "opt_out" && action !== "opt_in")) return { action, userId: user?.id ?? null, changed: false };
  const updated =
    action === "opt_out"
      ? await db.user.updateMany({ where: { id: user.id, phone, smsOptedOutAt: null }, data: { smsOptedOutAt: at } })
      : await db.user.updateMany({ where: { id: user.id, phone, smsOptedOutAt: { not: null } }, data: { smsOptedOutAt: null } });
  return { action, userId: user.id, changed: updated.count > 0 };
}

/**
 * "Resume" in the app: clears the account's SMS opt-out (the in-app equivalent of texting START). With Twilio,
 * a number that texted STOP stays blocked at Twilio until it texts START; sends then fail with 21610.
 * @returns whether anything changed
 * @throws AppError VALIDATION_ERROR when the account has no verified number; NOT_FOUND when there is no user
 */
export async function resumeSms(userId: string): Promise<{ changed: boolean }> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { phone: true } });
  if (!user) throw notFound("Account");
  if (!user.phone) throw new AppError("VALIDATION_ERROR", "Add and verify a mobile number first.");
  const updated = await db.user.updateMany({ where: { id: userId, smsOptedOutAt: { not: null } }, data: { smsOptedOutAt: null } });
  return { changed: updated.count > 0 };
}

/** Whether a user can be texted at all: a verified number that has not opted out. */
export function smsReachable(user: { phone: string | null; phoneVerifiedAt: Date | null; smsOptedOutAt: Date | null }): boolean {
  return !!user.phone && !!user.phoneVerifiedAt && !user.smsOptedOutAt;
}

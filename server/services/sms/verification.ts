import "server-only";
/**
 * Phone verification by one-time code (issue 7; docs/requirements.md R11.1): a person
 * types a number on /settings/account, Herald texts a 6-digit code, the person types it back, and only then
 * is the number stored on `users.phone` (E.164) with `phone_verified_at`.
 *
 * Rules:
 * - The code comes from `crypto.randomInt` (uniform, 000000–999999). Only an HMAC-SHA256 of it is stored,
 *   keyed with a key derived from NEXTAUTH_SECRET for this purpose alone and bound to the user and the
 *   number, so a database leak reveals no code and a code cannot confirm another number.
 * - A code lives {@link CODE_TTL_MS} (10 minutes) and allows {@link MAX_ATTEMPTS} (5) tries; the 6th try is
 *   refused even with the right code. Only the newest code of a user counts: asking for a new code retires
 *   the older ones, and a used code cannot be used again.
 * - Sending is throttled per user: one code per {@link RESEND_INTERVAL_MS} (60 s) and
 *   {@link MAX_CODES_PER_HOUR} (5) per rolling hour; and per number: {@link MAX_CODES_PER_NUMBER_PER_HOUR}
 *   (10) per rolling hour across all accounts, so nobody can flood a stranger's phone from many accounts.
 *   Refusals are RATE_LIMITED with `details.retryAfterSeconds`.
 * - A number verified by another account is refused (CONFLICT) without saying which account.
 * - Opt-out: verifying a number clears `sms_opted_out_at`. The flag belongs to the number that texted STOP;
 *   a newly verified number is an explicit opt-in made in the app (re-verifying the number already on the
 *   account is refused, so this never undoes a STOP of the same number — that takes START or Resume).
 *   Twilio keeps its own block for a number that texted STOP until it texts START (sends then fail with 21610).
 *
 * Times are UTC `Date`s; `at` parameters exist so tests can move the clock.
 */
import { randomInt, randomUUID } from "node:crypto";
import { purposeMac, sameSignature } from "../../signing";
import { db } from "../../db";
import { env } from "../../env";
import { Prisma } from "../../generated/prisma/client";
import { AppError, notFound } from "../errors";
import { smsIsCaptured, smsSenderNumber, smsTransport } from ".";
import { defaultSmsCountryInfo, formatPhone, normalizePhone } from "./phone";
import { verificationCodeSms, VERIFICATION_CODE_MINUTES } from "./templates";
import { recipientLocale } from "../../i18n";
import type { Locale } from "../../../lib/i18n";
import { SmsSendError } from "./transport";

/** How long a code is valid (ms). */
export const CODE_TTL_MS = VERIFICATION_CODE_MINUTES * 60_000;
/** Wrong or right, tries per code; the next try is refused. */
export const MAX_ATTEMPTS = 5;
/** Minimum time between two codes for one user (ms). */
export const RESEND_INTERVAL_MS = 60_000;
/** Codes per user per rolling hour. */
export const MAX_CODES_PER_HOUR = 5;
/** Codes per destination number per rolling hour, across all accounts. */
export const MAX_CODES_PER_NUMBER_PER_HOUR = 10;
const HOUR_MS = 3_600_000;

/** Hex HMAC-SHA256 of a code, bound to the user and the number, under a key used for nothing else. */
function codeHash(userId: string, phone: string, code: string): string {
  return purposeMac(env("auth").NEXTAUTH_SECRET, "herald/phone-verification/v1", `${userId}\n${phone}\n${code}`).toString("hex");
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function waitWords(s: number): string {
  if (s < 90) return `${s} second${s === 1 ? "" : "s"}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m === 1 ? "" : "s"}`;
}

function rateLimited(message: string, retryAfterSeconds: number): AppError {
  return new AppError("RATE_LIMITED", message, { retryAfterSeconds });
}

/** When the user may ask for the next code, given their codes of the last hour (newest first); null = now. */
function nextCodeTime(recent: { createdAt: Date }[], at: Date): Date | null {
  let t = 0;
  if (recent[0]) t = Math.max(t, recent[0].createdAt.getTime() + RESEND_INTERVAL_MS);
  const fifth = recent[MAX_CODES_PER_HOUR - 1];
  if (fifth) t = Math.max(t, fifth.createdAt.getTime() + HOUR_MS);
  return t > at.getTime() ? new Date(t) : null;
}

async function recentCodes(client: Prisma.TransactionClient | typeof db, userId: string, at: Date) {
  return client.phoneVerification.findMany({
    where: { userId, createdAt: { gt: new Date(at.getTime() - HOUR_MS), lte: at } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { createdAt: true },
    take: MAX_CODES_PER_HOUR,
  });
}

export interface StartedVerification {
  /** The number the code went to, E.164. */
  phone: string;
  /** The same for people (`+27 82 123 4567`). */
  display: string;
  /** When the code stops working (UTC). */
  expiresAt: Date;
  /** The earliest time another code may be asked for (UTC). */
  nextCodeAt: Date;
}

/**
 * Validates the number, texts a fresh 6-digit code to it and stores the code's HMAC.
 * @param userId the signed-in user
 * @param rawPhone the number as typed (see `normalizePhone`)
 * @param at the current time (default now)
 * @throws AppError VALIDATION_ERROR (invalid number, already verified on this account, or undeliverable),
 *   CONFLICT (verified by another account), RATE_LIMITED (`details.retryAfterSeconds`), NOT_FOUND (no such
 *   user), DELIVERY_FAILED (the SMS provider failed temporarily; nothing is counted then)
 */
export async function startPhoneVerification(userId: string, rawPhone: string, at: Date = new Date()): Promise<StartedVerification> {
  const phone = normalizePhone(rawPhone);
  const id = randomUUID();
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const expiresAt = new Date(at.getTime() + CODE_TTL_MS);
  let locale: Locale | undefined; // the text goes out in the person's language

  await db.$transaction(async (tx) => {
    // One request per user at a time: the throttle below counts rows, so two racing requests must not both pass.
    const [user] = await tx.$queryRaw<{ phone: string | null; locale: string | null }[]>`SELECT phone, locale FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
    if (!user) throw notFound("Account");
    locale = recipientLocale(user.locale);
    if (user.phone === phone) throw new AppError("VALIDATION_ERROR", "That number is already verified on your account.", { phone: ["already verified"], reason: "already_verified" });
    const taken = await tx.user.findFirst({ where: { phone, NOT: { id: userId } }, select: { id: true } });
    if (taken) throw new AppError("CONFLICT", "That number is already verified on another account. Remove it there first, or use another number.");
    const recent = await recentCodes(tx, userId, at);
    const next = nextCodeTime(recent, at);
    if (next) {
      const wait = seconds(next.getTime() - at.getTime());
      throw rateLimited(
        recent.length >= MAX_CODES_PER_HOUR
          ? `You asked for ${MAX_CODES_PER_HOUR} codes in the last hour. Try again in ${waitWords(wait)}.`
          : `A code was just sent. You can ask for another in ${waitWords(wait)}.`,
        wait,
      );
    }
    const toNumber = await tx.phoneVerification.findMany({
      where: { phone, createdAt: { gt: new Date(at.getTime() - HOUR_MS), lte: at } },
      orderBy: [{ createdAt: "desc" }],
      select: { createdAt: true },
      take: MAX_CODES_PER_NUMBER_PER_HOUR,
    });
    if (toNumber.length >= MAX_CODES_PER_NUMBER_PER_HOUR) {
      const wait = seconds(toNumber[toNumber.length - 1]!.createdAt.getTime() + HOUR_MS - at.getTime());
      throw rateLimited(`Too many codes were sent to this number in the last hour. Try again in ${waitWords(wait)}.`, wait);
    }
    await tx.phoneVerification.create({ data: { id, userId, phone, codeHash: codeHash(userId, phone, code), expiresAt, createdAt: at } });
  });

  try {
    await smsTransport().send({ to: phone, body: verificationCodeSms(code, locale), idempotencyKey: `phone-verification:${id}` });
  } catch (err) {
    // The code never left: forget it, so it neither counts against the limits nor can be confirmed.
    await db.phoneVerification.deleteMany({ where: { id } });
    if (err instanceof SmsSendError && err.recipientOptedOut) {
      const sender = smsSenderNumber();
      throw new AppError("VALIDATION_ERROR", sender
          ? `That number has opted out of Herald's texts (it replied STOP). Text START to ${sender} first, then try again.`
          : "That number has opted out of Herald's texts (it replied STOP). Text START to Herald's number first, then try again.", {
        phone: ["opted out"],
        reason: "opted_out",
      });
    }
    if (err instanceof SmsSendError && err.permanent) {
      throw new AppError("VALIDATION_ERROR", "We could not send a text to that number. Check that it is a mobile number that can receive SMS.", {
        phone: ["cannot receive texts"],
        reason: "undeliverable",
      });
    }
    if (err instanceof SmsSendError) throw new AppError("DELIVERY_FAILED", "The text could not be sent just now. Try again in a minute.");
    throw err;
  }
  return { phone, display: formatPhone(phone), expiresAt, nextCodeAt: new Date(at.getTime() + RESEND_INTERVAL_MS) };
}

type ConfirmOutcome =
  | { ok: true; phone: string }
  | { ok: false; reason: "no_pending_code" | "too_many_attempts" | "expired" | "conflict" }
  | { ok: false; reason: "wrong_code"; attemptsLeft: number };

/**
 * Checks a code against the user's newest code and, when right, makes its number the account's verified
 * number (and consumes the code).
 * @param code six digits; spaces and dashes are ignored ("123 456")
 * @param at the current time (default now)
 * @returns the verified number (E.164) and when (UTC)
 * @throws AppError VALIDATION_ERROR with `details.reason`: `format` (not 6 digits), `no_pending_code` (none,
 *   or already used), `too_many_attempts` (5 tries used: the code is dead), `expired`, `wrong_code`
 *   (`details.attemptsLeft`); CONFLICT when another account verified the number meanwhile; NOT_FOUND (no user)
 */
export async function confirmPhoneVerification(userId: string, code: string, at: Date = new Date()): Promise<{ phone: string; verifiedAt: Date }> {
  const digits = String(code ?? "").replace(/[\s-]/g, "");
  if (!/^\d{6}$/.test(digits)) throw new AppError("VALIDATION_ERROR", "Enter the 6-digit code from the text.", { code: ["6 digits"], reason: "format" });

  let outcome: ConfirmOutcome;
  try {
    // Failed tries must be counted, so failures are returned from the transaction (committed), not thrown.
    outcome = await db.$transaction(async (tx): Promise<ConfirmOutcome> => {
      const [user] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
      if (!user) throw notFound("Account");
      const row = await tx.phoneVerification.findFirst({ where: { userId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
      if (!row || row.consumedAt) return { ok: false, reason: "no_pending_code" };
      if (row.attempts >= MAX_ATTEMPTS) return { ok: false, reason: "too_many_attempts" };
      if (at.getTime() >= row.expiresAt.getTime()) return { ok: false, reason: "expired" };
      const attempts = row.attempts + 1;
      await tx.phoneVerification.update({ where: { id: row.id }, data: { attempts } });
      if (!sameSignature(codeHash(userId, row.phone, digits), row.codeHash)) return { ok: false, reason: "wrong_code", attemptsLeft: MAX_ATTEMPTS - attempts };
      await tx.phoneVerification.update({ where: { id: row.id }, data: { consumedAt: at } });
      const taken = await tx.user.findFirst({ where: { phone: row.phone, NOT: { id: userId } }, select: { id: true } });
      if (taken) return { ok: false, reason: "conflict" };
      await tx.user.update({ where: { id: userId }, data: { phone: row.phone, phoneVerifiedAt: at, smsOptedOutAt: null } });
      // Verifying a number is opting in to texts: SMS (off by default) turns on; the preference center turns it off.
      await tx.notificationSettings.upsert({ where: { userId }, create: { userId, smsEnabled: true }, update: { smsEnabled: true } });
      return { ok: true, phone: row.phone };
    });
  } catch (err) {
    // Two accounts confirming one number at the same moment: the unique index decides.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") outcome = { ok: false, reason: "conflict" };
    else throw err;
  }

  if (outcome.ok) return { phone: outcome.phone, verifiedAt: at };
  switch (outcome.reason) {
    case "conflict":
      throw new AppError("CONFLICT", "That number is already verified on another account.");
    case "no_pending_code":
      throw new AppError("VALIDATION_ERROR", "There is no code waiting. Send a new code first.", { code: ["no code waiting"], reason: outcome.reason });
    case "too_many_attempts":
      throw new AppError("VALIDATION_ERROR", "Too many wrong tries: this code no longer works. Send a new code.", { code: ["too many tries"], reason: outcome.reason });
    case "expired":
      throw new AppError("VALIDATION_ERROR", `That code has expired (codes last ${VERIFICATION_CODE_MINUTES} minutes). Send a new code.`, { code: ["expired"], reason: outcome.reason });
    case "wrong_code": {
      const left = outcome.attemptsLeft;
      const message = left > 1 ? `That code is not right. ${left} tries left.` : left === 1 ? "That code is not right. 1 try left." : "That code is not right, and it no longer works. Send a new code.";
      throw new AppError("VALIDATION_ERROR", message, { code: ["wrong code"], reason: outcome.reason, attemptsLeft: left });
    }
  }
}

/**
 * Forgets the account's number: `phone`, `phone_verified_at` and `sms_opted_out_at` are cleared and any
 * waiting code is retired. No more texts go to the person. Idempotent.
 * @throws AppError NOT_FOUND when the user does not exist
 */
export async function removePhone(userId: string, at: Date = new Date()): Promise<void> {
  const updated = await db.user.updateMany({ where: { id: userId }, data: { phone: null, phoneVerifiedAt: null, smsOptedOutAt: null } });
  if (updated.count === 0) throw notFound("Account");
  await db.phoneVerification.updateMany({ where: { userId, consumedAt: null }, data: { consumedAt: at } });
}

/** What /settings/account shows about the account's phone. Times are UTC `Date`s. */
export interface PhoneStatus {
  /** The verified number, E.164; null when none. */
  phone: string | null;
  /** The verified number for people (`+27 82 123 4567`). */
  display: string | null;
  verifiedAt: Date | null;
  /** Set when the number texted STOP (or Herald was told so); no texts go out while set. */
  optedOutAt: Date | null;
  /** A code sent and still usable (not expired, used or out of tries). */
  pending: { phone: string; display: string; expiresAt: Date; attemptsLeft: number } | null;
  /** When another code may be asked for; null when now. */
  nextCodeAt: Date | null;
  /** The region numbers without a country code are read in. */
  defaultCountry: { code: string; name: string; callingCode: string };
  /** The number people can text START to, when there is a single one (see `smsSenderNumber`). */
  senderNumber: string | null;
  /** Texts are captured, not sent (embedded mode): codes can be read at /dev/sms. */
  captured: boolean;
}

/**
 * The account's phone state for the settings page.
 * @throws AppError NOT_FOUND when the user does not exist
 */
export async function getPhoneStatus(userId: string, at: Date = new Date()): Promise<PhoneStatus> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { phone: true, phoneVerifiedAt: true, smsOptedOutAt: true } });
  if (!user) throw notFound("Account");
  const latest = await db.phoneVerification.findFirst({ where: { userId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  const usable = latest && !latest.consumedAt && latest.attempts < MAX_ATTEMPTS && latest.expiresAt.getTime() > at.getTime();
  return {
    phone: user.phone,
    display: user.phone ? formatPhone(user.phone) : null,
    verifiedAt: user.phoneVerifiedAt,
    optedOutAt: user.phone ? user.smsOptedOutAt : null,
    pending: usable ? { phone: latest.phone, display: formatPhone(latest.phone), expiresAt: latest.expiresAt, attemptsLeft: MAX_ATTEMPTS - latest.attempts } : null,
    nextCodeAt: nextCodeTime(await recentCodes(db, userId, at), at),
    defaultCountry: defaultSmsCountryInfo(),
    senderNumber: smsSenderNumber(),
    captured: smsIsCaptured(),
  };
}

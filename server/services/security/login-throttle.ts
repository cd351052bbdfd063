import "server-only";
/**
 * Sign-in throttling (issue 12 "Login attempts are limited"), kept in `login_throttles` so every app
 * process shares it. Two keys per attempt: `account:<SHA-256 hex of the normalized email>` and
 * `ip:<client address>` (server/services/security/client-address.ts).
 *
 * The rule:
 * - A key's failures are counted; a failure more than {@link LOGIN_THROTTLE}.memoryMs (24 h, the same day
 *   after which retention deletes the row) after the previous one starts the count again at 1.
 * - From the threshold on (5 failures for an account, 20 for an address, so one NAT or office does not lock
 *   everyone behind it), each failure locks the key for 1 s · 2^(failures − threshold): 1 s, 2 s, 4 s …,
 *   capped at 15 min. A stranger guessing someone's password therefore holds that account for at most
 *   15 minutes past their last guess, and gets about 100 guesses a day.
 * - While either key is locked, an attempt is refused before the user is looked up or the password is
 *   hashed (constant work, the same for existing and unknown emails) and is not counted.
 * - Parallel bursts get no more guesses than a patient attacker: each attempt is counted as a failure
 *   (and the lock it would start is set) in one atomic statement per key BEFORE the password is checked,
 *   so of 100 simultaneous guesses at an account 5 are checked and 95 refused. A success then deletes the
 *   account's key and takes its count back from the address's key.
 * - A success deletes the account's key. The address key is left alone (an attacker signing in to their
 *   own account must not reset their address), and the address `"unknown"` has no key at all (it would be
 *   everyone's).
 * - Every failure is audited as `auth.sign_in_failed` and every lock it starts as `auth.locked`
 *   (`audit_log`, actor null, target `login` / the account hash; `details` hold the account hash and the
 *   address, never the email or the password).
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import { verifyCredentials } from "../users/credentials";
import { UNKNOWN_ADDRESS } from "./client-address";

/** The numbers of the rule (ms; thresholds in failures). */
export const LOGIN_THROTTLE = {
  accountThreshold: 5,
  addressThreshold: 20,
  baseLockMs: 1000,
  maxLockMs: 15 * 60_000,
  memoryMs: 24 * 3_600_000,
} as const;

/** Which key a lock is on. */
export type LockScope = "account" | "address";

/** A running lock: whole seconds until it ends (at least 1; the `Retry-After` value) and its end. */
export interface LoginLock {
  scope: LockScope;
  until: Date;
  retryAfter: number;
}

/** What an attempt came to. `failed.retryAfter` is set (seconds) when this failure started a lock. */
export type SignInOutcome<U> = { status: "ok"; user: U } | { status: "locked"; retryAfter: number } | { status: "failed"; retryAfter: number | null };

/** Checks an email and password; null when they do not match. */
export type VerifyCredentials<U> = (email: string, password: string) => Promise<U | null>;

const attemptInput = z
  .object({
    email: z.string().min(1).max(320),
    password: z.string().max(200),
    address: z.string().min(1).max(64),
  })
  .strict();

const lockInput = attemptInput.omit({ password: true }).strict();

/**
 * How long the failure numbered `failures` locks a key (ms): 0 below `threshold`, then
 * 1000 · 2^(failures − threshold), at most 15 min (issue 12: "growing delays").
 */
export function lockDurationMs(failures: number, threshold: number): number {
  if (failures < threshold) return 0;
  const exp = failures - threshold;
  if (exp >= 30) return LOGIN_THROTTLE.maxLockMs;
  return Math.min(LOGIN_THROTTLE.maxLockMs, LOGIN_THROTTLE.baseLockMs * 2 ** exp);
}

/** The SHA-256 (hex) of an email, trimmed and lower-cased: how accounts appear in keys and audit rows. */
export function accountHash(email: string): string {
  return createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
}

/** `account:<sha-256 hex>` for an email (see {@link accountHash}). */
export function accountThrottleKey(email: string): string {
  return `account:${accountHash(email)}`;
}

/** `ip:<address>`, or null for the shared `"unknown"` address (never throttled as a whole). */
export function addressThrottleKey(address: string): string | null {
  return address === UNKNOWN_ADDRESS ? null : `ip:${address}`;
}

function keysOf(email: string, address: string): { key: string; scope: LockScope; threshold: number }[] {
  const keys: { key: string; scope: LockScope; threshold: number }[] = [{ key: accountThrottleKey(email), scope: "account", threshold: LOGIN_THROTTLE.accountThreshold }];
  const ip = addressThrottleKey(address);
  if (ip) keys.push({ key: ip, scope: "address", threshold: LOGIN_THROTTLE.addressThreshold });
  return keys;
}

const secondsUntil = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/**
 * The lock that refuses a sign-in by this email from this address right now (the longer one when both
 * keys are locked), or null. One indexed query.
 * @throws ZodError for malformed input (email ≤ 320, address ≤ 64 characters)
 */
export async function loginLock(input: { email: string; address: string }, now = new Date()): Promise<LoginLock | null> {
  const { email, address } = lockInput.parse(input);
  const keys = keysOf(email, address);
  const rows = await db.loginThrottle.findMany({ where: { key: { in: keys.map((k) => k.key) }, lockedUntil: { gt: now } }, select: { key: true, lockedUntil: true } });
  let lock: LoginLock | null = null;
  for (const row of rows) {
    const until = row.lockedUntil!;
    if (!lock || until > lock.until) lock = { scope: keys.find((k) => k.key === row.key)!.scope, until, retryAfter: secondsUntil(until, now) };
  }
  return lock;
}

/** Thrown inside the claim's transaction when a key is locked: nothing of the attempt is counted. */
class KeyLocked extends Error {}

/**
 * Claims an attempt on every key in one transaction: for each key, one atomic upsert counts it as a failure
 * and sets the lock that failure count calls for — unless the key is locked now, in which case the whole
 * claim is rolled back (a locked attempt counts nowhere). Concurrent claims on a key queue on its row, so
 * each sees the lock the previous one set.
 * @returns the failures counted and the lock set (ms) per key, or null when a key is locked
 */
async function claimAttempt(keys: ReturnType<typeof keysOf>, now: Date): Promise<{ scope: LockScope; failures: number; lockMs: number }[] | null> {
  const staleBefore = new Date(now.getTime() - LOGIN_THROTTLE.memoryMs);
  try {
    return await db.$transaction(async (tx) => {
      const counted: { scope: LockScope; failures: number; lockMs: number }[] = [];
      for (const k of keys) {
        const next = Prisma.sql`CASE WHEN login_throttles.last_failure_at < ${staleBefore} THEN 1 ELSE login_throttles.failures + 1 END`;
        const lockUntil = (failures: Prisma.Sql) => Prisma.sql`CASE WHEN ${failures} >= ${k.threshold}
          THEN ${now}::timestamptz + LEAST(${LOGIN_THROTTLE.maxLockMs}, ${LOGIN_THROTTLE.baseLockMs} * power(2, LEAST(${failures} - ${k.threshold}, 30))) * interval '1 millisecond'
          ELSE NULL END`;
        const [row] = await tx.$queryRaw<{ failures: number }[]>`
          INSERT INTO login_throttles (key, failures, locked_until, last_failure_at)
          VALUES (${k.key}, 1, ${lockUntil(Prisma.sql`1`)}, ${now})
          ON CONFLICT (key) DO UPDATE SET failures = ${next}, locked_until = ${lockUntil(next)},
            last_failure_at = GREATEST(login_throttles.last_failure_at, EXCLUDED.last_failure_at)
          WHERE login_throttles.locked_until IS NULL OR login_throttles.locked_until <= ${now}
          RETURNING failures`;
        if (!row) throw new KeyLocked();
        const failures = Number(row.failures);
        counted.push({ scope: k.scope, failures, lockMs: lockDurationMs(failures, k.threshold) });
      }
      return counted;
    });
  } catch (err) {
    if (err instanceof KeyLocked) return null;
    throw err;
  }
}

/** Audits a failed attempt (`auth.sign_in_failed`) and each lock it started (`auth.locked`). */
async function auditFailure(account: string, address: string, counted: { scope: LockScope; failures: number; lockMs: number }[], now: Date): Promise<void> {
  const accountFailures = counted.find((c) => c.scope === "account")!.failures;
  const addressFailures = counted.find((c) => c.scope === "address")?.failures ?? null;
  const base = { account, address };
  await db.auditLog.createMany({
    data: [
      { actorId: null, action: "auth.sign_in_failed", targetType: "login", targetId: account, details: { ...base, failures: accountFailures, addressFailures } },
      ...counted
        .filter((c) => c.lockMs > 0)
        .map((c) => ({
          actorId: null,
          action: "auth.locked",
          targetType: "login",
          targetId: account,
          details: { ...base, scope: c.scope, failures: c.failures, lockSeconds: Math.ceil(c.lockMs / 1000), lockedUntil: new Date(now.getTime() + c.lockMs).toISOString() },
        })),
    ],
  });
}

/**
 * After a successful sign-in: deletes the account's key, and takes the attempt's provisional count back from
 * the address's key (clearing a lock only this count had started), so signing in never counts against an
 * address.
 */
async function recordLoginSuccess(email: string, address: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key: accountThrottleKey(email) } });
  const ip = addressThrottleKey(address);
  if (!ip) return;
  await db.$executeRaw`
    UPDATE login_throttles SET failures = GREATEST(failures - 1, 0),
      locked_until = CASE WHEN failures - 1 >= ${LOGIN_THROTTLE.addressThreshold} THEN locked_until ELSE NULL END
    WHERE key = ${ip}`;
}

/**
 * One throttled sign-in attempt (issue 12): refused while the account or the address is locked (without
 * calling `verify`); otherwise counted as a failure first (atomically, so parallel attempts cannot slip
 * past a lock), then `verify` decides: a success clears the account's failures and the address's count of
 * this attempt; a failure stays counted, may have started a lock, and is audited.
 * @param input `{ email, password, address }` (address from `clientAddress`); validated, `.strict()`
 * @param verify the password check; default `verifyCredentials` (bcrypt, server/services/users/credentials.ts)
 * @param now the current time (tests move it)
 * @returns `ok` with the user, `locked` with `retryAfter` (s), or `failed` with the `retryAfter` (s) of a
 *   lock this failure started (else null)
 * @throws ZodError for malformed input
 */
export async function attemptSignIn<U = Awaited<ReturnType<typeof verifyCredentials>>>(
  input: { email: string; password: string; address: string },
  verify: VerifyCredentials<U> = verifyCredentials as unknown as VerifyCredentials<U>,
  now = new Date(),
): Promise<SignInOutcome<U>> {
  const { email, password, address } = attemptInput.parse(input);
  const counted = await claimAttempt(keysOf(email, address), now);
  if (!counted) {
    const lock = await loginLock({ email, address }, now);
    return { status: "locked", retryAfter: lock?.retryAfter ?? 1 };
  }
  const user = await verify(email, password);
  if (user) {
    await recordLoginSuccess(email, address);
    return { status: "ok", user };
  }
  await auditFailure(accountHash(email), address, counted, now);
  const longest = Math.max(0, ...counted.map((c) => c.lockMs));
  return { status: "failed", retryAfter: longest > 0 ? Math.ceil(longest / 1000) : null };
}

/** The `error` code next-auth carries to the sign-in form for a lock: `TooManyAttempts:<seconds>`. */
export const LOCKED_ERROR_PREFIX = "TooManyAttempts:";

/**
 * Thrown from next-auth's `authorize()` for a locked (or just locked) sign-in: next-auth 4 turns its
 * message into the `error` of `signIn()` / `?error=`, which the sign-in form shows as "Too many attempts.
 * Try again in N seconds." (components/ui/sign-in-form.tsx).
 */
export class LoginLockedError extends Error {
  constructor(readonly retryAfter: number) {
    super(`${LOCKED_ERROR_PREFIX}${retryAfter}`);
    this.name = "LoginLockedError";
  }
}

/** The message people read for a lock (seconds, whole). */
export function lockedMessage(retryAfter: number): string {
  return `Too many attempts. Try again in ${retryAfter} ${retryAfter === 1 ? "second" : "seconds"}.`;
}

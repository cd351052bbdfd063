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

/** Counts one failure on `key` (atomic upsert) and returns the failures now counted. */
async function countFailure(key: string, now: Date): Promise<number> {
  const staleBefore = new Date(now.getTime() - LOGIN_THROTTLE.memoryMs);
  const [row] = await db.$queryRaw<{ failures: number }[]>`
    INSERT INTO login_throttles (key, failures, locked_until, last_failure_at) VALUES (${key}, 1, NULL, ${now})
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN login_throttles.last_failure_at < ${staleBefore} THEN 1 ELSE login_throttles.failures + 1 END,
      last_failure_at = GREATEST(login_throttles.last_failure_at, EXCLUDED.last_failure_at)
    RETURNING failures`;
  return Number(row?.failures ?? 1);
}

/**
 * Records a failed sign-in by `email` from `address`: counts it on both keys, locks each key that reached
 * its threshold (see the module comment), and audits the failure and any lock it started.
 * @returns seconds until the longest lock this failure started ends, or null when it started none
 */
export async function recordLoginFailure(input: { email: string; address: string }, now = new Date()): Promise<number | null> {
  const { email, address } = lockInput.parse(input);
  const account = accountHash(email);
  const counted: { scope: LockScope; failures: number; lockMs: number }[] = [];
  for (const k of keysOf(email, address)) {
    const failures = await countFailure(k.key, now);
    const lockMs = lockDurationMs(failures, k.threshold);
    if (lockMs > 0) {
      const until = new Date(now.getTime() + lockMs);
      await db.$executeRaw`UPDATE login_throttles SET locked_until = GREATEST(COALESCE(locked_until, ${until}), ${until}) WHERE key = ${k.key}`;
    }
    counted.push({ scope: k.scope, failures, lockMs });
  }
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
  const longest = Math.max(0, ...counted.map((c) => c.lockMs));
  return longest > 0 ? Math.ceil(longest / 1000) : null;
}

/** Clears the account's failures after a successful sign-in (the address key stays). */
export async function recordLoginSuccess(email: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key: accountThrottleKey(email) } });
}

/**
 * One throttled sign-in attempt (issue 12): refused while the account or the address is locked (without
 * calling `verify`), else `verify` decides; a failure is recorded (and may start a lock), a success clears
 * the account's failures.
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
  const lock = await loginLock({ email, address }, now);
  if (lock) return { status: "locked", retryAfter: lock.retryAfter };
  const user = await verify(email, password);
  if (user) {
    await recordLoginSuccess(email);
    return { status: "ok", user };
  }
  return { status: "failed", retryAfter: await recordLoginFailure({ email, address }, now) };
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

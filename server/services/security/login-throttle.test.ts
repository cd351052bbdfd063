/**
 * Sign-in throttling (issue 12 "Login attempts are limited"): per account and per client address, five
 * failures then growing locks (1 s, 2 s, 4 s … capped at 15 min), a success clears the account, the address
 * has a higher threshold, a locked attempt never checks the password, failures and lockouts are audited.
 */
import { randomBytes, randomInt } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { db } from "@/server/db";
import { createUser } from "@/prisma/factory";
import { DEMO_PASSWORD } from "@/prisma/demo-accounts";
import { accountThrottleKey, attemptSignIn, lockDurationMs, loginLock, LOGIN_THROTTLE, type SignInOutcome } from "./login-throttle";

const address = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const email = () => `throttle.${randomBytes(4).toString("hex")}@herald.test`;
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);
const never = async () => null;

describe("lockDurationMs", () => {
  it("is 0 below the threshold, then 1 s, 2 s, 4 s … capped at 15 minutes", () => {
    expect([1, 2, 3, 4].map((f) => lockDurationMs(f, 5))).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8, 9].map((f) => lockDurationMs(f, 5))).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect(lockDurationMs(14, 5)).toBe(512_000);
    expect(lockDurationMs(15, 5)).toBe(15 * 60_000);
    expect(lockDurationMs(500, 5)).toBe(15 * 60_000);
    expect(LOGIN_THROTTLE).toMatchObject({ accountThreshold: 5, addressThreshold: 20, maxLockMs: 900_000 });
  });
});

describe("attemptSignIn: per account", () => {
  it("allows four failures, locks after the fifth, and refuses a locked attempt without checking the password", async () => {
    const user = await createUser(db);
    const from = address();
    const t0 = new Date();
    for (let i = 0; i < 4; i++) {
      expect(await attemptSignIn({ email: user.email, password: "wrong", address: from }, undefined, t0)).toEqual({ status: "failed", retryAfter: null });
    }
    expect(await attemptSignIn({ email: user.email, password: "wrong", address: from }, undefined, t0)).toEqual({ status: "failed", retryAfter: 1 });
    const verify = vi.fn(never);
    // The right password during the lock is not even looked at.
    expect(await attemptSignIn({ email: user.email, password: DEMO_PASSWORD, address: address() }, verify, at(t0, 500))).toEqual({ status: "locked", retryAfter: 1 });
    expect(verify).not.toHaveBeenCalled();
    expect(await loginLock({ email: user.email.toUpperCase(), address: address() }, at(t0, 500))).toMatchObject({ retryAfter: 1, scope: "account" });
    // Once the lock has run out the password is checked again.
    const ok = await attemptSignIn({ email: user.email, password: DEMO_PASSWORD, address: from }, undefined, at(t0, 1000));
    expect(ok).toMatchObject({ status: "ok", user: { id: user.id } });
  });

  it("grows the lock with each further failure (1, 2, 4, 8 … s) up to 15 minutes", async () => {
    const target = email();
    let now = new Date();
    const seen: (number | null)[] = [];
    for (let i = 0; i < 16; i++) {
      const r = await attemptSignIn({ email: target, password: "wrong", address: address() }, never, now);
      expect(r.status).toBe("failed");
      const retryAfter = (r as Extract<SignInOutcome<unknown>, { status: "failed" }>).retryAfter;
      seen.push(retryAfter);
      now = at(now, (retryAfter ?? 0) * 1000);
    }
    expect(seen).toEqual([null, null, null, null, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
  });

  it("a burst of 30 simultaneous guesses gets 5 password checks, like 5 guesses one after another", async () => {
    const target = email();
    const verify = vi.fn(never);
    const t0 = new Date();
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => attemptSignIn({ email: target, password: "wrong", address: address() }, verify, t0)));
    expect(verify).toHaveBeenCalledTimes(5);
    expect(outcomes.filter((o) => o.status === "locked")).toHaveLength(25);
    expect((await db.loginThrottle.findUnique({ where: { key: accountThrottleKey(target) } }))?.failures).toBe(5);
  });

  it("a success takes its attempt back from the address: 25 sign-ins from one office lock nobody", async () => {
    const user = await createUser(db);
    const from = address();
    const ok = async () => user;
    for (let i = 0; i < 25; i++) expect((await attemptSignIn({ email: user.email, password: "right", address: from }, ok)).status).toBe("ok");
    expect(await loginLock({ email: email(), address: from })).toBeNull();
    expect((await db.loginThrottle.findUnique({ where: { key: `ip:${from}` } }))?.failures ?? 0).toBe(0);
  });

  it("a success clears the account's failures", async () => {
    const user = await createUser(db);
    const t0 = new Date();
    for (let i = 0; i < 4; i++) await attemptSignIn({ email: user.email, password: "wrong", address: address() }, undefined, t0);
    expect((await attemptSignIn({ email: user.email, password: DEMO_PASSWORD, address: address() }, undefined, t0)).status).toBe("ok");
    expect(await db.loginThrottle.findUnique({ where: { key: accountThrottleKey(user.email) } })).toBeNull();
    for (let i = 0; i < 4; i++) {
      expect(await attemptSignIn({ email: user.email, password: "wrong", address: address() }, never, t0)).toEqual({ status: "failed", retryAfter: null });
    }
  });

  it("forgets failures a day after the last one", async () => {
    const target = email();
    const t0 = new Date(Date.now() - 2 * 86_400_000);
    for (let i = 0; i < 4; i++) await attemptSignIn({ email: target, password: "wrong", address: address() }, never, t0);
    expect(await attemptSignIn({ email: target, password: "wrong", address: address() }, never, at(t0, 86_400_001))).toEqual({ status: "failed", retryAfter: null });
    expect((await db.loginThrottle.findUnique({ where: { key: accountThrottleKey(target) } }))?.failures).toBe(1);
  });

  it("treats unknown emails exactly like accounts (nothing tells them apart)", async () => {
    const ghost = email();
    const t0 = new Date();
    for (let i = 0; i < 4; i++) await attemptSignIn({ email: ghost, password: "wrong", address: address() }, undefined, t0);
    expect(await attemptSignIn({ email: ghost, password: "wrong", address: address() }, undefined, t0)).toEqual({ status: "failed", retryAfter: 1 });
    expect(await attemptSignIn({ email: ghost, password: "wrong", address: address() }, undefined, t0)).toEqual({ status: "locked", retryAfter: 1 });
  });
});

describe("attemptSignIn: per client address", () => {
  it("locks an address after 20 failures across accounts, without touching other addresses", async () => {
    const from = address();
    const t0 = new Date();
    for (let i = 0; i < 19; i++) {
      expect(await attemptSignIn({ email: email(), password: "wrong", address: from }, never, t0)).toEqual({ status: "failed", retryAfter: null });
    }
    expect(await attemptSignIn({ email: email(), password: "wrong", address: from }, never, t0)).toEqual({ status: "failed", retryAfter: 1 });
    const verify = vi.fn(never);
    expect(await attemptSignIn({ email: email(), password: "x", address: from }, verify, t0)).toEqual({ status: "locked", retryAfter: 1 });
    expect(verify).not.toHaveBeenCalled();
    expect(await loginLock({ email: email(), address: from }, t0)).toMatchObject({ scope: "address" });
    // Someone else, elsewhere, is not affected; the address's own success does not clear the address.
    expect(await attemptSignIn({ email: email(), password: "wrong", address: address() }, never, t0)).toEqual({ status: "failed", retryAfter: null });
  });

  it("keeps no address key for an unknown address (one shared bucket would lock everyone out)", async () => {
    const t0 = new Date();
    for (let i = 0; i < 25; i++) await attemptSignIn({ email: email(), password: "wrong", address: "unknown" }, never, t0);
    expect(await db.loginThrottle.findUnique({ where: { key: "ip:unknown" } })).toBeNull();
    expect(await loginLock({ email: email(), address: "unknown" }, t0)).toBeNull();
  });
});

describe("audit", () => {
  it("records each failure and each lockout with a hashed account key and the address, never the password", async () => {
    const target = email();
    const from = address();
    const t0 = new Date();
    const password = `secret-${randomBytes(6).toString("hex")}`;
    for (let i = 0; i < 5; i++) await attemptSignIn({ email: target, password, address: from }, never, t0);
    await attemptSignIn({ email: target, password, address: from }, never, t0); // locked: refused, no new failure
    const hash = accountThrottleKey(target).slice("account:".length);
    const rows = await db.auditLog.findMany({ where: { targetType: "login", targetId: hash }, orderBy: { createdAt: "asc" } });
    expect(rows.filter((r) => r.action === "auth.sign_in_failed")).toHaveLength(5);
    const locked = rows.filter((r) => r.action === "auth.locked");
    expect(locked).toHaveLength(1);
    expect(locked[0]).toMatchObject({ actorId: null, details: { account: hash, address: from, scope: "account", failures: 5, lockSeconds: 1 } });
    expect(rows).toContainEqual(expect.objectContaining({ action: "auth.sign_in_failed", actorId: null, details: expect.objectContaining({ account: hash, address: from, failures: 1 }) }));
    const text = JSON.stringify(rows);
    expect(text).not.toContain(password);
    expect(text).not.toContain(target);
  });
});

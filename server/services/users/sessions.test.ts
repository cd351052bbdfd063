/**
 * Issue 12 "Sign-out ends the session on the server", against the real database and the real next-auth:
 * sign-in and sign-out go through next-auth's own handler (credentials callback, CSRF, `events.signOut`)
 * with server/auth.ts's options, and `currentUser()` decrypts the session cookie with next-auth's real
 * `getToken` (only its source of cookies, `next/headers`, is replaced by a cookie jar the test controls).
 * A copied cookie is simply the same jar used again after sign-out.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { encode, type JWT } from "next-auth/jwt";
import { db } from "../../db";
import { createUser } from "../../../prisma/factory";
import { DEMO_PASSWORD } from "../../../prisma/demo-accounts";
import { trpcCode as code } from "../../../test/trpc";

type Jar = Record<string, string>;
const browser = vi.hoisted(() => ({ cookies: {} as Record<string, string> }));

// currentUser reads the session cookie through next/headers' cookies(); hand it the test's cookie jar. Inside
// next-auth's route handler, server/auth.ts reads the User-Agent through next/headers' headers().
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "user-agent": "Vitest browser" }),
  cookies: async () => ({ getAll: () => Object.entries(browser.cookies).map(([name, value]) => ({ name, value })) }),
}));

const SESSION_COOKIE = "next-auth.session-token";

/**
 * Runs `fn` and lists every Prisma client operation it started (model methods and `$queryRaw` & co), by
 * swapping the shared client (server/db.ts reads it from globalThis on every use) for a recording proxy.
 */
async function prismaCalls<T>(fn: () => Promise<T>): Promise<{ result: T; calls: string[] }> {
  const g = globalThis as unknown as { heraldPrisma: object };
  const real = g.heraldPrisma;
  const calls: string[] = [];
  const wrap = (target: object, path: string): object =>
    new Proxy(target, {
      get(t, prop, recv) {
        const v = Reflect.get(t, prop, recv) as unknown;
        if (typeof prop !== "string") return v;
        if (typeof v === "function") {
          return (...args: unknown[]) => {
            calls.push(`${path}${prop}`);
            return (v as (...a: unknown[]) => unknown).apply(t, args);
          };
        }
        return v && typeof v === "object" && !prop.startsWith("_") ? wrap(v, `${path}${prop}.`) : v;
      },
    });
  g.heraldPrisma = wrap(real, "");
  try {
    return { result: await fn(), calls };
  } finally {
    g.heraldPrisma = real;
  }
}

/** One request to next-auth's handler (the pages-API form, which takes a plain request object). */
async function nextAuth(action: string, opts: { method?: "GET" | "POST"; providerId?: string; body?: Record<string, string>; cookies?: Jar } = {}) {
  const NextAuth = (await import("next-auth")).default;
  const { authOptions } = await import("../../auth");
  const headers: Record<string, unknown> = {};
  let status = 200;
  let body: unknown;
  const res = {
    status(n: number) {
      status = n;
      return res;
    },
    setHeader(k: string, v: unknown) {
      headers[k.toLowerCase()] = v;
      return res;
    },
    getHeader: (k: string) => headers[k.toLowerCase()],
    end() {},
    json(b: unknown) {
      body = b;
    },
    send(b: unknown) {
      body = b;
    },
  };
  const req = {
    query: { nextauth: opts.providerId ? [action, opts.providerId] : [action] },
    method: opts.method ?? "GET",
    body: opts.body ?? {},
    cookies: opts.cookies ?? {},
    headers: { host: "localhost:3000", "user-agent": "Vitest browser" },
  };
  await (NextAuth as unknown as (req: unknown, res: unknown, options: unknown) => Promise<void>)(req, res, authOptions);
  const set: Jar = {};
  for (const line of ([] as string[]).concat((headers["set-cookie"] as string[] | undefined) ?? [])) {
    const [pair] = line.split(";");
    const i = pair!.indexOf("=");
    set[pair!.slice(0, i)] = decodeURIComponent(pair!.slice(i + 1));
  }
  return { status, body, set, location: headers.location as string | undefined };
}

/** CSRF token and cookie, as next-auth/react fetches them before a POST. */
async function csrf(cookies: Jar = {}) {
  const r = await nextAuth("csrf", { cookies });
  return { token: (r.body as { csrfToken: string }).csrfToken, cookies: { ...cookies, ...r.set } };
}

/** Signs in through the credentials provider; the session cookie, or null when refused. */
async function signIn(email: string, password = DEMO_PASSWORD): Promise<Jar | null> {
  const c = await csrf();
  const r = await nextAuth("callback", { method: "POST", providerId: "credentials", body: { csrfToken: c.token, email, password, json: "true" }, cookies: c.cookies });
  const token = r.set[SESSION_COOKIE];
  return token ? { [SESSION_COOKIE]: token } : null;
}

/** Signs out (POST /api/auth/signout) with this session cookie. */
async function signOut(session: Jar) {
  const c = await csrf(session);
  const r = await nextAuth("signout", { method: "POST", body: { csrfToken: c.token, json: "true" }, cookies: c.cookies });
  expect(r.set[SESSION_COOKIE]).toBe(""); // next-auth clears the cookie in this browser
}

/** `currentUser()` for a request carrying `session` (a cookie jar; `{}` = no cookie). */
async function userWith(session: Jar) {
  browser.cookies = session;
  const { currentUser } = await import("../../auth");
  return currentUser();
}

/** A tRPC caller built the way the fetch adapter builds it (createContext → currentUser) for `session`. */
async function callerWith(session: Jar) {
  browser.cookies = session;
  const { createContext } = await import("../../trpc/init");
  const { createCaller } = await import("../../trpc/root");
  return createCaller(await createContext());
}

/** A next-auth session cookie for a hand-made JWT (as a cookie issued before this change, or forged with our secret). */
async function cookieFor(token: Partial<JWT> & Record<string, unknown>): Promise<Jar> {
  return { [SESSION_COOKIE]: await encode({ token: token as JWT, secret: process.env.NEXTAUTH_SECRET!, maxAge: 3600 }) };
}

const live = (userId: string) => db.authSession.count({ where: { userId, revokedAt: null, expiresAt: { gt: new Date() } } });

describe("sign-in and sign-out", () => {
  it("sign-in records a session; after sign-out a copy of the cookie signs in no one (tRPC, pages, route handlers)", async () => {
    const u = await createUser(db);
    const cookie = (await signIn(u.email))!;
    expect(cookie).not.toBeNull();
    const rows = await db.authSession.findMany({ where: { userId: u.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ revokedAt: null, userAgent: "Vitest browser" });
    expect(rows[0]!.expiresAt.getTime() - rows[0]!.createdAt.getTime()).toBe(30 * 86_400_000);

    expect(await userWith(cookie)).toMatchObject({ id: u.id, role: "CUSTOMER", email: u.email, sessionId: rows[0]!.id });
    expect(await code((await callerWith(cookie)).notifications.unreadCount())).toBe("OK");

    const copy = { ...cookie };
    await signOut(cookie);
    expect((await db.authSession.findUniqueOrThrow({ where: { id: rows[0]!.id } })).revokedAt).not.toBeNull();

    expect(await userWith(copy)).toBeNull();
    expect(await code((await callerWith(copy)).notifications.unreadCount())).toBe("UNAUTHORIZED");
    browser.cookies = copy;
    const pusher = await import("../../../app/api/pusher/auth/route");
    const res = await pusher.POST(new Request("http://localhost:3000/api/pusher/auth", { method: "POST", body: `socket_id=1.2&channel_name=private-user-${u.id}`, headers: { "content-type": "application/x-www-form-urlencoded" } }));
    expect(res.status).toBe(401);
    const exportRoute = await import("../../../app/api/account/export/route");
    expect((await exportRoute.GET()).status).toBe(401);
  });

  it("sign-out revokes only that session: the person's other devices stay signed in", async () => {
    const u = await createUser(db);
    const laptop = (await signIn(u.email))!;
    const phone = (await signIn(u.email))!;
    await signOut(laptop);
    expect(await userWith(laptop)).toBeNull();
    expect(await userWith(phone)).toMatchObject({ id: u.id });
  });

  it("a wrong password creates no session", async () => {
    const u = await createUser(db);
    expect(await signIn(u.email, "not the password at all")).toBeNull();
    expect(await db.authSession.count({ where: { userId: u.id } })).toBe(0);
  });
});

describe("currentUser", () => {
  it("signs in no one for a JWT without sid (issued before sessions were recorded), and runs no query for it", async () => {
    const u = await createUser(db);
    const old = await cookieFor({ id: u.id, role: u.role, name: u.name, email: u.email });
    const { result, calls } = await prismaCalls(() => userWith(old));
    expect(result).toBeNull();
    expect(calls).toEqual([]);
    expect(await userWith({})).toBeNull();
  });

  it("signs in no one for a cookie sealed with another secret, an expired JWT or garbage, without a query", async () => {
    const u = await createUser(db);
    const ok = await db.authSession.create({ data: { userId: u.id, expiresAt: new Date(Date.now() + 3_600_000) } });
    const claims = { id: u.id, role: u.role, name: u.name, email: u.email, sid: ok.id };
    const otherSecret = { [SESSION_COOKIE]: await encode({ token: claims as JWT, secret: "another-secret-of-at-least-32-characters!", maxAge: 3600 }) };
    const expiredJwt = { [SESSION_COOKIE]: await encode({ token: claims as JWT, secret: process.env.NEXTAUTH_SECRET!, maxAge: -3600 }) };
    for (const jar of [otherSecret, expiredJwt, { [SESSION_COOKIE]: "not-a-jwe" }]) {
      const { result, calls } = await prismaCalls(() => userWith(jar));
      expect(result).toBeNull();
      expect(calls).toEqual([]);
    }
    // The same claims sealed with our secret do sign in: the refusals above are the seal and the expiry.
    expect(await userWith(await cookieFor(claims))).toMatchObject({ id: u.id, sessionId: ok.id });
  });

  it("signs in no one for a revoked, expired, unknown or malformed sid, nor for another user's id beside a live sid", async () => {
    const u = await createUser(db);
    const revoked = await db.authSession.create({ data: { userId: u.id, expiresAt: new Date(Date.now() + 3_600_000), revokedAt: new Date() } });
    const expired = await db.authSession.create({ data: { userId: u.id, createdAt: new Date(Date.now() - 31 * 86_400_000), expiresAt: new Date(Date.now() - 1000) } });
    const ok = await db.authSession.create({ data: { userId: u.id, expiresAt: new Date(Date.now() + 3_600_000) } });
    const claims = { id: u.id, role: u.role, name: u.name, email: u.email };
    expect(await userWith(await cookieFor({ ...claims, sid: revoked.id }))).toBeNull();
    expect(await userWith(await cookieFor({ ...claims, sid: expired.id }))).toBeNull();
    expect(await userWith(await cookieFor({ ...claims, sid: randomUUID() }))).toBeNull();
    expect(await userWith(await cookieFor({ ...claims, sid: "'; DROP TABLE users; --" }))).toBeNull();
    expect(await userWith(await cookieFor({ ...claims, sid: ok.id }))).toMatchObject({ id: u.id, role: "CUSTOMER", sessionId: ok.id });
    // The user comes from the session row, not from the JWT's claims.
    const other = await createUser(db, { role: "ADMIN" });
    expect(await userWith(await cookieFor({ ...claims, id: other.id, role: "ADMIN", sid: ok.id }))).toMatchObject({ id: u.id, role: "CUSTOMER" });
  });

  it("reads the role, name and email fresh with ONE query per request", async () => {
    const u = await createUser(db);
    const cookie = (await signIn(u.email))!;
    await db.user.update({ where: { id: u.id }, data: { name: "Renamed" } });
    const { result, calls } = await prismaCalls(() => userWith(cookie));
    expect(result).toMatchObject({ id: u.id, name: "Renamed", email: u.email });
    expect(calls).toEqual(["$queryRaw"]);
  });

  it("signs in no one once the account is deleted (sessions cascade)", async () => {
    const u = await createUser(db);
    const cookie = (await signIn(u.email))!;
    expect(await userWith(cookie)).toMatchObject({ id: u.id });
    expect(await code((await callerWith(cookie)).account.delete({ confirmEmail: u.email }))).toBe("OK");
    expect(await userWith(cookie)).toBeNull();
    expect(await code((await callerWith(cookie)).account.summary())).toBe("UNAUTHORIZED");
    expect(await db.authSession.count({ where: { userId: u.id } })).toBe(0);
  });
});

describe("Sign out of all devices", () => {
  it("revokes every session of the caller, this one included, and no one else's", async () => {
    const u = await createUser(db);
    const other = await createUser(db);
    const a = (await signIn(u.email))!;
    const b = (await signIn(u.email))!;
    const o = (await signIn(other.email))!;
    expect(await (await callerWith(a)).account.signOutEverywhere()).toEqual({ sessionsRevoked: 2 });
    expect(await userWith(a)).toBeNull();
    expect(await userWith(b)).toBeNull();
    expect(await userWith(o)).toMatchObject({ id: other.id });
    expect([await live(u.id), await live(other.id)]).toEqual([0, 1]);
    expect(await code((await callerWith(a)).account.signOutEverywhere())).toBe("UNAUTHORIZED");
  });
});

describe("password change", () => {
  const NEW = "correct horse battery staple";

  it("refuses a wrong current password, a short or unconfirmed new one, and changes nothing", async () => {
    const u = await createUser(db);
    const here = (await signIn(u.email))!;
    const elsewhere = (await signIn(u.email))!;
    const caller = await callerWith(here);
    const wrong = caller.account.changePassword({ currentPassword: "wrong-password", newPassword: NEW, confirmPassword: NEW });
    await expect(wrong).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Your current password is not correct." });
    expect(await code(caller.account.changePassword({ currentPassword: DEMO_PASSWORD, newPassword: "short", confirmPassword: "short" }))).toBe("BAD_REQUEST");
    expect(await code(caller.account.changePassword({ currentPassword: DEMO_PASSWORD, newPassword: NEW, confirmPassword: `${NEW}!` }))).toBe("BAD_REQUEST");
    expect(await code(caller.account.changePassword({ currentPassword: DEMO_PASSWORD, newPassword: "é".repeat(40), confirmPassword: "é".repeat(40) }))).toBe("BAD_REQUEST"); // 80 bytes
    expect(await code(caller.account.changePassword({ currentPassword: DEMO_PASSWORD, newPassword: NEW, confirmPassword: NEW, extra: 1 } as never))).toBe("BAD_REQUEST");
    expect(await userWith(elsewhere)).toMatchObject({ id: u.id });
    expect(await signIn(u.email, DEMO_PASSWORD)).not.toBeNull();
  });

  it("sets the new password and signs out every other session; this one stays signed in", async () => {
    const u = await createUser(db);
    const here = (await signIn(u.email))!;
    const elsewhere = (await signIn(u.email))!;
    const stolen = { ...elsewhere };
    const r = await (await callerWith(here)).account.changePassword({ currentPassword: DEMO_PASSWORD, newPassword: NEW, confirmPassword: NEW });
    expect(r).toEqual({ sessionsRevoked: 1 });
    expect(await userWith(here)).toMatchObject({ id: u.id });
    expect(await userWith(stolen)).toBeNull();
    expect(await signIn(u.email, DEMO_PASSWORD)).toBeNull();
    expect(await userWith((await signIn(u.email, NEW))!)).toMatchObject({ id: u.id });
  });
});

describe("role change (admin)", () => {
  it("changes the role, signs out all the target's sessions, and is audited", async () => {
    const admin = await createUser(db, { role: "ADMIN" });
    const target = await createUser(db);
    const adminCookie = (await signIn(admin.email))!;
    const t1 = (await signIn(target.email))!;
    const t2 = (await signIn(target.email))!;
    const r = await (await callerWith(adminCookie)).admin.setRole({ userId: target.id, role: "NGO" });
    expect(r).toEqual({ userId: target.id, from: "CUSTOMER", to: "NGO", sessionsRevoked: 2 });
    expect(await userWith(t1)).toBeNull();
    expect(await userWith(t2)).toBeNull();
    expect(await userWith(adminCookie)).toMatchObject({ id: admin.id, role: "ADMIN" });
    expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe("NGO");
    const audit = await db.auditLog.findMany({ where: { targetType: "user", targetId: target.id } });
    expect(audit).toEqual([expect.objectContaining({ actorId: admin.id, action: "user.role_change", details: { from: "CUSTOMER", to: "NGO", sessionsRevoked: 2 } })]);
    // Signing in again gives the new role.
    expect(await userWith((await signIn(target.email))!)).toMatchObject({ id: target.id, role: "NGO" });
    // Setting the same role again is a no-op: no audit entry, no sign-out.
    expect(await (await callerWith(adminCookie)).admin.setRole({ userId: target.id, role: "NGO" })).toMatchObject({ sessionsRevoked: 0 });
    expect(await db.auditLog.count({ where: { targetType: "user", targetId: target.id } })).toBe(1);
  });

  it("refuses non-admins, an admin's own demotion, unknown accounts and roles, with clear codes", async () => {
    const admin = await createUser(db, { role: "ADMIN" });
    const customer = await createUser(db);
    const asAdmin = await callerWith((await signIn(admin.email))!);
    const asCustomer = await callerWith((await signIn(customer.email))!);
    expect(await code(asCustomer.admin.setRole({ userId: customer.id, role: "ADMIN" }))).toBe("FORBIDDEN");
    expect(await code(asCustomer.admin.users({ email: "" }))).toBe("FORBIDDEN");
    await expect(asAdmin.admin.setRole({ userId: admin.id, role: "CUSTOMER" })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/your own admin role/) });
    expect(await code(asAdmin.admin.setRole({ userId: randomUUID(), role: "NGO" }))).toBe("NOT_FOUND");
    expect(await code(asAdmin.admin.setRole({ userId: customer.id, role: "ROOT" as never }))).toBe("BAD_REQUEST");
    expect(await code(asAdmin.admin.setRole({ userId: "nope", role: "NGO" }))).toBe("BAD_REQUEST");
    expect((await db.user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("ADMIN");
    expect((await db.user.findUniqueOrThrow({ where: { id: customer.id } })).role).toBe("CUSTOMER");
  });

  it("finds accounts by part of their email, case-insensitively", async () => {
    const admin = await createUser(db, { role: "ADMIN" });
    const tag = randomUUID().slice(0, 8);
    const a = await createUser(db, { email: `zed.${tag}@herald.test` });
    await createUser(db, { email: `amy.${tag}@herald.test` });
    const asAdmin = await callerWith((await signIn(admin.email))!);
    const found = await asAdmin.admin.users({ email: tag.toUpperCase() });
    expect(found.users.map((x) => x.email)).toEqual([`amy.${tag}@herald.test`, `zed.${tag}@herald.test`]);
    expect((await asAdmin.admin.users({ email: a.email })).users[0]).toMatchObject({ id: a.id, role: "CUSTOMER", stripeCustomerId: null });
    // The row carries the Stripe customer the admin page shows and edits.
    await asAdmin.admin.setStripeCustomer({ userId: a.id, stripeCustomerId: `cus_${tag}` });
    expect((await asAdmin.admin.users({ email: a.email })).users[0]).toMatchObject({ id: a.id, stripeCustomerId: `cus_${tag}` });
    expect((await asAdmin.admin.users({ email: `nobody-${tag}` })).users).toEqual([]);
    expect(await code(asAdmin.admin.users({ email: "x".repeat(400) }))).toBe("BAD_REQUEST");
  });
});


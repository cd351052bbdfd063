/**
 * Issue 12 "Rate limits everywhere a stranger can knock": tRPC mutations per user, /api/pusher/auth per
 * user and per address, the unsubscribe endpoint per address, the newsletter endpoints per address and
 * signups per email. Each refusal is 429 with Retry-After (RFC 6585 §4) in the app's error format
 * `{ error: { code: "RATE_LIMITED", message } }`; tRPC answers TOO_MANY_REQUESTS with Retry-After.
 */
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { TRPCError } from "@trpc/server";
import { db } from "@/server/db";
import { createUser } from "@/prisma/factory";
import { hitRateLimit, PUBLIC_LIMITS, windowStart, type RateLimitRule } from "@/server/services/api/rate-limit";
import { accountHash } from "./login-throttle";
import { withSocketAddress } from "./client-address";
import { trpcCode } from "@/test/trpc";

const session = vi.hoisted(() => ({ user: null as null | { id: string; role: "CUSTOMER" } }));
vi.mock("@/server/auth", () => ({ currentUser: async () => session.user }));

const address = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** Fills `key`'s bucket (this window and the next, so a window edge during the test changes nothing). */
async function fill(key: string, rule: RateLimitRule) {
  const now = Date.now();
  for (const at of [now, now + rule.windowMs]) {
    const start = windowStart(new Date(at), rule.windowMs);
    await db.rateLimitBucket.upsert({ where: { key_windowStart: { key, windowStart: start } }, create: { key, windowStart: start, count: rule.limit }, update: { count: rule.limit } });
  }
}

async function expect429(res: Response, rule: RateLimitRule) {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(rule.windowMs / 1000);
  expect(await res.json()).toMatchObject({ error: { code: "RATE_LIMITED", message: expect.stringMatching(/Try again in \d+ seconds?/) } });
}

describe("tRPC mutations (per user)", () => {
  it("answer TOO_MANY_REQUESTS with Retry-After past the user's limit; queries and other users are not limited", async () => {
    const { createCaller } = await import("@/server/trpc/root");
    const user = await createUser(db);
    const other = await createUser(db);
    expect(PUBLIC_LIMITS.trpcMutation).toEqual({ limit: 120, windowMs: 60_000 });
    await fill(`trpc:user:${user.id}`, PUBLIC_LIMITS.trpcMutation);
    const resHeaders = new Headers();
    const caller = createCaller({ user: { id: user.id, role: "CUSTOMER" }, resHeaders });
    const err = await caller.notifications.markRead({ ids: [randomUUID()] }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect(err).toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringMatching(/Try again in \d+ seconds?/) });
    expect(Number(resHeaders.get("retry-after"))).toBeGreaterThanOrEqual(1);
    await expect(caller.notifications.unreadCount()).resolves.toBeDefined();
    expect(await trpcCode(createCaller({ user: { id: other.id, role: "CUSTOMER" } }).notifications.markRead({ ids: [randomUUID()] }))).not.toBe("TOO_MANY_REQUESTS");
  });
});

describe("/api/pusher/auth", () => {
  const body = () => new URLSearchParams({ socket_id: "123.456", channel_name: "private-user-x" }).toString();
  const post = (ip: string) => new Request("http://localhost:3000/api/pusher/auth", { method: "POST", headers: withSocketAddress({ "content-type": "application/x-www-form-urlencoded" }, ip), body: body() });

  it("answers 429 past the address's limit, signed in or not", async () => {
    const { POST } = await import("@/app/api/pusher/auth/route");
    const ip = address();
    await fill(`pusher-auth:ip:${ip}`, PUBLIC_LIMITS.pusherAuthAddress);
    await expect429(await POST(post(ip)), PUBLIC_LIMITS.pusherAuthAddress);
    expect((await POST(post(address()))).status).toBe(401);
  });

  it("answers 429 past the user's limit", async () => {
    const { POST } = await import("@/app/api/pusher/auth/route");
    const user = await createUser(db);
    await fill(`pusher-auth:user:${user.id}`, PUBLIC_LIMITS.pusherAuthUser);
    session.user = { id: user.id, role: "CUSTOMER" };
    try {
      await expect429(await POST(post(address())), PUBLIC_LIMITS.pusherAuthUser);
    } finally {
      session.user = null;
    }
  });
});

describe("bodies past the limit answer 413 before being read whole; bad text answers 400", () => {
  it("/api/pusher/auth: over 4 KB", async () => {
    const { POST } = await import("@/app/api/pusher/auth/route");
    const user = await createUser(db);
    session.user = { id: user.id, role: "CUSTOMER" };
    try {
      const big = `socket_id=123.456&channel_name=private-user-${user.id}&pad=${"x".repeat(5000)}`;
      const res = await POST(new Request("http://localhost:3000/api/pusher/auth", { method: "POST", headers: withSocketAddress({ "content-type": "application/x-www-form-urlencoded" }, address()), body: big }));
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    } finally {
      session.user = null;
    }
  });

  it("/api/newsletter and /confirm: over 64 KB is 413; a NUL in the email is 400 naming the field", async () => {
    const { POST } = await import("@/app/api/newsletter/route");
    const { POST: confirm } = await import("@/app/api/newsletter/confirm/route");
    const req = (url: string, body: string) => new Request(url, { method: "POST", headers: withSocketAddress({ "content-type": "application/json" }, address()), body });
    const huge = JSON.stringify({ email: "a@example.org", name: "x".repeat(70_000) });
    expect((await POST(req("http://localhost:3000/api/newsletter", huge))).status).toBe(413);
    expect((await confirm(req("http://localhost:3000/api/newsletter/confirm", JSON.stringify({ token: "x".repeat(70_000) })))).status).toBe(413);
    const nul = await POST(req("http://localhost:3000/api/newsletter", JSON.stringify({ email: "a\u0000@example.org" })));
    expect(nul.status).toBe(400);
    expect(await nul.json()).toMatchObject({ error: { code: "VALIDATION_ERROR", details: { email: [expect.any(String)] } } });
  });
});

describe("/api/unsubscribe/<token>", () => {
  it("answers 429 past the address's limit, before looking at the token", async () => {
    const { POST } = await import("@/app/api/unsubscribe/[token]/route");
    const ip = address();
    await fill(`unsubscribe:ip:${ip}`, PUBLIC_LIMITS.unsubscribeAddress);
    const req = (from: string) =>
      new Request("http://localhost:3000/api/unsubscribe/bogus", { method: "POST", headers: withSocketAddress({ "content-type": "application/x-www-form-urlencoded" }, from), body: "List-Unsubscribe=One-Click" });
    await expect429(await POST(req(ip), { params: Promise.resolve({ token: "bogus" }) }), PUBLIC_LIMITS.unsubscribeAddress);
    expect((await POST(req(address()), { params: Promise.resolve({ token: "bogus" }) })).status).toBe(400);
  });
});

describe("/api/newsletter", () => {
  const signup = (ip: string, email: string) =>
    new Request("http://localhost:3000/api/newsletter", { method: "POST", headers: withSocketAddress({ "content-type": "application/json" }, ip), body: JSON.stringify({ email }) });

  it("answers 429 past the address's limit (signup and confirm)", async () => {
    const { POST } = await import("@/app/api/newsletter/route");
    const { POST: confirm } = await import("@/app/api/newsletter/confirm/route");
    const ip = address();
    await fill(`newsletter:ip:${ip}`, PUBLIC_LIMITS.newsletterAddress);
    await expect429(await POST(signup(ip, `nl.${randomBytes(4).toString("hex")}@example.org`)), PUBLIC_LIMITS.newsletterAddress);
    const confirmReq = new Request("http://localhost:3000/api/newsletter/confirm", { method: "POST", headers: withSocketAddress({ "content-type": "application/json" }, ip), body: JSON.stringify({ token: "x" }) });
    await expect429(await confirm(confirmReq), PUBLIC_LIMITS.newsletterAddress);
  });

  it("answers 429 past an email's signup limit, from any address", async () => {
    const { POST } = await import("@/app/api/newsletter/route");
    const email = `nl.${randomBytes(4).toString("hex")}@example.org`;
    await fill(`newsletter:email:${accountHash(email)}`, PUBLIC_LIMITS.newsletterEmail);
    await expect429(await POST(signup(address(), email.toUpperCase())), PUBLIC_LIMITS.newsletterEmail);
    expect((await POST(signup(address(), `nl.${randomBytes(4).toString("hex")}@example.org`))).status).toBe(202);
  });

  it("answers the service's own per-address signup limit with Retry-After too", async () => {
    const { POST } = await import("@/app/api/newsletter/route");
    const ip = address();
    await fill(`newsletter-signup:${ip}`, { limit: 10, windowMs: 3_600_000 });
    await expect429(await POST(signup(ip, `nl.${randomBytes(4).toString("hex")}@example.org`)), { limit: 10, windowMs: 3_600_000 });
  });
});

it("hitRateLimit is shared through the database (several instances count together)", async () => {
  const key = `shared:${address()}`;
  const rule = { limit: 2, windowMs: 60_000 };
  const [a, b, c] = await Promise.all([hitRateLimit(key, rule), hitRateLimit(key, rule), hitRateLimit(key, rule)]);
  expect([a, b, c].filter((r) => r.allowed)).toHaveLength(2);
});

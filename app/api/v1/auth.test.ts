/**
 * The API layer (server/http/api-route.ts) through real route handlers: bearer tokens (401), scopes
 * (403), validation (400), rate limits backed by the database (429 + headers), no-store, no stack traces.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { createNotification } from "@/prisma/factory";
import { ANON_LIMIT, ROLE_LIMITS, hitRateLimit, windowStart } from "@/server/services/api/rate-limit";
import { apiRoute } from "@/server/http/api-route";
import { revokeToken } from "@/server/services/api/tokens";
import { GET as unreadCount } from "./notifications/unread-count/route";
import { GET as listNotifications } from "./notifications/route";
import { POST as markRead } from "./notifications/mark-read/route";
import { call, randomIp, req, userWithToken } from "./_test/helpers";
import { withSocketAddress } from "@/server/services/security/client-address";
import { logsOf } from "../../../test/logs";

const PATH = "/api/v1/notifications/unread-count";

/** Fills the bucket of `key` to `count` in the current and the next window (a test may cross a boundary). */
async function fillBucket(key: string, windowMs: number, count: number) {
  const now = Date.now();
  for (const at of [now, now + windowMs]) {
    const start = windowStart(new Date(at), windowMs);
    await db.rateLimitBucket.upsert({ where: { key_windowStart: { key, windowStart: start } }, create: { key, windowStart: start, count }, update: { count } });
  }
}

describe("authentication", () => {
  it("answers 401 in the R15.4 error format without a token, with a malformed or unknown token", async () => {
    for (const token of [null, "nope", `hrld_pat_${"A".repeat(43)}`]) {
      const r = await call(unreadCount, req("GET", PATH, { token }));
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { code: "UNAUTHORIZED", message: expect.any(String) } });
      expect(r.headers.get("www-authenticate")).toMatch(/^Bearer realm="herald"/);
      expect(r.headers.get("cache-control")).toBe("private, no-store");
    }
    const basic = new Request(`http://localhost:3000${PATH}`, { headers: { authorization: "Basic dXNlcjpwYXNz", "x-forwarded-for": randomIp() } });
    expect((await call(unreadCount, basic)).status).toBe(401);
  });

  it("answers 401 for a revoked token and for an expired one", async () => {
    const { user, token, tokenId } = await userWithToken();
    expect((await call(unreadCount, req("GET", PATH, { token }))).status).toBe(200);
    await revokeToken(user.id, tokenId);
    expect((await call(unreadCount, req("GET", PATH, { token }))).status).toBe(401);

    const other = await userWithToken();
    await db.personalAccessToken.update({ where: { id: other.tokenId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const r = await call(unreadCount, req("GET", PATH, { token: other.token }));
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("UNAUTHORIZED");
  });

  it("answers 200 with the caller's own unread count, no-store and rate-limit headers", async () => {
    const { user, token } = await userWithToken();
    await createNotification(db, { userId: user.id });
    await createNotification(db, { userId: user.id, readAt: new Date() });
    const r = await call(unreadCount, req("GET", PATH, { token }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ unread_count: 1, unseen_count: 1 });
    expect(r.headers.get("cache-control")).toBe("private, no-store");
    expect(r.headers.get("x-ratelimit-limit")).toBe("50");
    expect(r.headers.get("x-ratelimit-remaining")).toBe("49");
    expect(Number(r.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
  });

  it("records lastUsedAt on use, at most once a minute", async () => {
    const { token, tokenId } = await userWithToken();
    expect((await db.personalAccessToken.findUniqueOrThrow({ where: { id: tokenId } })).lastUsedAt).toBeNull();
    await call(unreadCount, req("GET", PATH, { token }));
    const first = (await db.personalAccessToken.findUniqueOrThrow({ where: { id: tokenId } })).lastUsedAt;
    expect(first).toBeInstanceOf(Date);
    await call(unreadCount, req("GET", PATH, { token }));
    expect((await db.personalAccessToken.findUniqueOrThrow({ where: { id: tokenId } })).lastUsedAt).toEqual(first);
  });
});

describe("scopes", () => {
  it("answers 403 PERMISSION_DENIED when the token lacks the endpoint's scope, and changes nothing", async () => {
    const { user, token } = await userWithToken("CUSTOMER", ["notifications:read"]);
    const n = await createNotification(db, { userId: user.id });
    const r = await call(markRead, req("POST", "/api/v1/notifications/mark-read", { token, body: { notification_ids: [n.id] } }));
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: "PERMISSION_DENIED", details: { required_scope: "notifications:write" } });
    expect((await db.notification.findUniqueOrThrow({ where: { id: n.id } })).readAt).toBeNull();
    expect((await call(unreadCount, req("GET", PATH, { token }))).status).toBe(200);
  });
});

describe("validation", () => {
  it("answers 400 VALIDATION_ERROR with field details for unknown query params and bad values", async () => {
    const { token } = await userWithToken();
    const unknown = await call(listNotifications, req("GET", "/api/v1/notifications?sneaky=1", { token }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toEqual({ code: "VALIDATION_ERROR", message: expect.any(String), details: { sneaky: ["Unknown field"] } });
    for (const q of ["page=0", "page=abc", "page_size=101", "page_size=0", "is_read=yes", "notification_type=spam", "date_from=2025-02-30", "date_to=25-06-01", "page=1&page=2", "date_from=2025-06-02&date_to=2025-06-01"]) {
      const r = await call(listNotifications, req("GET", `/api/v1/notifications?${q}`, { token }));
      expect(r.status, q).toBe(400);
      expect(r.body.error.code, q).toBe("VALIDATION_ERROR");
      expect(Object.keys(r.body.error.details ?? {}).length, q).toBeGreaterThan(0);
    }
  });

  it("answers 400 for unknown body fields, malformed JSON and bad ids", async () => {
    const { user, token } = await userWithToken();
    const n = await createNotification(db, { userId: user.id });
    const extra = await call(markRead, req("POST", "/api/v1/notifications/mark-read", { token, body: { notification_ids: [n.id], all: true } }));
    expect(extra.status).toBe(400);
    expect(extra.body.error.details).toEqual({ all: ["Unknown field"] });
    const bad = await call(markRead, req("POST", "/api/v1/notifications/mark-read", { token, rawBody: "{not json" }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual({ body: ["not valid JSON"] });
    const ids = await call(markRead, req("POST", "/api/v1/notifications/mark-read", { token, body: { notification_ids: ["x"] } }));
    expect(ids.status).toBe(400);
    expect(ids.body.error.details["notification_ids.0"]).toEqual(["Must be a UUID"]);
    expect((await call(markRead, req("POST", "/api/v1/notifications/mark-read", { token, body: { notification_ids: [] } }))).status).toBe(400);
    expect((await call(markRead, req("POST", "/api/v1/notifications/mark-read", { token }))).status).toBe(400);
    expect((await db.notification.findUniqueOrThrow({ where: { id: n.id } })).readAt).toBeNull();
  });
});

describe("rate limits", () => {
  it("count every request in one database row per token and window", async () => {
    const { token, tokenId } = await userWithToken("NGO");
    await call(unreadCount, req("GET", PATH, { token }));
    const r = await call(unreadCount, req("GET", PATH, { token }));
    expect(r.headers.get("x-ratelimit-limit")).toBe("75");
    expect(r.headers.get("x-ratelimit-remaining")).toBe("73");
    const rows = await db.rateLimitBucket.findMany({ where: { key: `pat:${tokenId}` } });
    expect(rows.map((b) => b.count)).toEqual([2]);
  });

  it("answer 429 RATE_LIMITED with Retry-After once a token's role limit is used up", async () => {
    const { token, tokenId } = await userWithToken("CUSTOMER");
    await fillBucket(`pat:${tokenId}`, ROLE_LIMITS.CUSTOMER.windowMs, ROLE_LIMITS.CUSTOMER.limit);
    const r = await call(unreadCount, req("GET", PATH, { token }));
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe("RATE_LIMITED");
    const retryAfter = Number(r.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(r.headers.get("x-ratelimit-limit")).toBe("50");
    expect(r.headers.get("x-ratelimit-remaining")).toBe("0");
  });

  it("limit each role at its own rate (business 100/min, admin 500/min)", async () => {
    const biz = await userWithToken("BUSINESS");
    await fillBucket(`pat:${biz.tokenId}`, 60_000, 99);
    const ok = await call(unreadCount, req("GET", PATH, { token: biz.token }));
    expect([ok.status, ok.headers.get("x-ratelimit-remaining")]).toEqual([200, "0"]);
    expect((await call(unreadCount, req("GET", PATH, { token: biz.token }))).status).toBe(429);
    const admin = await userWithToken("ADMIN");
    expect((await call(unreadCount, req("GET", PATH, { token: admin.token }))).headers.get("x-ratelimit-limit")).toBe("500");
  });

  it("limit unauthenticated and failed-auth requests per client IP (100/hour)", async () => {
    const ip = randomIp();
    await fillBucket(`ip:${ip}`, ANON_LIMIT.windowMs, ANON_LIMIT.limit);
    const r = await call(unreadCount, req("GET", PATH, { token: "garbage", ip }));
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(r.headers.get("retry-after"))).toBeLessThanOrEqual(3600);
    const fresh = await call(unreadCount, req("GET", PATH, { ip: randomIp() }));
    expect(fresh.status).toBe(401);
    expect(fresh.headers.get("x-ratelimit-limit")).toBe("100");
    // A valid token is not limited by its IP's anonymous bucket.
    const { token } = await userWithToken();
    expect((await call(unreadCount, req("GET", PATH, { token, ip }))).status).toBe(200);
  });

  it("count by the socket address: a spoofed x-forwarded-for or x-real-ip picks no bucket (issue 12)", async () => {
    const socket = randomIp();
    const spoofed = randomIp();
    const headers = withSocketAddress({ "x-forwarded-for": `${spoofed}, 10.0.0.1`, "x-real-ip": spoofed }, socket);
    await call(unreadCount, new Request(`http://localhost:3000${PATH}`, { headers }));
    expect(await db.rateLimitBucket.count({ where: { key: `ip:${socket}` } })).toBe(1);
    expect(await db.rateLimitBucket.count({ where: { key: { in: [`ip:${spoofed}`, "ip:10.0.0.1"] } } })).toBe(0);
  });

  it("hold across concurrent requests: the counter is atomic", async () => {
    const key = `test:${randomIp()}`;
    const rule = { limit: 5, windowMs: 60_000 };
    const results = await Promise.all(Array.from({ length: 8 }, () => hitRateLimit(key, rule)));
    expect(results.filter((r) => r.allowed).length).toBe(5);
    expect(results.map((r) => r.remaining).sort()).toEqual([0, 0, 0, 0, 1, 2, 3, 4]);
  });
});

describe("errors", () => {
  it("answer a generic 500 without a stack trace and log the error server-side", async () => {
    const { token } = await userWithToken();
    const boom = apiRoute({
      scope: "notifications:read",
      handle: () => Promise.reject(new Error("secret internals at /srv/app.ts:42")),
    });
    let r: Awaited<ReturnType<typeof call>> | undefined;
    const logs = await logsOf(async () => {
      r = await call(boom, req("GET", "/api/v1/boom", { token }));
    });
    expect(r!.status).toBe(500);
    expect(r!.body).toEqual({ error: { code: "INTERNAL_ERROR", message: "Something went wrong on our side" } });
    expect(JSON.stringify(r!.body)).not.toContain("secret");
    // Server-side, the error is logged with its request id, and the request line too.
    const failure = logs.find((l) => l.msg === "api request failed");
    expect(failure).toMatchObject({ level: "error", path: "/api/v1/boom", err: { message: "secret internals at /srv/app.ts:42" } });
    expect(logs.find((l) => l.msg === "request")).toMatchObject({ level: "error", requestId: failure!.requestId, status: 500 });
  });
});

/**
 * The embeddable inbox's API (docs/requirements.md R21) through its real route handlers, against the real
 * database: list, counts, mark read / seen / all read, the session, channel authorization; CORS for an
 * allowed origin, none for any other, preflights; 401s, the per-user limit; 404 while embedding is off.
 */
import { createHmac, randomBytes } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { db } from "../../db";
import { createBusiness, createNotification, createUser } from "../../../prisma/factory";
import { withSocketAddress } from "../security/client-address";
import { hitRateLimit, ROLE_LIMITS } from "../api/rate-limit";
import { signEmbedToken } from "./embed-token";

const SECRET = randomBytes(32).toString("base64url");
const ORIGIN = "https://shop.example.com";
const saved = { s: process.env.HERALD_EMBED_SECRET, o: process.env.HERALD_EMBED_ORIGINS, a: process.env.HERALD_EMBED_TOKEN_MAX_AGE_S };
// Set before the routes first read the environment (server/env.ts caches each group once per module load).
Object.assign(process.env, { HERALD_EMBED_SECRET: SECRET, HERALD_EMBED_ORIGINS: `${ORIGIN}, http://localhost:3195`, HERALD_EMBED_TOKEN_MAX_AGE_S: "3600" });
afterAll(() => {
  for (const [k, v] of [["HERALD_EMBED_SECRET", saved.s], ["HERALD_EMBED_ORIGINS", saved.o], ["HERALD_EMBED_TOKEN_MAX_AGE_S", saved.a]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const session = await import("../../../app/api/embed/v1/session/route");
const list = await import("../../../app/api/embed/v1/notifications/route");
const counts = await import("../../../app/api/embed/v1/notifications/counts/route");
const markRead = await import("../../../app/api/embed/v1/notifications/mark-read/route");
const markSeen = await import("../../../app/api/embed/v1/notifications/mark-seen/route");
const markAll = await import("../../../app/api/embed/v1/notifications/mark-all-read/route");
const channelAuth = await import("../../../app/api/embed/v1/realtime/auth/route");

/** A client address of this file's own, so its anonymous requests count in a bucket nobody else uses. */
const ADDRESS = `198.51.100.${1 + (process.pid % 250)}`;
const BASE = "http://localhost:3000";

function req(path: string, o: { method?: string; token?: string | null; origin?: string | null; body?: unknown; headers?: Record<string, string> } = {}): Request {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.origin !== null) headers.origin = o.origin ?? ORIGIN;
  if (o.body !== undefined) headers["content-type"] ??= "application/json";
  return new Request(`${BASE}${path}`, {
    method: o.method ?? (o.body === undefined ? "GET" : "POST"),
    headers: withSocketAddress(headers, ADDRESS),
    ...(o.body === undefined ? {} : { body: typeof o.body === "string" ? o.body : JSON.stringify(o.body) }),
  });
}

async function person() {
  const user = await createUser(db);
  return { user, token: signEmbedToken(user.id, SECRET, 600) };
}

describe("GET notifications and counts", () => {
  it("lists only the person's inbox, newest first, in keyset pages, with absolute links on Herald only", async () => {
    const { user, token } = await person();
    const { business } = await createBusiness(db, { name: "Embed Bakery", logoColor: "#123456" });
    const base = Date.now() - 60_000;
    const mine = [];
    for (let i = 0; i < 3; i++) {
      mine.push(await createNotification(db, { userId: user.id, title: `Mine ${i}`, businessId: business.id, createdAt: new Date(base + i * 1000), actionUrl: "/listings/abc?x=1" }));
    }
    await createNotification(db, { userId: user.id, title: "Archived", archivedAt: new Date() });
    const evil = await createNotification(db, { userId: user.id, title: "Elsewhere", actionUrl: "https://evil.example/phish", createdAt: new Date(base - 5000) });
    const other = await createUser(db);
    await createNotification(db, { userId: other.id, title: "Not yours" });

    const first = await list.GET(req("/api/embed/v1/notifications?limit=2", { token }));
    expect(first.status).toBe(200);
    const page1 = await first.json();
    expect(page1.items.map((i: { title: string }) => i.title)).toEqual(["Mine 2", "Mine 1"]);
    expect(page1.items[0]).toEqual({
      id: mine[2]!.id,
      type: "business_update",
      title: "Mine 2",
      body: "Something happened.",
      data: {},
      url: "http://localhost:3000/listings/abc?x=1",
      business: { name: "Embed Bakery", color: "#123456" },
      created_at: mine[2]!.createdAt.toISOString(),
      seen_at: null,
      read_at: null,
    });
    expect(page1.next_cursor).toEqual(expect.any(String));
    expect(page1.seq).toEqual(expect.any(Number));
    const second = await (await list.GET(req(`/api/embed/v1/notifications?limit=2&cursor=${page1.next_cursor}`, { token }))).json();
    expect(second.items.map((i: { title: string; url: string | null }) => [i.title, i.url])).toEqual([
      ["Mine 0", "http://localhost:3000/listings/abc?x=1"],
      ["Elsewhere", null],
    ]);
    expect(second.items[1].id).toBe(evil.id);
    expect(second.next_cursor).toBeNull();

    const c = await counts.GET(req("/api/embed/v1/notifications/counts", { token }));
    expect(await c.json()).toEqual({ unread_count: 4, unseen_count: 4, seq: expect.any(Number) });
  });

  it("refuses unknown query parameters, an out-of-range limit and a malformed cursor with 400, naming them", async () => {
    const { token } = await person();
    for (const [q, field] of [["?page=2", "page"], ["?limit=0", "limit"], ["?limit=51", "limit"], ["?limit=abc", "limit"]] as const) {
      const res = await list.GET(req(`/api/embed/v1/notifications${q}`, { token }));
      expect(res.status, q).toBe(400);
      const body = await res.json();
      expect(body.error.code).toBe("VALIDATION_ERROR");
      expect(Object.keys(body.error.details)).toContain(field);
      expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    }
    const bad = await list.GET(req("/api/embed/v1/notifications?cursor=bm90IGEgY3Vyc29y", { token }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details).toEqual({ cursor: ["not a cursor from a previous page"] });
  });
});

describe("mark read, seen and all read", () => {
  it("marks the person's own notification read and answers the counts after", async () => {
    const { user, token } = await person();
    const a = await createNotification(db, { userId: user.id });
    await createNotification(db, { userId: user.id });
    const res = await markRead.POST(req("/api/embed/v1/notifications/mark-read", { token, body: { notification_ids: [a.id] } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: "1 notification marked as read", marked_count: 1, unread_count: 1, unseen_count: 1 });
    const row = await db.notification.findUniqueOrThrow({ where: { id: a.id } });
    expect(row.readAt).not.toBeNull();
    expect(row.seenAt).not.toBeNull();
  });

  it("refuses someone else's id with 404 and changes nothing (all or nothing); refuses unknown fields with 400", async () => {
    const { user, token } = await person();
    const mine = await createNotification(db, { userId: user.id });
    const theirs = await createNotification(db, { userId: (await createUser(db)).id });
    const res = await markRead.POST(req("/api/embed/v1/notifications/mark-read", { token, body: { notification_ids: [mine.id, theirs.id] } }));
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("NOT_FOUND");
    expect((await db.notification.findMany({ where: { id: { in: [mine.id, theirs.id] } }, select: { readAt: true } })).every((r) => r.readAt === null)).toBe(true);
    const extra = await markRead.POST(req("/api/embed/v1/notifications/mark-read", { token, body: { notification_ids: [mine.id], user_id: user.id } }));
    expect(extra.status).toBe(400);
    expect((await extra.json()).error.details).toEqual({ user_id: ["Unknown field"] });
    const notJson = await markRead.POST(req("/api/embed/v1/notifications/mark-read", { token, body: "{not json" }));
    expect(notJson.status).toBe(400);
  });

  it("marks seen (the badge clears, they stay unread), skipping ids that are not the person's; marks all read", async () => {
    const { user, token } = await person();
    const a = await createNotification(db, { userId: user.id });
    const b = await createNotification(db, { userId: user.id });
    const theirs = await createNotification(db, { userId: (await createUser(db)).id });
    const seen = await markSeen.POST(req("/api/embed/v1/notifications/mark-seen", { token, body: { notification_ids: [a.id, theirs.id] } }));
    expect(await seen.json()).toEqual({ message: "1 notification marked as seen", marked_count: 1, unread_count: 2, unseen_count: 1 });
    expect((await db.notification.findUniqueOrThrow({ where: { id: theirs.id } })).seenAt).toBeNull();
    const all = await markAll.POST(req("/api/embed/v1/notifications/mark-all-read", { token, body: {} }));
    expect(await all.json()).toEqual({ message: "All notifications marked as read", marked_count: 2, unread_count: 0, unseen_count: 0 });
    expect((await db.notification.findMany({ where: { id: { in: [a.id, b.id] } } })).every((r) => r.readAt !== null)).toBe(true);
    expect((await db.notification.findUniqueOrThrow({ where: { id: theirs.id } })).readAt).toBeNull();
  });
});

describe("the session", () => {
  it("answers the person, their counts and the realtime server with their own private channel (no secret)", async () => {
    const { user, token } = await person();
    await createNotification(db, { userId: user.id });
    const res = await session.GET(req("/api/embed/v1/session", { token }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      user: { id: user.id, locale: null },
      counts: { unread_count: 1, unseen_count: 1, seq: expect.any(Number) },
      realtime: { key: process.env.PUSHER_KEY, cluster: "mt1", ws_host: "127.0.0.1", ws_port: Number(process.env.PUSHER_PORT), force_tls: false, channel: `private-user-${user.id}` },
    });
    expect(JSON.stringify(body)).not.toContain(process.env.PUSHER_SECRET!);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
  });
});

describe("CORS", () => {
  it("names an allowed origin exactly, with Vary: Origin and no credentials", async () => {
    const { token } = await person();
    for (const origin of [ORIGIN, "http://localhost:3195"]) {
      const res = await counts.GET(req("/api/embed/v1/notifications/counts", { token, origin }));
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe(origin);
      expect(res.headers.get("vary")).toBe("Origin");
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
      expect(res.headers.get("access-control-expose-headers")).toContain("retry-after");
    }
  });

  it("gives any other origin 403 and no CORS header at all, and changes nothing", async () => {
    const { user, token } = await person();
    const n = await createNotification(db, { userId: user.id });
    for (const origin of ["https://evil.example", "https://shop.example.com.evil.example", "https://evil.shop.example.com", "http://shop.example.com", "https://shop.example.com:8443", "null"]) {
      const res = await markRead.POST(req("/api/embed/v1/notifications/mark-read", { token, origin, body: { notification_ids: [n.id] } }));
      expect(res.status, origin).toBe(403);
      expect([...res.headers.keys()].filter((k) => k.startsWith("access-control-")), origin).toEqual([]);
      expect(res.headers.get("vary")).toBe("Origin");
    }
    expect((await db.notification.findUniqueOrThrow({ where: { id: n.id } })).readAt).toBeNull();
  });

  it("answers a request without Origin (a server) without CORS headers", async () => {
    const { token } = await person();
    const res = await counts.GET(req("/api/embed/v1/notifications/counts", { token, origin: null }));
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers an allowed preflight with the endpoint's methods and headers; refuses others without CORS headers", async () => {
    const pre = (origin: string, method: string, headers = "authorization, content-type") =>
      markRead.OPTIONS(req("/api/embed/v1/notifications/mark-read", { method: "OPTIONS", origin, headers: { "access-control-request-method": method, "access-control-request-headers": headers } }));
    const ok = await pre(ORIGIN, "POST");
    expect(ok.status).toBe(204);
    expect(Object.fromEntries([...ok.headers].filter(([k]) => k.startsWith("access-control-") || k === "vary"))).toEqual({
      "access-control-allow-origin": ORIGIN,
      "access-control-allow-methods": "POST, OPTIONS",
      "access-control-allow-headers": "authorization, content-type",
      "access-control-max-age": "600",
      vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
    });
    for (const refused of [await pre("https://evil.example", "POST"), await pre(ORIGIN, "DELETE"), await pre(ORIGIN, "POST", "authorization, cookie")]) {
      expect(refused.status).toBe(403);
      expect([...refused.headers.keys()].filter((k) => k.startsWith("access-control-"))).toEqual([]);
    }
    const get = await list.OPTIONS(req("/api/embed/v1/notifications", { method: "OPTIONS", headers: { "access-control-request-method": "GET", "access-control-request-headers": "authorization" } }));
    expect(get.headers.get("access-control-allow-methods")).toBe("GET, OPTIONS");
  });
});

describe("authentication and limits", () => {
  it("answers 401 (with CORS for an allowed origin, so the component can tell) without a token, or with a bad, expired or unknown user's one", async () => {
    const { user } = await person();
    const gone = await createUser(db);
    const goneToken = signEmbedToken(gone.id, SECRET, 600);
    await db.user.delete({ where: { id: gone.id } });
    for (const token of [
      null,
      "garbage",
      signEmbedToken(user.id, randomBytes(32).toString("hex"), 600),
      signEmbedToken(user.id, SECRET, 60, Date.now() - 120_000),
      signEmbedToken(user.id, SECRET, 2 * 3600),
      goneToken,
    ]) {
      const res = await counts.GET(req("/api/embed/v1/notifications/counts", { token }));
      expect(res.status, String(token)).toBe(401);
      expect((await res.json()).error.code).toBe("UNAUTHORIZED");
      expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="herald-embed"/);
      expect(res.headers.get("x-ratelimit-limit")).toBe("100");
    }
  });

  it("limits each person like the REST API (per role, per minute): 429 with Retry-After past it", async () => {
    const { user, token } = await person();
    const ok = await counts.GET(req("/api/embed/v1/notifications/counts", { token }));
    expect(ok.headers.get("x-ratelimit-limit")).toBe(String(ROLE_LIMITS.CUSTOMER.limit));
    for (let i = 0; i < ROLE_LIMITS.CUSTOMER.limit; i++) await hitRateLimit(`embed:user:${user.id}`, ROLE_LIMITS.CUSTOMER);
    const res = await counts.GET(req("/api/embed/v1/notifications/counts", { token }));
    expect(res.status).toBe(429);
    expect((await res.json()).error.code).toBe("RATE_LIMITED");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
  });
});

describe("channel authorization", () => {
  const sign = (socketId: string, channel: string) =>
    `${process.env.PUSHER_KEY}:${createHmac("sha256", process.env.PUSHER_SECRET!).update(`${socketId}:${channel}`).digest("hex")}`;
  const auth = (token: string, body: string, type = "application/x-www-form-urlencoded") =>
    channelAuth.POST(req("/api/embed/v1/realtime/auth", { token, body, headers: { "content-type": type } }));

  it("signs the person's own private channel (form or JSON), as Pusher verifies it", async () => {
    const { user, token } = await person();
    const channel = `private-user-${user.id}`;
    const res = await auth(token, `socket_id=123.456&channel_name=${channel}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ auth: sign("123.456", channel) });
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const json = await auth(token, JSON.stringify({ socket_id: "7.8", channel_name: channel }), "application/json");
    expect(await json.json()).toEqual({ auth: sign("7.8", channel) });
  });

  it("refuses another user's channel and even the person's own business channel (403), bad fields (400), no token (401)", async () => {
    const { user, token } = await person();
    const other = await createUser(db);
    const theirs = await auth(token, `socket_id=123.456&channel_name=private-user-${other.id}`);
    expect(theirs.status).toBe(403);
    expect((await theirs.json()).error.code).toBe("PERMISSION_DENIED");
    const { owner, business } = await createBusiness(db);
    const ownerToken = signEmbedToken(owner.id, SECRET, 600);
    expect((await auth(ownerToken, `socket_id=1.2&channel_name=private-business-${business.id}`)).status).toBe(403);
    expect((await auth(ownerToken, `socket_id=1.2&channel_name=private-user-${owner.id}`)).status).toBe(200);
    expect((await auth(token, `socket_id=1.2:x&channel_name=private-user-${user.id}`)).status).toBe(400);
    expect((await auth(token, `socket_id=1.2&channel_name=private-user-${user.id}%0A`)).status).toBe(400);
    expect((await auth(token, "{", "application/json")).status).toBe(400);
    expect((await auth(token, `socket_id=1.2&channel_name=${"a".repeat(5000)}`)).status).toBe(413);
    const anon = await channelAuth.POST(req("/api/embed/v1/realtime/auth", { body: `socket_id=1.2&channel_name=private-user-${user.id}`, headers: { "content-type": "application/x-www-form-urlencoded" } }));
    expect(anon.status).toBe(401);
  });
});

describe("embedding off", () => {
  it("answers 404 on every endpoint, preflights included, while HERALD_EMBED_SECRET is unset", async () => {
    const { token } = await person();
    vi.resetModules();
    const before = process.env.HERALD_EMBED_SECRET;
    process.env.HERALD_EMBED_SECRET = "";
    try {
      const fresh = {
        counts: await import("../../../app/api/embed/v1/notifications/counts/route"),
        markAll: await import("../../../app/api/embed/v1/notifications/mark-all-read/route"),
        auth: await import("../../../app/api/embed/v1/realtime/auth/route"),
      };
      for (const res of [
        await fresh.counts.GET(req("/api/embed/v1/notifications/counts", { token })),
        await fresh.counts.OPTIONS(req("/api/embed/v1/notifications/counts", { method: "OPTIONS", headers: { "access-control-request-method": "GET" } })),
        await fresh.markAll.POST(req("/api/embed/v1/notifications/mark-all-read", { token, body: {} })),
        await fresh.auth.POST(req("/api/embed/v1/realtime/auth", { token, body: "socket_id=1.2&channel_name=x" })),
      ]) {
        expect(res.status).toBe(404);
        expect(res.headers.get("access-control-allow-origin")).toBeNull();
      }
    } finally {
      process.env.HERALD_EMBED_SECRET = before;
      vi.resetModules();
    }
  });
});

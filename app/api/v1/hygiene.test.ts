/**
 * Issue 12 "Request hygiene" on the HTTP API (`/api/v1`, the API error format, docs/architecture.md) and the events API:
 * NUL (U+0000) and lone surrogates answer 400 VALIDATION_ERROR naming the field (never 500), bodies over
 * 64 KB answer 413 PAYLOAD_TOO_LARGE without being read whole, and every answer is `private, no-store`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createBusiness, createUser } from "@/prisma/factory";
import { db } from "@/server/db";
import { createApiKey } from "@/server/services/api/api-keys";
import { MAX_BODY_BYTES } from "@/server/services/api/contract";
import { GET as listNotifications } from "./notifications/route";
import { PUT as putPreferences, GET as getPreferences } from "./preferences/route";
import type * as EventsRoute from "./events/route";
import { call, randomIp, req, userWithToken, ORIGIN } from "./_test/helpers";

let postEvent: typeof EventsRoute.POST;
beforeAll(async () => {
  // The events route loads the Inngest client; nothing here reaches it (every request is refused first).
  process.env.INNGEST_BASE_URL ??= "http://127.0.0.1:9";
  ({ POST: postEvent } = await import("./events/route"));
});

/** A body stream of `total` bytes that counts what was pulled from it. */
function countingStream(total: number) {
  const state = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      const n = Math.min(16 * 1024, total - state.pulled);
      if (n <= 0) return c.close();
      state.pulled += n;
      c.enqueue(new Uint8Array(n).fill(0x20));
    },
  });
  return { stream, state };
}

describe("/api/v1: NUL and lone surrogates", () => {
  it("a query parameter with NUL answers 400 naming it", async () => {
    const { token } = await userWithToken();
    const r = await call(listNotifications, req("GET", "/api/v1/notifications?notification_type=new%00listing", { token }));
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: { notification_type: [expect.stringMatching(/NUL/)] } });
    expect(r.headers.get("cache-control")).toBe("private, no-store");
  });

  it("a JSON body with NUL or a lone surrogate (values and keys) answers 400 naming the field and changes nothing", async () => {
    const { user, token } = await userWithToken();
    const before = await call(getPreferences, req("GET", "/api/v1/preferences", { token }));
    for (const [raw, field] of [
      [`{"email_notifications":true,"quiet_hours_start":"22:00\\u0000"}`, "quiet_hours_start"],
      [`{"email_notifications":true,"timezone":"Africa/Johannesburg\\ud800"}`, "timezone"],
      [`{"email_notifications":true,"bad\\u0000key":1}`, "bad\ufffdkey"],
    ] as const) {
      const r = await call(putPreferences, req("PUT", "/api/v1/preferences", { token, rawBody: raw }));
      expect(r.status, raw).toBe(400);
      expect(r.body.error.code).toBe("VALIDATION_ERROR");
      expect(Object.keys(r.body.error.details), raw).toEqual([field]);
    }
    expect((await call(getPreferences, req("GET", "/api/v1/preferences", { token }))).body).toEqual(before.body);
    expect(user.id).toBeTruthy();
  });
});

describe("/api/v1: body size", () => {
  it("answers 413 on a declared Content-Length over the limit, before reading", async () => {
    const { token } = await userWithToken();
    const { stream, state } = countingStream(10 * MAX_BODY_BYTES);
    const request = new Request(`${ORIGIN}/api/v1/preferences`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": String(10 * MAX_BODY_BYTES), "x-forwarded-for": randomIp() },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const r = await call(putPreferences, request);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(state.pulled).toBeLessThanOrEqual(16 * 1024);
  });

  it("stops reading an undeclared body once it passes the limit", async () => {
    const { token } = await userWithToken();
    const { stream, state } = countingStream(100 * MAX_BODY_BYTES);
    const request = new Request(`${ORIGIN}/api/v1/preferences`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-forwarded-for": randomIp() },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const r = await call(putPreferences, request);
    expect(r.status).toBe(413);
    expect(state.pulled).toBeLessThan(2 * MAX_BODY_BYTES);
  });
});

describe("/api/v1: caching", () => {
  it("every answer, success or failure, is private, no-store", async () => {
    const { token } = await userWithToken();
    for (const r of [
      await call(getPreferences, req("GET", "/api/v1/preferences", { token })),
      await call(getPreferences, req("GET", "/api/v1/preferences")),
      await call(getPreferences, req("GET", "/api/v1/preferences", { token: "hrld_pat_nope" })),
    ]) {
      expect(r.headers.get("cache-control")).toBe("private, no-store");
    }
  });
});

describe("POST /api/v1/events: NUL, lone surrogates and size", () => {
  async function apiKey() {
    const admin = await createUser(db, { role: "ADMIN" });
    return (await createApiKey(admin.id, { name: "Hygiene" })).key;
  }
  const send = (key: string, body: string, idem: string, extra: Record<string, string> = {}) =>
    call(
      postEvent,
      new Request(`${ORIGIN}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "idempotency-key": idem, "content-type": "application/json", "x-forwarded-for": randomIp(), ...extra },
        body,
      }),
    );

  it("answers 400 naming data.title and stores nothing (no listing, no idempotency record)", async () => {
    const key = await apiKey();
    const { business } = await createBusiness(db);
    const idem = `hygiene-${Date.now()}`;
    for (const title of ["Crois\u0000sants", "Croissants \udfff"]) {
      const event = {
        name: "listing.created",
        data: {
          business_id: business.id,
          title,
          price: "30.50",
          currency: "ZAR",
          pickup_start: new Date(Date.now() + 3_600_000).toISOString(),
          pickup_end: new Date(Date.now() + 7_200_000).toISOString(),
          expires_at: new Date(Date.now() + 7_200_000).toISOString(),
        },
      };
      const r = await send(key, JSON.stringify(event), idem);
      expect(r.status, JSON.stringify(title)).toBe(400);
      expect(r.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: { "data.title": [expect.any(String)] } });
      expect(r.headers.get("cache-control")).toBe("private, no-store");
    }
    expect(await db.listing.count({ where: { businessId: business.id } })).toBe(0);
    expect(await db.idempotencyRecord.count({ where: { key: { endsWith: `:${idem}` } } })).toBe(0);
  });

  it("answers 413 for a body over 64 KB", async () => {
    const key = await apiKey();
    const r = await send(key, JSON.stringify({ name: "listing.created", data: { title: "x".repeat(MAX_BODY_BYTES) } }), `hygiene-big-${Date.now()}`);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

/**
 * The sign-in callback answers 429 with Retry-After while the account or the address is locked (issue 12,
 * RFC 6585 §4), in the app's error format plus the `url` next-auth's client reads `error` from.
 */
import { randomBytes, randomInt } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { db } from "@/server/db";
import { withSocketAddress } from "@/server/services/security/client-address";
import { accountThrottleKey } from "@/server/services/security/login-throttle";
import { withLoginLimit } from "@/server/http/login-limit-route";

// next-auth itself needs a Next request scope; the test only checks what happens before it runs.
vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), default: () => async () => new Response("next-auth ran", { status: 200 }) }));

const address = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const email = () => `limit.${randomBytes(4).toString("hex")}@herald.test`;

function callback(o: { email: string; ip: string; path?: string }) {
  const body = new URLSearchParams({ email: o.email, password: "wrong", csrfToken: "x", callbackUrl: "/notifications", json: "true", redirect: "false" });
  return new Request(`http://localhost:3000${o.path ?? "/api/auth/callback/credentials"}`, {
    method: "POST",
    headers: withSocketAddress({ "content-type": "application/x-www-form-urlencoded" }, o.ip),
    body: body.toString(),
  });
}

const lockKey = (key: string, seconds: number) =>
  db.loginThrottle.create({ data: { key, failures: 9, lastFailureAt: new Date(), lockedUntil: new Date(Date.now() + seconds * 1000) } });

describe("POST /api/auth/callback/credentials", () => {
  it("answers 429 with Retry-After for a locked account, before next-auth runs", async () => {
    const { POST } = await import("./route");
    const target = email();
    const lockedAt = Date.now();
    await lockKey(accountThrottleKey(target), 30);
    const res = await POST(callback({ email: target.toUpperCase(), ip: address() }) as never, { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) });
    expect(res.status).toBe(429);
    // The seconds left of the 30 s lock, rounded up: 30 at once, less by however long a busy machine took.
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(30 - Math.ceil((Date.now() - lockedAt) / 1000));
    expect(retryAfter).toBeLessThanOrEqual(30);
    const body = (await res.json()) as { error: { code: string; message: string }; url: string };
    expect(body.error).toMatchObject({ code: "RATE_LIMITED", message: `Too many attempts. Try again in ${retryAfter} seconds.` });
    expect(new URL(body.url).searchParams.get("error")).toBe(`TooManyAttempts:${retryAfter}`);
  });

  it("answers 429 for a locked address whatever the account, and not for another address", async () => {
    const handler = vi.fn(async () => new Response("next-auth ran"));
    const post = withLoginLimit(handler);
    const ip = address();
    await lockKey(`ip:${ip}`, 5);
    expect((await post(callback({ email: email(), ip }), {})).status).toBe(429);
    expect(handler).not.toHaveBeenCalled();
    expect((await post(callback({ email: email(), ip: address() }), {})).status).toBe(200);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it("hands everything else to next-auth with its body unread", async () => {
    const handler = vi.fn(async (req: Request) => new Response(await req.text()));
    const post = withLoginLimit(handler);
    const res = await post(callback({ email: email(), ip: address() }), {});
    expect(await res.text()).toContain("csrfToken=x");
    const target = email();
    await lockKey(accountThrottleKey(target), 30);
    expect((await post(callback({ email: target, ip: address(), path: "/api/auth/signout" }), {})).status).toBe(200);
  });
});

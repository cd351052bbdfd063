import "server-only";
/**
 * The sign-in limit at the HTTP edge: next-auth's credentials callback (`POST /api/auth/callback/credentials`)
 * answers every refusal itself with 401 and a redirect URL, so a locked sign-in is answered here first, before
 * next-auth runs: 429 Too Many Requests with `Retry-After` (RFC 6585 §4; issue 12). The body is the app's error
 * format plus the `url` next-auth's client reads its `error` from:
 * `{ "error": { "code": "RATE_LIMITED", "message", "details": { "retry_after" } }, "url": "…/signin?error=TooManyAttempts:<s>" }`,
 * so `signIn("credentials", { redirect: false })` resolves to `{ ok: false, status: 429, error: "TooManyAttempts:<s>" }`.
 * The lock itself is decided by server/services/security/login-throttle.ts; `authorize()` (server/auth.ts)
 * enforces the same rule for attempts that get past this check.
 */
import { z } from "zod";
import { clientAddress } from "../services/security/client-address";
import { LOCKED_ERROR_PREFIX, lockedMessage, loginLock } from "../services/security/login-throttle";

// next-auth's own body (csrfToken, callbackUrl, json, redirect, password …) comes along: only the email is read.
const credentialsBody = z.object({ email: z.string().trim().email().max(320) });

async function emailOf(req: Request): Promise<string | null> {
  const type = req.headers.get("content-type") ?? "";
  let body: unknown;
  try {
    if (type.includes("application/json")) body = await req.json();
    else if (type.includes("application/x-www-form-urlencoded")) body = Object.fromEntries(new URLSearchParams(await req.text()));
    else return null;
  } catch {
    return null;
  }
  const parsed = credentialsBody.safeParse(body);
  return parsed.success ? parsed.data.email : null;
}

/** The 429 for a locked sign-in (see the module comment). `retryAfter` in whole seconds. */
export function loginLockedResponse(req: Request, retryAfter: number): Response {
  const url = new URL("/signin", req.url);
  url.searchParams.set("error", `${LOCKED_ERROR_PREFIX}${retryAfter}`);
  return Response.json(
    { error: { code: "RATE_LIMITED", message: lockedMessage(retryAfter), details: { retry_after: retryAfter } }, url: url.href },
    { status: 429, headers: { "retry-after": String(retryAfter), "cache-control": "private, no-store" } },
  );
}

/**
 * Wraps next-auth's route handler: a POST to `…/callback/credentials` for a locked account or address
 * answers {@link loginLockedResponse} without reaching next-auth; everything else goes to `handler`
 * untouched (the body is read from a clone).
 */
export function withLoginLimit<C>(handler: (req: Request, ctx: C) => Promise<Response>): (req: Request, ctx: C) => Promise<Response> {
  return async (req, ctx) => {
    if (req.method === "POST" && new URL(req.url).pathname.endsWith("/callback/credentials")) {
      const email = await emailOf(req.clone());
      if (email) {
        const lock = await loginLock({ email, address: clientAddress(req) });
        if (lock) return loginLockedResponse(req, lock.retryAfter);
      }
    }
    return handler(req, ctx);
  };
}

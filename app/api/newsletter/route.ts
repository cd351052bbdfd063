/**
 * POST /api/newsletter: the public newsletter signup (issue 6; docs/requirements.md R14.7). JSON `{ email, name?, website? }`
 * (`website` is a honeypot). No session needed. Answers 202 `{ status: "check_inbox" }` for every
 * well-formed request, whether or not the address was already on the list (no enumeration); 400 with
 * field details for bad input. Errors use the API's error body (docs/architecture.md, Errors).
 * Rate limits (issue 12), each 429 RATE_LIMITED with Retry-After (RFC 6585 §4): 30 newsletter requests an hour
 * per client address (with /api/newsletter/confirm), 5 signups an hour per email, and the service's 10
 * signups an hour per address. The confirmation email is written in the request's language (Accept-Language,
 * else the platform's).
 */
import { z } from "zod";
import { hitRateLimit, PUBLIC_LIMITS, windowStart } from "@/server/services/api/rate-limit";
import { errorResponse, json, rateLimited, readJson } from "@/server/http/api-route";
import { HttpFailure } from "@/server/services/api/contract";
import { localizeAppError } from "@/server/i18n-errors";
import { accountHash } from "@/server/services/security/login-throttle";
import { clientAddress } from "@/server/services/security/client-address";
import { AppError } from "@/server/services/errors";
import { signUpForNewsletter } from "@/server/services/newsletter/newsletter";
import { resolveLocale } from "@/server/i18n";

export const dynamic = "force-dynamic";

// Only to key the per-email limit; the service validates the whole body (strictly).
const emailOnly = z.object({ email: z.string().trim().min(1).max(320) });

/** Seconds until the service's hourly per-address window ends (its RATE_LIMITED carries no retry time). */
function serviceRetryAfter(now = new Date()): number {
  return Math.max(1, Math.ceil((windowStart(now, 3_600_000).getTime() + 3_600_000 - now.getTime()) / 1000));
}

export async function POST(req: Request): Promise<Response> {
  const address = clientAddress(req);
  const byAddress = await hitRateLimit(`newsletter:ip:${address}`, PUBLIC_LIMITS.newsletterAddress);
  if (!byAddress.allowed) return rateLimited(byAddress);
  let body: unknown;
  try {
    body = await readJson(req); // at most 64 KB, never read whole past it (413); NUL and lone surrogates refused (400)
  } catch (err) {
    if (err instanceof AppError || err instanceof HttpFailure) return errorResponse(err.code, err.message, err.status, err.details);
    throw err;
  }
  const email = emailOnly.safeParse(body);
  if (email.success) {
    const byEmail = await hitRateLimit(`newsletter:email:${accountHash(email.data.email)}`, PUBLIC_LIMITS.newsletterEmail);
    if (!byEmail.allowed) return rateLimited(byEmail);
  }
  // The signup form shows its answers, and the confirmation email is written, in the browser's language.
  const locale = resolveLocale(null, req.headers.get("accept-language"));
  try {
    return json(await signUpForNewsletter(body as never, { ip: address, locale }), 202);
  } catch (err) {
    if (err instanceof AppError && err.code === "RATE_LIMITED") {
      const retryAfter = serviceRetryAfter();
      return errorResponse(err.code, `Too many signups from your network. Try again in ${retryAfter} seconds.`, 429, { retry_after: retryAfter }, { "retry-after": String(retryAfter) });
    }
    if (err instanceof AppError) {
      const { message, details } = localizeAppError(err, locale); // server/i18n-errors.ts
      return errorResponse(err.code, message, err.status, details);
    }
    throw err;
  }
}

/**
 * Unsubscribe endpoint (RFC 8058). The List-Unsubscribe URL is /unsubscribe/<token>; proxy.ts sends its
 * POSTs here. A one-click POST (`List-Unsubscribe=One-Click`, form-encoded) needs no cookie, no login, no
 * CSRF token and no confirmation, answers 200 with an empty body and no redirect, and takes effect before
 * the next send. The unsubscribe page's buttons POST JSON `{action, scope}` here too.
 * Newsletter subscribers' tokens (no account; server/services/newsletter) work the same way.
 * Any invalid token gets the same generic 400 and changes nothing.
 * Past 120 POSTs a minute from one client address: 429 RATE_LIMITED with Retry-After, before the token is read (issue 12).
 * Links only ever reduce mail (issue 12): `resubscribe` undoes only what the same link turned off in the
 * last 10 minutes; otherwise 403 PERMISSION_DENIED with `details.sign_in` (where to turn email back on).
 * Unsubscribe answers carry `undoUntil` (ISO 8601 UTC, or null when nothing was turned off). Bodies over
 * 8 KB answer 413 without being read whole.
 */
import { z } from "zod";
import { hitRateLimit, PUBLIC_LIMITS } from "@/server/services/api/rate-limit";
import { rateLimited } from "@/server/http/api-route";
import { clientAddress } from "@/server/services/security/client-address";
import { PRIVATE_NO_STORE } from "@/server/http/cache";
import { BodyTooLargeError, readBodyText } from "@/server/http/input-hygiene";
import { AppError } from "@/server/services/errors";
import { applyUnsubscribeLink } from "@/server/services/unsubscribe/unsubscribe-link";

const NO_STORE = { "cache-control": PRIVATE_NO_STORE };
/** Largest body read (bytes): the page's JSON and RFC 8058's one-click form are a few dozen bytes. */
const MAX_BODY_BYTES = 8 * 1024;

const invalid = () =>
  Response.json({ error: { code: "VALIDATION_ERROR", message: "This unsubscribe link is not valid." } }, { status: 400, headers: NO_STORE });

/** The body as text, "" when unreadable; null past {@link MAX_BODY_BYTES}. */
async function bodyText(req: Request): Promise<string | null> {
  try {
    return await readBodyText(req, MAX_BODY_BYTES);
  } catch (err) {
    return err instanceof BodyTooLargeError ? null : "";
  }
}
const tooLarge = () => Response.json({ error: { code: "PAYLOAD_TOO_LARGE", message: `The request body is larger than ${MAX_BODY_BYTES} bytes` } }, { status: 413, headers: NO_STORE });

const pageAction = z.object({ action: z.enum(["unsubscribe", "resubscribe"]), scope: z.enum(["token", "all"]) }).strict();

export async function POST(req: Request, ctx: { params: Promise<{ token: string }> }): Promise<Response> {
  const limit = await hitRateLimit(`unsubscribe:ip:${clientAddress(req)}`, PUBLIC_LIMITS.unsubscribeAddress);
  if (!limit.allowed) return rateLimited(limit);
  const { token } = await ctx.params;
  const type = req.headers.get("content-type") ?? "";
  let action: z.infer<typeof pageAction> = { action: "unsubscribe", scope: "token" };
  let oneClick = false;
  if (type.includes("application/json")) {
    const text = await bodyText(req);
    if (text === null) return tooLarge();
    let raw: unknown = null;
    try {
      raw = JSON.parse(text);
    } catch {
      // answered below as a validation error
    }
    const parsed = pageAction.safeParse(raw);
    if (!parsed.success) {
      return Response.json({ error: { code: "VALIDATION_ERROR", message: "Send {action, scope}", details: z.flattenError(parsed.error).fieldErrors } }, { status: 400 });
    }
    action = parsed.data;
  } else {
    // RFC 8058 §3.1: the body is `List-Unsubscribe=One-Click` (form-encoded or multipart).
    const body = await bodyText(req);
    if (body === null) return tooLarge();
    oneClick = /(^|&)List-Unsubscribe=One-Click(&|$)/.test(body) || body.includes("One-Click");
    if (!oneClick) return Response.json({ error: { code: "VALIDATION_ERROR", message: "Expected List-Unsubscribe=One-Click" } }, { status: 400 });
  }
  let done;
  try {
    done = await applyUnsubscribeLink(token, action);
  } catch (err) {
    if (err instanceof AppError && err.code === "PERMISSION_DENIED") {
      return Response.json({ error: { code: err.code, message: err.message, details: err.details } }, { status: 403, headers: NO_STORE });
    }
    throw err;
  }
  if (!done) return invalid();
  if (oneClick) return new Response(null, { status: 200, headers: NO_STORE });
  return Response.json({ ok: true, action: done.action, category: done.category, undoUntil: done.undoUntil }, { headers: NO_STORE });
}

/**
 * Unsubscribe endpoint (RFC 8058). The List-Unsubscribe URL is /unsubscribe/<token>; proxy.ts sends its
 * POSTs here. A one-click POST (`List-Unsubscribe=One-Click`, form-encoded) needs no cookie, no login, no
 * CSRF token and no confirmation, answers 200 with an empty body and no redirect, and takes effect before
 * the next send. The unsubscribe page's buttons POST JSON `{action, scope}` here too.
 * Newsletter subscribers' tokens (no account; server/services/newsletter) work the same way.
 * Any invalid token gets the same generic 400 and changes nothing.
 * Past 120 POSTs a minute from one client address: 429 RATE_LIMITED with Retry-After, before the token is read (issue 12).
 */
import { z } from "zod";
import { hitRateLimit, PUBLIC_LIMITS } from "@/server/services/api/rate-limit";
import { rateLimited } from "@/server/services/api/http";
import { clientAddress } from "@/server/services/security/client-address";
import { applyUnsubscribe } from "@/server/services/email/unsubscribe";
import { applyNewsletterUnsubscribe } from "@/server/services/newsletter/newsletter";

const invalid = () =>
  Response.json({ error: { code: "VALIDATION_ERROR", message: "This unsubscribe link is not valid." } }, { status: 400, headers: { "cache-control": "no-store" } });

const pageAction = z.object({ action: z.enum(["unsubscribe", "resubscribe"]), scope: z.enum(["token", "all"]) }).strict();

export async function POST(req: Request, ctx: { params: Promise<{ token: string }> }): Promise<Response> {
  const limit = await hitRateLimit(`unsubscribe:ip:${clientAddress(req)}`, PUBLIC_LIMITS.unsubscribeAddress);
  if (!limit.allowed) return rateLimited(limit);
  const { token } = await ctx.params;
  const type = req.headers.get("content-type") ?? "";
  let action: z.infer<typeof pageAction> = { action: "unsubscribe", scope: "token" };
  let oneClick = false;
  if (type.includes("application/json")) {
    const parsed = pageAction.safeParse(await req.json().catch(() => null));
    if (!parsed.success) {
      return Response.json({ error: { code: "VALIDATION_ERROR", message: "Send {action, scope}", details: z.flattenError(parsed.error).fieldErrors } }, { status: 400 });
    }
    action = parsed.data;
  } else {
    // RFC 8058 §3.1: the body is `List-Unsubscribe=One-Click` (form-encoded or multipart).
    const body = await req.text().catch(() => "");
    oneClick = /(^|&)List-Unsubscribe=One-Click(&|$)/.test(body) || body.includes("One-Click");
    if (!oneClick) return Response.json({ error: { code: "VALIDATION_ERROR", message: "Expected List-Unsubscribe=One-Click" } }, { status: 400 });
  }
  const done = (await applyUnsubscribe(token, action)) ?? (await applyNewsletterUnsubscribe(token, action.action).then((r) => r && { ...r, category: null }));
  if (!done) return invalid();
  if (oneClick) return new Response(null, { status: 200, headers: { "cache-control": "no-store" } });
  return Response.json({ ok: true, action: done.action, category: done.category }, { headers: { "cache-control": "no-store" } });
}

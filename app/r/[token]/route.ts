/**
 * `GET /r/<token>?u=<target>`: a tracked link from an email (server/services/email/click-tracking.ts).
 * Records the click and redirects (302); an invalid token or a target the email may not link to gets a
 * plain 400 and is not followed.
 */
import { recordClick } from "@/server/services/email/click-tracking";

export async function GET(req: Request, ctx: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await ctx.params;
  const to = await recordClick(token, new URL(req.url).searchParams.get("u"));
  if (!to) return new Response("This link is not valid.", { status: 400, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
  return new Response(null, { status: 302, headers: { location: to, "cache-control": "no-store", "referrer-policy": "no-referrer" } });
}

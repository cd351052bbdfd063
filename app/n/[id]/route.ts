/**
 * `GET /n/<notificationId>`: where a clicked push goes (public/sw.js). Needs the session (else sign in and
 * come back); marks the notification read for its owner and answers 303 to its app-relative target, or to
 * /notifications for anything else (another user's id is indistinguishable from a missing one). Every
 * target passes server/http/safe-redirect.ts (issue 12 "No open redirect").
 */
import { currentUser } from "@/server/auth";
import { PRIVATE_NO_STORE } from "@/server/http/cache";
import { safeRedirectPath } from "@/server/http/safe-redirect";
import { openNotificationTarget } from "@/server/services/push/open-target";

export const dynamic = "force-dynamic";

const redirect = (location: string) =>
  new Response(null, { status: 303, headers: { location: safeRedirectPath(location), "cache-control": PRIVATE_NO_STORE, "referrer-policy": "no-referrer" } });

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await ctx.params;
  const user = await currentUser();
  if (!user) return redirect(`/signin?callbackUrl=${encodeURIComponent(`/n/${encodeURIComponent(id)}`)}`);
  return redirect(await openNotificationTarget(user.id, id));
}

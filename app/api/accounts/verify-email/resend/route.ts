/**
 * POST /api/accounts/verify-email/resend: "Send the link again" on /signin (issue 17;
 * server/services/accounts/signup.ts). JSON `{ email, password }`, checked under the sign-in limit. 202
 * `{ status: "sent" }`, or 200 `{ status: "already_verified" }`; 400 VALIDATION_ERROR for a wrong pair; 429
 * RATE_LIMITED with Retry-After (10 an hour per client address, the sign-in lock, 5 account emails an hour per
 * email address); 404 when the email and password form is off.
 */
import { accountRoute } from "@/server/http/account-route";
import { resendVerification } from "@/server/services/accounts/signup";

export const dynamic = "force-dynamic";

export const POST = accountRoute(async ({ body, address, locale }) => {
  const out = await resendVerification(body, { address, locale });
  return { status: out.status === "sent" ? 202 : 200, body: out };
});

/**
 * POST /api/accounts/forgot-password: asks for a password reset link (issue 17;
 * server/services/accounts/password-reset.ts). JSON `{ email }`. 202 `{ status: "check_inbox" }` for every
 * well-formed request, whether or not the address has an account (the email goes out afterwards, only to an
 * account); 400 VALIDATION_ERROR (`details.email`); 404 when password reset is off
 * (HERALD_PASSWORD_RESET_ENABLED); 429 RATE_LIMITED with Retry-After past 10 requests an hour per client
 * address or 5 account emails an hour per email address.
 */
import { accountRoute } from "@/server/http/account-route";
import { requestPasswordReset } from "@/server/services/accounts/password-reset";

export const dynamic = "force-dynamic";

export const POST = accountRoute(async ({ body, address, locale }) => ({ status: 202, body: await requestPasswordReset(body, { address, locale }) }));

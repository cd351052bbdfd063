/**
 * POST /api/accounts/reset-password: sets a new password with a reset link's token (issue 17;
 * server/services/accounts/password-reset.ts). JSON `{ token, password, confirmPassword }`. 200
 * `{ status: "reset", email }` (every session of the account has ended; the page signs in with `email`); 400
 * VALIDATION_ERROR with `details` per field, or for a link that does not work (`details.outcome`: `used`,
 * `expired` or `invalid`); 404 when password reset is off; 429 past 30 attempts an hour per client address.
 */
import { accountRoute } from "@/server/http/account-route";
import { linkProblem, resetPassword } from "@/server/services/accounts/password-reset";

export const dynamic = "force-dynamic";

export const POST = accountRoute(async ({ body, address }) => {
  const out = await resetPassword(body, { address });
  if (out.status !== "reset") throw linkProblem(out.status);
  return { body: { status: out.status, email: out.email } };
});

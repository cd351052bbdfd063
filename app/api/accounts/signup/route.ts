/**
 * POST /api/accounts/signup: sign-up with email verification (issue 17; server/services/accounts/signup.ts).
 * JSON `{ name, email, password, locale, timezone?, website? }` (`website` is a honeypot). No session needed.
 * 202 `{ status: "check_inbox" }` for every well-formed request, whether or not the address has an account;
 * 400 VALIDATION_ERROR with `details` per field; 404 when sign-up is off (HERALD_SIGNUP_ENABLED); 429
 * RATE_LIMITED with Retry-After past 10 sign-ups an hour per client address or 5 account emails an hour per
 * email address.
 */
import { accountRoute } from "@/server/http/account-route";
import { signUp } from "@/server/services/accounts/signup";

export const dynamic = "force-dynamic";

export const POST = accountRoute(async ({ body, address }) => ({ status: 202, body: await signUp(body, { address }) }));

/**
 * POST /api/accounts/verify-email: confirms an address with the link's token (issue 17;
 * server/services/accounts/signup.ts). JSON `{ token }`. The link's page posts here on a click, so a mail
 * scanner's GET of the link confirms nothing. 200 `{ outcome: "verified" }`; 400 VALIDATION_ERROR for a link
 * that does not work (`details.outcome`: `used`, `expired` or `invalid`); 429 past 30 tries an hour per client
 * address; 404 when the email and password form is off.
 */
import { z } from "zod";
import { accountRoute } from "@/server/http/account-route";
import { invalid } from "@/server/services/accounts/policy";
import { verifyEmail } from "@/server/services/accounts/signup";
import { AppError } from "@/server/services/errors";

export const dynamic = "force-dynamic";

const input = z.object({ token: z.string().min(1).max(100) }).strict();
const MESSAGES = { used: "This link was already used.", expired: "This link has expired.", invalid: "This link is not valid." } as const;

export const POST = accountRoute(async ({ body, address }) => {
  const parsed = input.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error);
  const outcome = await verifyEmail(parsed.data.token, { address });
  if (outcome !== "verified") throw new AppError("VALIDATION_ERROR", MESSAGES[outcome], { token: [MESSAGES[outcome]], outcome });
  return { body: { outcome } };
});

/**
 * POST /api/newsletter/confirm: confirms a newsletter signup (double opt-in; issue 6). JSON `{ token }` from
 * the confirmation link. The confirmation page posts here on a click, so a mail scanner's GET of the link
 * confirms nothing. 200 `{ outcome: "confirmed" | "already_confirmed" }`; 400 for an invalid or expired
 * link (`details.outcome` says which); the API's error body (docs/architecture.md, Errors). 429 RATE_LIMITED with Retry-After past 30
 * newsletter requests an hour from one client address, counted with signups (issue 12).
 */
import { z } from "zod";
import { errorResponse, json, rateLimited, readJson } from "@/server/http/api-route";
import { HttpFailure } from "@/server/services/api/contract";
import { AppError } from "@/server/services/errors";
import { hitRateLimit, PUBLIC_LIMITS } from "@/server/services/api/rate-limit";
import { clientAddress } from "@/server/services/security/client-address";
import { confirmNewsletter } from "@/server/services/newsletter/newsletter";

export const dynamic = "force-dynamic";

const input = z.object({ token: z.string().min(1).max(300) }).strict();

export async function POST(req: Request): Promise<Response> {
  const limit = await hitRateLimit(`newsletter:ip:${clientAddress(req)}`, PUBLIC_LIMITS.newsletterAddress);
  if (!limit.allowed) return rateLimited(limit);
  let body: unknown;
  try {
    body = await readJson(req); // at most 64 KB, never read whole past it (413)
  } catch (err) {
    if (err instanceof AppError || err instanceof HttpFailure) return errorResponse(err.code, err.message, err.status, err.details);
    throw err;
  }
  const parsed = input.safeParse(body);
  if (!parsed.success) return errorResponse("VALIDATION_ERROR", "Send { token }", 400);
  const outcome = await confirmNewsletter(parsed.data.token);
  if (outcome === "invalid") return errorResponse("VALIDATION_ERROR", "This confirmation link is not valid.", 400, { outcome });
  if (outcome === "expired") return errorResponse("VALIDATION_ERROR", "This confirmation link has expired. Sign up again to get a new one.", 400, { outcome });
  return json({ outcome });
}

/**
 * POST /api/newsletter: the public newsletter signup (issue 6; seed 000). JSON `{ email, name?, website? }`
 * (`website` is a honeypot). No session needed. Answers 202 `{ status: "check_inbox" }` for every
 * well-formed request, whether or not the address was already on the list (no enumeration); 400 with
 * field details for bad input; 429 past 10 signups an hour from one address. Errors use seed 001 §7.1's body.
 */
import { clientIp } from "@/server/services/api/rate-limit";
import { errorResponse, json, MAX_BODY_BYTES } from "@/server/services/api/http";
import { AppError } from "@/server/services/errors";
import { signUpForNewsletter } from "@/server/services/newsletter/newsletter";

export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  const raw = await req.text().catch(() => "");
  if (raw.length > MAX_BODY_BYTES) return errorResponse("VALIDATION_ERROR", "The request body is too large", 400);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return errorResponse("VALIDATION_ERROR", "Send a JSON object: { email, name? }", 400);
  }
  try {
    return json(await signUpForNewsletter(body as never, { ip: clientIp(req.headers) }), 202);
  } catch (err) {
    if (err instanceof AppError) return errorResponse(err.code, err.message, err.status, err.details);
    throw err;
  }
}

/**
 * Stripe's billing webhooks (server/services/billing/stripe-webhook.ts; issue 17): the raw body is read with a
 * limit (413 past MAX_STRIPE_BODY_BYTES, before reading it whole when Content-Length says so) and verified as
 * received. Not configured (no STRIPE_WEBHOOK_SECRET): 404 without reading the body.
 */
import { BodyEncodingError, BodyTooLargeError, readBodyText } from "@/server/http/input-hygiene";
import { errorResponse, json } from "@/server/http/api-route";
import { handleStripeWebhook, MAX_STRIPE_BODY_BYTES, stripeWebhookConfigured } from "@/server/services/billing/stripe-webhook";
import { logger, requestIdOf } from "@/server/services/log/logger";

export async function POST(req: Request): Promise<Response> {
  const requestId = requestIdOf(req);
  try {
    if (!stripeWebhookConfigured()) return errorResponse("NOT_FOUND", "Stripe is not configured", 404);
    let raw: string;
    try {
      raw = await readBodyText(req, MAX_STRIPE_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return errorResponse("PAYLOAD_TOO_LARGE", `Request body is larger than ${MAX_STRIPE_BODY_BYTES} bytes`, 413);
      if (err instanceof BodyEncodingError) return errorResponse("VALIDATION_ERROR", "Request body must be UTF-8", 400);
      throw err;
    }
    const out = await handleStripeWebhook(raw, req.headers.get("stripe-signature"));
    return json(out.body, out.status);
  } catch (err) {
    // The database or the job outbox failed: a 500 makes Stripe retry the delivery later.
    logger().error({ requestId, err, path: "/api/webhooks/stripe" }, "stripe webhook failed");
    return errorResponse("INTERNAL_ERROR", "Something went wrong on our side", 500);
  }
}

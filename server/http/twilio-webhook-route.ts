import "server-only";
/**
 * The HTTP edge of Twilio's webhooks (app/api/webhooks/twilio/route.ts, …/status/route.ts): the request in,
 * the `Response` out. What a webhook means (signature, once-only processing, opt-outs, delivery status) is
 * server/services/sms/webhook.ts.
 */
import { MAX_WEBHOOK_BYTES } from "../services/sms/webhook";

/**
 * A route handler (POST) for one of Twilio's webhooks: refuses a declared body over
 * {@link MAX_WEBHOOK_BYTES} before reading it (413), then hands the raw form body, headers and URL to `handle`.
 */
export function twilioWebhookRoute(
  handle: (rawBody: string, headers: Headers, requestUrl: string) => Promise<{ status: number; contentType: string; body: string }>,
): (req: Request) => Promise<Response> {
  return async (req) => {
    const declared = Number(req.headers.get("content-length") ?? 0);
    if (declared > MAX_WEBHOOK_BYTES) {
      return Response.json({ error: { code: "VALIDATION_ERROR", message: "Body too large" } }, { status: 413, headers: { "cache-control": "no-store" } });
    }
    const out = await handle(await req.text(), req.headers, req.url);
    return new Response(out.body, { status: out.status, headers: { "content-type": `${out.contentType}; charset=utf-8`, "cache-control": "no-store" } });
  };
}

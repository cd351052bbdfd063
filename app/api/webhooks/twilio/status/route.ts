/**
 * Twilio's message status callback (each text's `StatusCallback`): delivered, or undelivered/failed with an
 * email fallback (server/services/sms/webhook.ts). The raw form body is verified as received.
 */
import { handleTwilioStatusCallback, MAX_WEBHOOK_BYTES } from "@/server/services/sms/webhook";

export async function POST(req: Request): Promise<Response> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_WEBHOOK_BYTES) {
    return Response.json({ error: { code: "VALIDATION_ERROR", message: "Body too large" } }, { status: 413, headers: { "cache-control": "no-store" } });
  }
  const out = await handleTwilioStatusCallback(await req.text(), req.headers, req.url);
  return new Response(out.body, { status: out.status, headers: { "content-type": `${out.contentType}; charset=utf-8`, "cache-control": "no-store" } });
}

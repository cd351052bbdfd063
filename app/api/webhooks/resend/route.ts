/** Resend's delivery webhooks (server/services/email/webhooks.ts). The raw body is verified as received. */
import { handleResendWebhook } from "@/server/services/email/webhooks";

export async function POST(req: Request): Promise<Response> {
  const raw = await req.text();
  if (raw.length > 256 * 1024) return Response.json({ error: { code: "VALIDATION_ERROR", message: "Body too large" } }, { status: 413 });
  try {
    const out = await handleResendWebhook(raw, req.headers);
    return Response.json(out.body, { status: out.status });
  } catch (err) {
    if (err instanceof SyntaxError) return Response.json({ error: { code: "VALIDATION_ERROR", message: "Body is not JSON" } }, { status: 400 });
    throw err;
  }
}

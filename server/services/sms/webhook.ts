import "server-only";
/**
 * Twilio's incoming-message webhook (/api/webhooks/twilio; configure it as the number's or Messaging
 * Service's "A message comes in" URL, HTTP POST). Verifies `X-Twilio-Signature` with TWILIO_AUTH_TOKEN
 * (./twilio-signature.ts), applies STOP/START keywords from `From` and `Body` (./opt-out.ts), processes each
 * `MessageSid` once (`webhook_events`), and answers an empty TwiML `<Response/>`: Twilio sends the
 * carrier-mandated confirmation texts itself. Errors use seed 001 §7.1's JSON body.
 */
import { db } from "../../db";
import { env } from "../../env";
import { applySmsKeyword, type SmsKeywordResult } from "./opt-out";
import { formParams, verifyTwilioSignature } from "./twilio-signature";

/** Largest form body accepted (bytes); Twilio's inbound payloads are a few kB. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export interface TwilioWebhookOutcome {
  status: 200 | 400 | 401 | 413 | 503;
  contentType: "text/xml" | "application/json";
  body: string;
  /** What the message did (200 only; absent for a redelivered MessageSid). */
  result?: SmsKeywordResult;
}

const error = (status: TwilioWebhookOutcome["status"], code: string, message: string): TwilioWebhookOutcome => ({
  status,
  contentType: "application/json",
  body: JSON.stringify({ error: { code, message } }),
});

/** The URLs Twilio may have signed: TWILIO_WEBHOOK_URL, the request's path on APP_URL, and the request URL. */
function signedUrlCandidates(requestUrl: string): string[] {
  const urls: string[] = [];
  const configured = env("sms").TWILIO_WEBHOOK_URL;
  if (configured) urls.push(configured);
  try {
    const req = new URL(requestUrl);
    const app = new URL(env("app").APP_URL);
    urls.push(`${app.origin}${req.pathname}${req.search}`);
  } catch {
    // a relative request URL: only the configured one and the raw string
  }
  urls.push(requestUrl);
  return urls;
}

/**
 * Verifies and applies one incoming message.
 * @param rawBody the form-encoded body exactly as received
 * @param headers the request headers (`X-Twilio-Signature`)
 * @param requestUrl the full URL the request arrived at (with its query string)
 * @param at when it was received (default now)
 * @returns status 200 with empty TwiML; 401 for a missing or wrong signature; 400 for a body that is not a
 *   message; 413 over {@link MAX_WEBHOOK_BYTES}; 503 when TWILIO_AUTH_TOKEN is not set
 */
export async function handleTwilioWebhook(rawBody: string, headers: Headers, requestUrl: string, at: Date = new Date()): Promise<TwilioWebhookOutcome> {
  const token = env("sms").TWILIO_AUTH_TOKEN;
  if (!token) return error(503, "NOT_CONFIGURED", "TWILIO_AUTH_TOKEN is not set");
  if (Buffer.byteLength(rawBody, "utf8") > MAX_WEBHOOK_BYTES) return error(413, "VALIDATION_ERROR", "Body too large");
  const params = formParams(new URLSearchParams(rawBody));
  if (!verifyTwilioSignature(token, headers.get("x-twilio-signature"), signedUrlCandidates(requestUrl), params)) {
    return error(401, "UNAUTHORIZED", "Invalid Twilio signature");
  }
  const from = params.From?.[0];
  const body = params.Body?.[0] ?? "";
  if (!from) return error(400, "VALIDATION_ERROR", "Not an incoming message (no From)");

  const sid = params.MessageSid?.[0] ?? params.SmsSid?.[0];
  if (sid) {
    const first = await db.webhookEvent.createMany({ data: [{ id: sid.slice(0, 64), source: "twilio", type: "sms.inbound" }], skipDuplicates: true });
    if (first.count === 0) return { status: 200, contentType: "text/xml", body: EMPTY_TWIML };
  }
  try {
    const result = await applySmsKeyword(from, body, at);
    return { status: 200, contentType: "text/xml", body: EMPTY_TWIML, result };
  } catch (err) {
    // Let Twilio's retry find the message unprocessed.
    if (sid) await db.webhookEvent.deleteMany({ where: { id: sid.slice(0, 64) } });
    throw err;
  }
}

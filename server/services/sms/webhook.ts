import "server-only";
/**
 * Twilio's webhooks, both verified with `X-Twilio-Signature` and TWILIO_AUTH_TOKEN (./twilio-signature.ts) and
 * processed once each (`webhook_events`); errors use the API's error body (docs/architecture.md, Errors).
 *
 * - Incoming messages (/api/webhooks/twilio; the number's or Messaging Service's "A message comes in" URL,
 *   HTTP POST): STOP/START keywords from `From` and `Body` (./opt-out.ts). The answer is an empty TwiML
 *   `<Response/>`: Twilio sends the carrier-mandated confirmation texts itself.
 * - Message status callbacks (/api/webhooks/twilio/status; sent as each text's `StatusCallback`, see
 *   `smsStatusCallbackUrl` in ./index.ts): `delivered` moves the SMS delivery from SENT to DELIVERED; `undelivered`
 *   or `failed` marks it FAILED with the carrier's error and falls back to email (issue 7).
 */
import { db } from "../../db";
import { env } from "../../env";
import { fallbackToEmail } from "../delivery/mobile-deliveries";
import { applySmsKeyword, type SmsKeywordResult } from "./opt-out";
import { TWILIO_UNSUBSCRIBED } from "./transport";
import { formParams, verifyTwilioSignature, type TwilioParams } from "./twilio-signature";

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

type ErrorOutcome = { status: 400 | 401 | 413 | 503; contentType: "application/json"; body: string };

const error = (status: ErrorOutcome["status"], code: string, message: string): ErrorOutcome => ({
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

/** The form parameters of a correctly signed request, or the error to answer. */
function verified(rawBody: string, headers: Headers, requestUrl: string): { params: TwilioParams } | { refused: ErrorOutcome } {
  const token = env("sms").TWILIO_AUTH_TOKEN;
  if (!token) return { refused: error(503, "NOT_CONFIGURED", "TWILIO_AUTH_TOKEN is not set") };
  if (Buffer.byteLength(rawBody, "utf8") > MAX_WEBHOOK_BYTES) return { refused: error(413, "VALIDATION_ERROR", "Body too large") };
  const params = formParams(new URLSearchParams(rawBody));
  if (!verifyTwilioSignature(token, headers.get("x-twilio-signature"), signedUrlCandidates(requestUrl), params)) {
    return { refused: error(401, "UNAUTHORIZED", "Invalid Twilio signature") };
  }
  return { params };
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
  const v = verified(rawBody, headers, requestUrl);
  if ("refused" in v) return v.refused;
  const params = v.params;
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

// ----- message status callbacks --------------------------------------------------------------------------

/** People's words for the carrier errors Twilio reports on undelivered texts (https://www.twilio.com/docs/api/errors). */
const CARRIER_ERRORS: Record<string, string> = {
  "30003": "the phone is switched off or out of reach",
  "30004": "the recipient's carrier blocked it",
  "30005": "the number is unknown to the carrier",
  "30006": "the number is a landline or its carrier cannot take texts",
  "30007": "the carrier filtered it",
  "30008": "the carrier reported an unknown error",
  [TWILIO_UNSUBSCRIBED]: "the recipient has opted out (STOP)",
};

/** The final statuses (Twilio's `MessageStatus`) that mean the text never arrived. */
const FINAL_FAILURES = new Set(["undelivered", "failed"]);

export interface TwilioStatusOutcome {
  status: 200 | 400 | 401 | 413 | 503;
  contentType: "application/json";
  body: string;
  /** What changed: the SMS delivery marked DELIVERED, or FAILED with an email fallback; absent when nothing did. */
  applied?: "delivered" | "failed";
}

/**
 * Verifies and applies one message status callback. Only an SMS delivery still SENT moves (so a late or
 * repeated callback never undoes an outcome); each `MessageSid` × `MessageStatus` is processed once.
 * @param rawBody the form-encoded body exactly as received (`MessageSid`, `MessageStatus`, `ErrorCode`, `To`…)
 * @param headers the request headers (`X-Twilio-Signature`)
 * @param requestUrl the full URL the request arrived at
 * @param at when it was received (default now); the fallback email is decided at this time
 * @returns 200 `{ ok: true }` (also for texts Herald does not know, e.g. verification codes); 400 without
 *   `MessageSid` or `MessageStatus`; 401 for a missing or wrong signature; 413; 503 when TWILIO_AUTH_TOKEN is not set
 */
export async function handleTwilioStatusCallback(rawBody: string, headers: Headers, requestUrl: string, at: Date = new Date()): Promise<TwilioStatusOutcome> {
  const v = verified(rawBody, headers, requestUrl);
  if ("refused" in v) return v.refused;
  const params = v.params;
  const sid = params.MessageSid?.[0] ?? params.SmsSid?.[0];
  const status = (params.MessageStatus?.[0] ?? params.SmsStatus?.[0])?.toLowerCase();
  if (!sid || !status) return error(400, "VALIDATION_ERROR", "Not a message status callback (no MessageSid or MessageStatus)");
  const ok = (extra: Record<string, unknown> = {}) => ({ status: 200 as const, contentType: "application/json" as const, body: JSON.stringify({ ok: true, ...extra }) });
  if (status !== "delivered" && !FINAL_FAILURES.has(status)) return ok({ ignored: status });

  const eventId = `${sid}:${status}`.slice(0, 64);
  const first = await db.webhookEvent.createMany({ data: [{ id: eventId, source: "twilio", type: `sms.${status}` }], skipDuplicates: true });
  if (first.count === 0) return ok({ duplicate: true });
  try {
    const delivery = await db.delivery.findFirst({ where: { providerMessageId: sid, channel: "SMS" }, select: { id: true, notificationId: true } });
    if (!delivery) {
      // A verification code, or a callback that overtook the send step recording the sid: not marked as
      // processed, so a retry (Twilio's `#rc=` connection override) can still apply it.
      await db.webhookEvent.deleteMany({ where: { id: eventId } });
      return ok({ ignored: "unknown message" });
    }
    if (status === "delivered") {
      const moved = await db.delivery.updateMany({ where: { id: delivery.id, status: "SENT" }, data: { status: "DELIVERED" } });
      return moved.count > 0 ? { ...ok(), applied: "delivered" } : ok();
    }
    const code = params.ErrorCode?.[0];
    const why = (code && CARRIER_ERRORS[code]) ?? "the carrier did not deliver it";
    const reason = `Twilio reported the text ${status}${code ? ` (${code})` : ""}: ${why}`;
    const failed = await db.delivery.updateMany({ where: { id: delivery.id, status: "SENT" }, data: { status: "FAILED", reason } });
    if (failed.count === 0) return ok();
    const to = params.To?.[0];
    if (code === TWILIO_UNSUBSCRIBED && to) await applySmsKeyword(to, "STOP", at);
    await fallbackToEmail([delivery.notificationId], "SMS", at);
    return { ...ok(), applied: "failed" };
  } catch (err) {
    // Let Twilio's retry find the callback unprocessed.
    await db.webhookEvent.deleteMany({ where: { id: eventId } });
    throw err;
  }
}

/**
 * The SMS transport port (docs/architecture.md, "Two modes"; issue 7; docs/requirements.md R11.4): Twilio's
 * REST API when TWILIO_ACCOUNT_SID is set, otherwise capture into `captured_sms` for /dev/sms. Both take the same
 * message; the caller (the delivery pipeline) decides who gets a text and when.
 *
 * Failures are classified for the caller: `permanent` (the number is invalid, unreachable, not a mobile, or
 * the recipient texted STOP — retrying cannot help, fall back to email) or retryable (429, 5xx, timeouts,
 * network errors; `retryAfterMs` when Twilio says how long to wait).
 *
 * Idempotency: the capture transport stores each `idempotencyKey` once. Twilio's Messages API has no
 * idempotency key, so a retried request after a lost response can text twice: the caller must record the
 * returned `providerMessageId` in the same step that sent it (docs/requirements.md R8.8: nothing goes twice).
 *
 * No "server-only" import: tests load this module directly (the email transport does the same).
 */
import type { PrismaClient } from "../../generated/prisma/client";
import { countSmsSegments } from "./sms-segments";

/** One text message, rendered. */
export interface OutgoingSms {
  /** Recipient in E.164, e.g. `+27821234567` (validated earlier with `normalizePhone`). */
  to: string;
  /** The text exactly as sent (see `countSmsSegments` for its cost). Twilio refuses more than 1,600 characters. */
  body: string;
  /** Stable per notification × channel (e.g. `sms:<notificationId>`) or per verification code. */
  idempotencyKey: string;
  /** Twilio `StatusCallback`: where Twilio posts delivery status changes (https). Ignored by capture. */
  statusCallbackUrl?: string;
}

export interface SmsTransport {
  readonly name: "twilio" | "capture";
  /** @returns the provider's message id (Twilio's `SM…` sid, or `captured:<uuid>`). @throws SmsSendError */
  send(sms: OutgoingSms): Promise<{ providerMessageId: string }>;
}

/** Twilio error code for "Attempt to send to unsubscribed recipient" (the recipient texted STOP). */
export const TWILIO_UNSUBSCRIBED = "21610";

/**
 * Twilio error codes that no retry can fix (https://www.twilio.com/docs/api/errors): the recipient's number
 * is invalid, unreachable, not SMS-capable or unsubscribed, the region is not enabled, the sender is not
 * usable, or the body is refused. Any other 4xx except 429 is permanent too; 429 and 5xx are retryable.
 */
export const PERMANENT_TWILIO_CODES: ReadonlySet<string> = new Set([
  "21211", // invalid 'To' number
  "21214", // 'To' number cannot be reached
  "21217", // number does not appear to be valid
  "21219", // 'To' number not verified (trial account)
  "21408", // sending to this region is not enabled
  "21601", // not a valid SMS-capable number
  "21602", // body is required
  "21606", // 'From' is not a message-capable Twilio number
  "21608", // trial accounts may only text verified numbers
  TWILIO_UNSUBSCRIBED, // recipient replied STOP
  "21612", // 'To' is not currently reachable via SMS
  "21614", // 'To' is not a mobile number
  "21617", // body exceeds 1,600 characters
]);

/** A failed send, classified for retry decisions. */
export class SmsSendError extends Error {
  /** True when retrying cannot succeed (fall back to another channel). */
  readonly permanent: boolean;
  /** The provider's error code (Twilio's numeric code as a string), when it gave one. */
  readonly code?: string;
  /** HTTP status of the provider's answer; null for network errors and timeouts. */
  readonly status: number | null;
  /** How long to wait before retrying (from `Retry-After`), for 429. */
  readonly retryAfterMs?: number;

  constructor(message: string, opts: { permanent: boolean; code?: string; status?: number | null; retryAfterMs?: number }) {
    super(message);
    this.name = "SmsSendError";
    this.permanent = opts.permanent;
    this.code = opts.code;
    this.status = opts.status ?? null;
    this.retryAfterMs = opts.retryAfterMs;
  }

  /** The recipient has opted out at the provider (Twilio 21610): record it with `applySmsKeyword(to, "STOP")`. */
  get recipientOptedOut(): boolean {
    return this.code === TWILIO_UNSUBSCRIBED;
  }
}

/** `Retry-After` (seconds or an HTTP date) → ms from now, between 1 s and 1 h (default 1 s). */
function retryAfterMs(value: string | null, now = Date.now()): number {
  if (!value) return 1000;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Math.min(Math.max(Number.isFinite(ms) ? ms : 1000, 1000), 3_600_000);
}

/**
 * Classifies a Twilio error answer.
 * @param status the HTTP status
 * @param body the parsed JSON body (`{ code, message, more_info, status }`), or null when it was not JSON
 */
export function twilioError(status: number, body: { code?: unknown; message?: unknown } | null, retryAfter: string | null = null): SmsSendError {
  const code = body && (typeof body.code === "number" || typeof body.code === "string") ? String(body.code) : undefined;
  const detail = body && typeof body.message === "string" ? body.message.slice(0, 300) : `HTTP ${status}`;
  const message = `Twilio refused the message${code ? ` (${code})` : ""}: ${detail}`;
  if (status === 429) return new SmsSendError(message, { permanent: false, code, status, retryAfterMs: retryAfterMs(retryAfter) });
  if (code && PERMANENT_TWILIO_CODES.has(code)) return new SmsSendError(message, { permanent: true, code, status });
  const permanent = status >= 400 && status < 500 && status !== 408 && status !== 409;
  return new SmsSendError(message, { permanent, code, status });
}

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** An E.164 Twilio number or an alphanumeric sender ID; or use `messagingServiceSid`. */
  from?: string;
  messagingServiceSid?: string;
  /** API origin, default `https://api.twilio.com` (tests point it at a local stub). */
  baseUrl?: string;
  /** Per-request timeout in ms (default 10,000); a timeout is retryable. */
  timeoutMs?: number;
  /** Injected for tests; default the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * Twilio Programmable Messaging through its REST API with `fetch` (no SDK):
 * `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP Basic auth (account SID : auth token),
 * form-encoded `To`, `From` or `MessagingServiceSid`, `Body`, and `StatusCallback` when given. Success is
 * 201 with the message resource (`sid`). https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 */
export function createTwilioTransport(opts: TwilioOptions): SmsTransport {
  if (!opts.from && !opts.messagingServiceSid) throw new Error("Twilio needs a sender: from or messagingServiceSid");
  const base = (opts.baseUrl ?? "https://api.twilio.com").replace(/\/+$/, "");
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}/Messages.json`;
  const auth = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`, "utf8").toString("base64")}`;
  const doFetch = opts.fetch ?? fetch;
  return {
    name: "twilio",
    async send(sms) {
      const form = new URLSearchParams();
      form.set("To", sms.to);
      if (opts.messagingServiceSid) form.set("MessagingServiceSid", opts.messagingServiceSid);
      else form.set("From", opts.from!);
      form.set("Body", sms.body);
      if (sms.statusCallbackUrl) form.set("StatusCallback", sms.statusCallbackUrl);
      let res: Response;
      try {
        res = await doFetch(url, {
          method: "POST",
          headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body: form.toString(),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new SmsSendError(`Twilio could not be reached: ${err instanceof Error ? err.message : String(err)}`, { permanent: false, status: null });
      }
      const text = await res.text().catch(() => "");
      let body: Record<string, unknown> | null = null;
      try {
        const parsed: unknown = JSON.parse(text);
        body = parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
      } catch {
        body = null;
      }
      if (res.ok && typeof body?.sid === "string" && body.sid) return { providerMessageId: body.sid };
      if (res.ok) throw new SmsSendError("Twilio answered without a message sid", { permanent: false, status: res.status });
      throw twilioError(res.status, body, res.headers.get("retry-after"));
    },
  };
}

/** Captures into `captured_sms` (embedded mode); the same idempotency key captures once and returns the same id. */
export function createCaptureSmsTransport(db: PrismaClient): SmsTransport {
  return {
    name: "capture",
    async send(sms) {
      const row = await db.capturedSms.upsert({
        where: { idempotencyKey: sms.idempotencyKey },
        create: { to: sms.to, body: sms.body, segments: countSmsSegments(sms.body).segments, idempotencyKey: sms.idempotencyKey },
        update: {},
        select: { id: true },
      });
      return { providerMessageId: `captured:${row.id}` };
    },
  };
}

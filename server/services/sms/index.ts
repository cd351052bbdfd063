import "server-only";
/**
 * The SMS transport for this deployment (docs/architecture.md, "Two modes"; docs/requirements.md R11.4):
 * Twilio when TWILIO_ACCOUNT_SID is set (with TWILIO_AUTH_TOKEN and TWILIO_FROM or
 * TWILIO_MESSAGING_SERVICE_SID, checked by server/env.ts), otherwise capture into `captured_sms` (shown at
 * /dev/sms). One instance per process, kept on `globalThis` so route
 * handlers and instrumentation share it.
 */
import { db } from "../../db";
import { env } from "../../env";
import { createCaptureSmsTransport, createTwilioTransport, type SmsTransport } from "./transport";

export { SmsSendError, TWILIO_UNSUBSCRIBED, type OutgoingSms, type SmsTransport } from "./transport";
export { countSmsSegments, type SmsSegmentInfo, type SmsEncoding } from "./sms-segments";

const g = globalThis as unknown as { heraldSmsTransport?: SmsTransport };

/** The transport chosen by env (see the module comment). */
export function smsTransport(): SmsTransport {
  if (g.heraldSmsTransport) return g.heraldSmsTransport;
  const e = env("sms");
  g.heraldSmsTransport = e.TWILIO_ACCOUNT_SID
    ? createTwilioTransport({
        accountSid: e.TWILIO_ACCOUNT_SID,
        authToken: e.TWILIO_AUTH_TOKEN!,
        from: e.TWILIO_FROM,
        messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
        baseUrl: e.TWILIO_API_BASE_URL,
      })
    : createCaptureSmsTransport(db);
  return g.heraldSmsTransport;
}

/** Whether texts are captured (the embedded mode): /dev/sms and its "simulate a reply" exist only then. */
export function smsIsCaptured(): boolean {
  return !env("sms").TWILIO_ACCOUNT_SID;
}

/**
 * The sender people see and can text START to: TWILIO_FROM when it is a phone number; null when texts come
 * from a Messaging Service or an alphanumeric sender ID (no single number to reply to), or are captured.
 */
export function smsSenderNumber(): string | null {
  const e = env("sms");
  return e.TWILIO_ACCOUNT_SID && e.TWILIO_FROM?.startsWith("+") && !e.TWILIO_MESSAGING_SERVICE_SID ? e.TWILIO_FROM : null;
}

/**
 * Where Twilio posts a text's status changes (its `StatusCallback`): `<APP_URL>/api/webhooks/twilio/status`,
 * handled by `handleTwilioStatusCallback` in ./webhook.ts. Twilio must be able to reach APP_URL.
 */
export function smsStatusCallbackUrl(): string {
  return `${env("app").APP_URL.replace(/\/$/, "")}/api/webhooks/twilio/status`;
}

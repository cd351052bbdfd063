import "server-only";
/**
 * The email transport for this deployment: Resend when RESEND_API_KEY is set, else capture (docs/deploy.md),
 * counted in `herald_emails_total` (../metrics/metrics.ts).
 */
import { db } from "../../db";
import { env } from "../../env";
import { countEmails } from "../metrics/metrics";
import { createCaptureTransport, createResendTransport, type EmailTransport } from "./transport";

const g = globalThis as unknown as { heraldEmailTransport?: EmailTransport };

/** Counts what `inner` took and refused; sends unchanged. */
function counted(inner: EmailTransport): EmailTransport {
  return {
    name: inner.name,
    async send(email) {
      try {
        const out = await inner.send(email);
        countEmails("sent");
        return out;
      } catch (err) {
        countEmails("failed");
        throw err;
      }
    },
    async sendBatch(emails) {
      try {
        const out = await inner.sendBatch(emails);
        countEmails("sent", emails.length);
        return out;
      } catch (err) {
        countEmails("failed", emails.length);
        throw err;
      }
    },
  };
}

export function emailTransport(): EmailTransport {
  if (g.heraldEmailTransport) return g.heraldEmailTransport;
  const { RESEND_API_KEY, RESEND_BASE_URL } = env("email");
  g.heraldEmailTransport = counted(RESEND_API_KEY ? createResendTransport({ apiKey: RESEND_API_KEY, baseUrl: RESEND_BASE_URL }) : createCaptureTransport(db));
  return g.heraldEmailTransport;
}

/** Whether mail is captured (the embedded mode): /dev/mailbox exists only then. */
export function emailIsCaptured(): boolean {
  return !env("email").RESEND_API_KEY;
}

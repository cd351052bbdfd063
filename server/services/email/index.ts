import "server-only";
/** The email transport for this deployment: Resend when RESEND_API_KEY is set, else capture (DESIGN §2). */
import { db } from "../../db";
import { env } from "../../env";
import { createCaptureTransport, createResendTransport, type EmailTransport } from "./transport";

const g = globalThis as unknown as { heraldEmailTransport?: EmailTransport };

export function emailTransport(): EmailTransport {
  if (g.heraldEmailTransport) return g.heraldEmailTransport;
  const { RESEND_API_KEY, RESEND_BASE_URL } = env("email");
  g.heraldEmailTransport = RESEND_API_KEY ? createResendTransport({ apiKey: RESEND_API_KEY, baseUrl: RESEND_BASE_URL }) : createCaptureTransport(db);
  return g.heraldEmailTransport;
}

/** Whether mail is captured (the embedded mode): /dev/mailbox exists only then. */
export function emailIsCaptured(): boolean {
  return !env("email").RESEND_API_KEY;
}

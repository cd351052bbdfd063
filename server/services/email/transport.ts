/**
 * The email transport port (DESIGN §2, §9): Resend when RESEND_API_KEY is set, otherwise capture into the
 * database for /dev/mailbox. Both take the same message, with an idempotency key per notification × channel
 * (Resend's `Idempotency-Key`; the captured row's unique key), so a retried send never mails twice.
 *
 * Failures are classified for the caller (an Inngest step): `retryAfterMs` for 429 (from `Retry-After`),
 * `permanent` for a request Resend refuses (4xx other than 429), retryable otherwise.
 */
import { Resend } from "resend";
import type { PrismaClient } from "../../generated/prisma/client";

/** One email, rendered. Header values must already be safe (no CR/LF: see render.ts `safeHeaderValue`). */
export interface OutgoingEmail {
  to: string;
  from: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  tags: { name: string; value: string }[];
  /** Stable per notification × channel, e.g. `email:<notificationId>`. */
  idempotencyKey: string;
}

export interface EmailTransport {
  readonly name: "resend" | "capture";
  /** @returns the provider's message id. @throws EmailSendError */
  send(email: OutgoingEmail): Promise<{ providerMessageId: string }>;
}

/** A failed send, classified for retry decisions. */
export class EmailSendError extends Error {
  constructor(
    message: string,
    readonly opts: { permanent: boolean; retryAfterMs?: number; status?: number | null },
  ) {
    super(message);
    this.name = "EmailSendError";
  }
}

/** `Retry-After` as seconds or an HTTP date → ms from now (default 1 s, at most 1 h). */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number {
  if (!value) return 1000;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Math.min(Math.max(Number.isFinite(ms) ? ms : 1000, 1000), 3_600_000);
}

/** Resend (https://resend.com/docs/api-reference/emails/send-email) through the official SDK. */
export function createResendTransport(opts: { apiKey: string; baseUrl?: string }): EmailTransport {
  const resend = new Resend(opts.apiKey, opts.baseUrl ? { baseUrl: opts.baseUrl } : undefined);
  return {
    name: "resend",
    async send(email) {
      const { data, error, headers } = await resend.emails.send(
        { from: email.from, to: [email.to], subject: email.subject, html: email.html, text: email.text, headers: email.headers, tags: email.tags },
        { idempotencyKey: email.idempotencyKey },
      );
      if (data?.id) return { providerMessageId: data.id };
      const status = (error as { statusCode?: number | null } | null)?.statusCode ?? null;
      const message = `Resend refused the email: ${error?.name ?? "unknown"}: ${error?.message ?? ""}`;
      if (status === 429) throw new EmailSendError(message, { permanent: false, retryAfterMs: retryAfterMs(headers?.["retry-after"]), status });
      const permanent = status !== null && status >= 400 && status < 500 && status !== 409;
      throw new EmailSendError(message, { permanent, status });
    },
  };
}

/** Captures into `captured_emails` (embedded mode); the same idempotency key captures once. */
export function createCaptureTransport(db: PrismaClient): EmailTransport {
  return {
    name: "capture",
    async send(email) {
      const row = await db.capturedEmail.upsert({
        where: { idempotencyKey: email.idempotencyKey },
        create: {
          to: email.to,
          from: email.from,
          subject: email.subject,
          html: email.html,
          text: email.text,
          headers: email.headers,
          tags: email.tags,
          idempotencyKey: email.idempotencyKey,
        },
        update: {},
        select: { id: true },
      });
      return { providerMessageId: `captured:${row.id}` };
    },
  };
}

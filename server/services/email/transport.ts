/**
 * The email transport port (docs/architecture.md, "Two modes"; docs/requirements.md R9.6): Resend when RESEND_API_KEY is set, otherwise capture into the
 * database for /dev/mailbox. Both take the same message, with an idempotency key per notification × channel
 * (Resend's `Idempotency-Key`; the captured row's unique key), so a retried send never mails twice.
 *
 * Failures are classified for the caller (an Inngest step): `retryAfterMs` for 429 (from `Retry-After`),
 * `permanent` for a request Resend refuses (4xx other than 429), retryable otherwise.
 */
import { createHash } from "node:crypto";
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
  /**
   * Up to {@link MAX_BATCH} emails in one request, all or nothing (Resend's batch endpoint, idempotency key
   * derived from the members' keys). @returns the provider ids in input order. @throws EmailSendError
   */
  sendBatch(emails: readonly OutgoingEmail[]): Promise<{ providerMessageId: string }[]>;
}

/** Resend's batch limit. */
export const MAX_BATCH = 100;

/** One idempotency key for a batch: the same members, the same key. */
export function batchIdempotencyKey(emails: readonly OutgoingEmail[]): string {
  return `batch:${createHash("sha256").update(emails.map((e) => e.idempotencyKey).join("\n")).digest("hex")}`;
}

function sendError(error: { name?: string; message?: string; statusCode?: number | null } | null, headers: Record<string, string> | null): EmailSendError {
  const status = error?.statusCode ?? null;
  const message = `Resend refused the email: ${error?.name ?? "unknown"}: ${error?.message ?? ""}`;
  if (status === 429) return new EmailSendError(message, { permanent: false, retryAfterMs: retryAfterMs(headers?.["retry-after"]), status });
  const permanent = status !== null && status >= 400 && status < 500 && status !== 409;
  return new EmailSendError(message, { permanent, status });
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
      throw sendError(error, headers);
    },
    async sendBatch(emails) {
      if (emails.length === 0) return [];
      if (emails.length > MAX_BATCH) throw new EmailSendError(`At most ${MAX_BATCH} emails per batch`, { permanent: true, status: null });
      const { data, error, headers } = await resend.batch.send(
        emails.map((e) => ({ from: e.from, to: [e.to], subject: e.subject, html: e.html, text: e.text, headers: e.headers, tags: e.tags })),
        { idempotencyKey: batchIdempotencyKey(emails) },
      );
      const ids = data?.data?.map((d) => d.id) ?? [];
      if (ids.length === emails.length) return ids.map((providerMessageId) => ({ providerMessageId }));
      throw sendError(error ?? { name: "unexpected_response", message: `expected ${emails.length} ids, got ${ids.length}`, statusCode: null }, headers);
    },
  };
}

/** Captures into `captured_emails` (embedded mode); the same idempotency key captures once. */
export function createCaptureTransport(db: PrismaClient): EmailTransport {
  const transport: EmailTransport = {
    name: "capture",
    /**
     * One statement for the whole batch; an idempotency key seen before returns the earlier row. Columns
     * travel as arrays (`unnest`): about half the database time of one JSON document for 100 emails of ~10 KB.
     */
    async sendBatch(emails) {
      if (emails.length === 0) return [];
      const col = <T>(f: (e: OutgoingEmail) => T) => emails.map(f);
      const saved = await db.$queryRaw<{ id: string; idempotency_key: string }[]>`
        INSERT INTO captured_emails ("to", "from", subject, html, text, headers, tags, idempotency_key)
        SELECT * FROM unnest(${col((e) => e.to)}::text[], ${col((e) => e.from)}::text[], ${col((e) => e.subject)}::text[],
                             ${col((e) => e.html)}::text[], ${col((e) => e.text)}::text[], ${col((e) => JSON.stringify(e.headers))}::jsonb[],
                             ${col((e) => JSON.stringify(e.tags))}::jsonb[], ${col((e) => e.idempotencyKey)}::text[])
        ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
        RETURNING id, idempotency_key`;
      const byKey = new Map(saved.map((r) => [r.idempotency_key, r.id]));
      return emails.map((e) => ({ providerMessageId: `captured:${byKey.get(e.idempotencyKey)!}` }));
    },
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
  return transport;
}

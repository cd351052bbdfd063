import "server-only";
/**
 * The dev texts page (/dev/sms, embedded mode only): texts captured instead of sent, and a "simulate a reply"
 * form so STOP/START can be tried without Twilio. Same access rule as the dev mailbox: admins see every
 * text; anyone else sees only the texts to their own verified number (sent since they verified it) and the
 * verification codes they asked for — never texts to a number they merely typed in.
 */
import { z } from "zod";
import { db } from "../../db";
import { AppError, notFound } from "../errors";
import { smsIsCaptured } from ".";
import { applySmsKeyword, type SmsKeywordResult } from "./opt-out";
import { countSmsSegments, type SmsEncoding } from "./sms-segments";

type Viewer = { id: string; role: string };

export interface CapturedText {
  id: string;
  to: string;
  body: string;
  segments: number;
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  length: number;
  createdAt: Date;
}

/**
 * Latest captured texts the viewer may see, newest first (at most `limit`, default 100, max 200).
 * @throws AppError NOT_FOUND when texts are not captured (Twilio is configured) or the viewer does not exist
 */
export async function listCapturedSms(viewer: Viewer, limit = 100): Promise<CapturedText[]> {
  if (!smsIsCaptured()) throw notFound("Texts");
  let where = {};
  if (viewer.role !== "ADMIN") {
    const user = await db.user.findUnique({ where: { id: viewer.id }, select: { phone: true, phoneVerifiedAt: true } });
    if (!user) throw notFound("Texts");
    const codes = await db.phoneVerification.findMany({ where: { userId: viewer.id }, select: { id: true }, orderBy: { createdAt: "desc" }, take: 200 });
    where = {
      OR: [
        ...(user.phone && user.phoneVerifiedAt ? [{ to: user.phone, createdAt: { gte: user.phoneVerifiedAt } }] : []),
        { idempotencyKey: { in: codes.map((c) => `phone-verification:${c.id}`) } },
      ],
    };
  }
  const rows = await db.capturedSms.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.max(1, Math.min(limit, 200)),
    select: { id: true, to: true, body: true, segments: true, createdAt: true },
  });
  return rows.map((r) => {
    const info = countSmsSegments(r.body);
    return { ...r, encoding: info.encoding, length: info.length };
  });
}

export const simulateReplyInput = z.object({ body: z.string().max(160, "A reply is at most 160 characters") }).strict();

/**
 * Pretends the viewer's verified number texted `body` to Herald (dev only): the same code path as Twilio's
 * webhook (`applySmsKeyword`), from the viewer's own number only.
 * @throws AppError NOT_FOUND when texts are not captured; VALIDATION_ERROR when the viewer has no verified
 *   number or the body is longer than 160 characters
 */
export async function simulateSmsReply(viewer: Viewer, input: z.input<typeof simulateReplyInput>, at: Date = new Date()): Promise<SmsKeywordResult> {
  if (!smsIsCaptured()) throw notFound("Texts");
  const parsed = simulateReplyInput.safeParse(input);
  if (!parsed.success) throw new AppError("VALIDATION_ERROR", parsed.error.issues[0]?.message ?? "Invalid reply");
  const user = await db.user.findUnique({ where: { id: viewer.id }, select: { phone: true } });
  if (!user?.phone) throw new AppError("VALIDATION_ERROR", "Verify a mobile number on your account first (Settings → Account).");
  return applySmsKeyword(user.phone, parsed.data.body, at);
}

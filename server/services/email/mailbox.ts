import "server-only";
/**
 * The dev mailbox (embedded mode only): email captured instead of sent. Admins see every message; anyone
 * else only what was addressed to them, so a deployment that forgot RESEND_API_KEY does not publish other
 * people's password-reset links.
 */
import { db } from "../../db";
import { notFound } from "../errors";
import { emailIsCaptured } from ".";

type Viewer = { id: string; role: string; email?: string | null };

async function viewerEmail(viewer: Viewer): Promise<string | null> {
  if (viewer.role === "ADMIN") return null;
  const u = await db.user.findUnique({ where: { id: viewer.id }, select: { email: true } });
  return u?.email ?? "";
}

/**
 * Latest captured emails (newest first, at most `limit`, default 100).
 * @throws AppError NOT_FOUND when mail is not captured (a real provider is configured).
 */
export async function listCapturedEmails(viewer: Viewer, limit = 100) {
  if (!emailIsCaptured()) throw notFound("Mailbox");
  const only = await viewerEmail(viewer);
  return db.capturedEmail.findMany({
    where: only === null ? {} : { to: only },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(limit, 200),
    select: { id: true, to: true, from: true, subject: true, createdAt: true, tags: true },
  });
}

/**
 * One captured email with both bodies and its headers.
 * @throws AppError NOT_FOUND when missing, not the viewer's, or mail is not captured.
 */
export async function getCapturedEmail(viewer: Viewer, id: string) {
  if (!emailIsCaptured() || !/^[0-9a-f-]{36}$/i.test(id)) throw notFound("Email");
  const only = await viewerEmail(viewer);
  const mail = await db.capturedEmail.findFirst({ where: { id, ...(only === null ? {} : { to: only }) } });
  if (!mail) throw notFound("Email");
  return mail;
}

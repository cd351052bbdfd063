import "server-only";
/**
 * Changing one's password (/settings/account, issue 12 "Sign-out ends the session on the server"): the
 * person proves they know the current password, picks a new one, and every OTHER session of theirs ends at
 * once (a thief holding a copied cookie is out); the device they changed it on stays signed in.
 *
 * Passwords are stored as bcrypt hashes (cost {@link BCRYPT_COST}, as the demo data and server/services/users/
 * credentials.ts). bcrypt reads at most 72 bytes, so a longer new password is refused rather than silently
 * cut (https://en.wikipedia.org/wiki/Bcrypt#Maximum_password_length).
 */
import bcrypt from "bcryptjs";
import { z } from "zod";
import { db } from "../../db";
import { AppError, notFound } from "../errors";
import { revokeUserSessions } from "./sessions";

/** bcrypt cost factor (OWASP's minimum, as prisma/factory.ts). */
export const BCRYPT_COST = 10;
/** Shortest new password, in characters. */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest new password, in UTF-8 bytes (bcrypt's limit). */
export const MAX_PASSWORD_BYTES = 72;

/** Input of {@link changePassword} (also the tRPC input): unknown fields rejected. */
export const changePasswordInput = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password").max(200, "That is not your current password"),
    newPassword: z
      .string()
      .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`)
      .refine((s) => Buffer.byteLength(s, "utf8") <= MAX_PASSWORD_BYTES, `Use at most ${MAX_PASSWORD_BYTES} bytes (about 72 letters)`),
    confirmPassword: z.string().max(200),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.confirmPassword !== v.newPassword) ctx.addIssue({ code: "custom", path: ["confirmPassword"], message: "The two new passwords do not match" });
    if (v.newPassword === v.currentPassword) ctx.addIssue({ code: "custom", path: ["newPassword"], message: "Choose a password different from your current one" });
  });
export type ChangePasswordInput = z.input<typeof changePasswordInput>;

/** What a password change did. */
export interface PasswordChanged {
  /** Other sessions of the user that were signed out. */
  sessionsRevoked: number;
}

/**
 * Sets `userId`'s password to `input.newPassword` after checking `input.currentPassword`, and revokes every
 * live session of the user except `opts.keepSessionId` (the session making the change), in one transaction.
 * @throws AppError VALIDATION_ERROR with `details` per field: malformed input, a new password shorter than
 *   {@link MIN_PASSWORD_LENGTH} characters or longer than {@link MAX_PASSWORD_BYTES} bytes, a confirmation
 *   that differs, a new password equal to the current one, or a wrong current password
 *   (`details.currentPassword`).
 * @throws AppError NOT_FOUND when the account does not exist (deleted meanwhile).
 */
export async function changePassword(userId: string, input: ChangePasswordInput, opts: { keepSessionId?: string | null } = {}): Promise<PasswordChanged> {
  const parsed = changePasswordInput.safeParse(input);
  if (!parsed.success) {
    throw new AppError("VALIDATION_ERROR", parsed.error.issues[0]?.message ?? "Invalid input", z.flattenError(parsed.error).fieldErrors);
  }
  const { currentPassword, newPassword } = parsed.data;
  const current = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!current) throw notFound("Account");
  if (!(await bcrypt.compare(currentPassword, current.passwordHash))) {
    throw new AppError("VALIDATION_ERROR", "Your current password is not correct.", { currentPassword: ["Not your current password"] });
  }
  const passwordHash = await bcrypt.hash(newPassword, BCRYPT_COST);
  return db.$transaction(async (tx) => {
    // Only if the hash is still the one we checked: two changes at once cannot both pass with the old password.
    const updated = await tx.user.updateMany({ where: { id: userId, passwordHash: current.passwordHash }, data: { passwordHash } });
    if (updated.count !== 1) {
      throw new AppError("VALIDATION_ERROR", "Your password was changed meanwhile. Enter your current password again.", {
        currentPassword: ["Not your current password"],
      });
    }
    const sessionsRevoked = await revokeUserSessions(userId, { except: opts.keepSessionId ?? null, db: tx });
    return { sessionsRevoked };
  });
}

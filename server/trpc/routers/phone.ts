import "server-only";
import { z } from "zod";
import { protectedProcedure, router } from "../init";
import { confirmPhoneVerification, getPhoneStatus, removePhone, startPhoneVerification } from "../../services/sms/verification";
import { resumeSms } from "../../services/sms/opt-out";

/**
 * The caller's mobile number (/settings/account; issue 7): verification by a texted 6-digit code, removal,
 * and resuming texts after a STOP. Inputs are only size-capped here: the services validate them and answer
 * with messages for people (AppError VALIDATION_ERROR, CONFLICT, RATE_LIMITED with `retryAfterSeconds`).
 * Mounted as `phone` in server/trpc/root.ts.
 */
export const phoneRouter = router({
  /** The number, its verification and opt-out state, a code waiting, when another code may be sent. */
  get: protectedProcedure.query(({ ctx }) => getPhoneStatus(ctx.user.id)),
  /** Texts a code to `phone` (as typed; numbers without a country code use SMS_DEFAULT_COUNTRY). */
  startVerification: protectedProcedure
    .input(z.object({ phone: z.string().max(100) }).strict())
    .mutation(({ ctx, input }) => startPhoneVerification(ctx.user.id, input.phone)),
  /** Checks the code; on success the number becomes the account's verified number. */
  confirm: protectedProcedure.input(z.object({ code: z.string().max(20) }).strict()).mutation(({ ctx, input }) => confirmPhoneVerification(ctx.user.id, input.code)),
  /** Forgets the number (no more texts). */
  remove: protectedProcedure.mutation(async ({ ctx }) => {
    await removePhone(ctx.user.id);
    return { ok: true as const };
  }),
  /** Clears a STOP from the app (texts resume). */
  resume: protectedProcedure.mutation(({ ctx }) => resumeSms(ctx.user.id)),
});

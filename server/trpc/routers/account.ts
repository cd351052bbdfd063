import "server-only";
import { protectedProcedure, router } from "../init";
import { accountSummary } from "../../services/account/account-summary";
import { deleteAccount, deleteAccountInput } from "../../services/account/delete-account";
import { changePassword, changePasswordInput } from "../../services/users/change-password";
import { revokeUserSessions, sessionIdOf } from "../../services/users/sessions";

/**
 * The caller's own account (/settings/account): what deleting it would remove, and deleting it; changing
 * the password; signing out of every device. The data export is a download, served by
 * app/api/account/export/route.ts.
 */
export const accountRouter = router({
  summary: protectedProcedure.query(({ ctx }) => accountSummary(ctx.user.id)),
  delete: protectedProcedure.input(deleteAccountInput).mutation(({ ctx, input }) => deleteAccount(ctx.user.id, input)),

  /**
   * Changes the caller's password (BAD_REQUEST with `details` per field for a wrong current password or a
   * weak / mismatched new one) and signs out every other session; this one stays signed in.
   */
  changePassword: protectedProcedure.input(changePasswordInput).mutation(({ ctx, input }) => changePassword(ctx.user.id, input, { keepSessionId: sessionIdOf(ctx.user) })),

  /** Revokes every session of the caller, this one included; the client then calls next-auth's `signOut()`. */
  signOutEverywhere: protectedProcedure.mutation(async ({ ctx }) => ({ sessionsRevoked: await revokeUserSessions(ctx.user.id) })),
});

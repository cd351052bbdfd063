import "server-only";
import { protectedProcedure, router } from "../init";
import { accountSummary } from "../../services/account/account-summary";
import { deleteAccount, deleteAccountInput } from "../../services/account/delete-account";

/**
 * The caller's own account (/settings/account): what deleting it would remove, and deleting it. The data
 * export is a download, served by app/api/account/export/route.ts.
 */
export const accountRouter = router({
  summary: protectedProcedure.query(({ ctx }) => accountSummary(ctx.user.id)),
  delete: protectedProcedure.input(deleteAccountInput).mutation(({ ctx, input }) => deleteAccount(ctx.user.id, input)),
});

import "server-only";
import { protectedProcedure, router } from "../init";
import { getPreferenceCenter, preferenceUpdateInput, updatePreferences } from "../../services/preferences/preferences";

/** The caller's own preference center (docs/requirements.md R7). */
export const preferencesRouter = router({
  get: protectedProcedure.query(({ ctx }) => getPreferenceCenter(ctx.user.id)),
  update: protectedProcedure.input(preferenceUpdateInput).mutation(({ ctx, input }) => updatePreferences(ctx.user.id, input)),
});

import "server-only";
import { z } from "zod";
import { protectedProcedure, router } from "../init";
import { createToken, createTokenInput, listTokens, revokeToken } from "../../services/api/tokens";

/** The caller's personal access tokens for the HTTP API (/settings/tokens). The secret is returned once, by `create`. */
export const tokensRouter = router({
  list: protectedProcedure.query(({ ctx }) => listTokens(ctx.user.id)),
  create: protectedProcedure.input(createTokenInput).mutation(({ ctx, input }) => createToken(ctx.user.id, input)),
  revoke: protectedProcedure.input(z.object({ id: z.uuid() }).strict()).mutation(({ ctx, input }) => revokeToken(ctx.user.id, input.id)),
});

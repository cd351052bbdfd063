import "server-only";
import { z } from "zod";
import { adminProcedure, router } from "../init";
import { createApiKey, createApiKeyInput, listApiKeys, revokeApiKey } from "../../services/api/api-keys";

/** Host-platform API keys for `POST /api/v1/events` (/admin/api-keys). Admins only; the secret is returned once, by `create`. */
export const apiKeysRouter = router({
  list: adminProcedure.query(() => listApiKeys()),
  create: adminProcedure.input(createApiKeyInput).mutation(({ ctx, input }) => createApiKey(ctx.user.id, input)),
  revoke: adminProcedure.input(z.object({ id: z.uuid() }).strict()).mutation(({ input }) => revokeApiKey(input.id)),
});

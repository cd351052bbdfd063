import "server-only";
import { z } from "zod";
import { adminProcedure, router } from "../init";
import {
  createWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  setWebhookEndpointEnabled,
  webhookEndpointInput,
} from "../../services/webhooks/webhooks";

/** Outbound webhooks of the host platform (/admin/webhooks). Admins only; the secret is returned once, by `create`. */
export const webhooksRouter = router({
  list: adminProcedure.query(() => listWebhookEndpoints()),
  create: adminProcedure.input(webhookEndpointInput).mutation(({ ctx, input }) => createWebhookEndpoint(ctx.user.id, input)),
  setEnabled: adminProcedure
    .input(z.object({ id: z.uuid(), enabled: z.boolean() }).strict())
    .mutation(({ ctx, input }) => setWebhookEndpointEnabled(ctx.user.id, input.id, input.enabled)),
  /** The delivery log: the latest attempts, newest first. */
  deliveries: adminProcedure
    .input(z.object({ endpointId: z.uuid().optional(), limit: z.number().int().min(1).max(100).default(50) }).strict())
    .query(({ input }) => listWebhookDeliveries(input)),
});

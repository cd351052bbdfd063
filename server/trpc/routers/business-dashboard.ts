import "server-only";
import { z } from "zod";
import { businessProcedure, router } from "../init";
import { businessOverview, listFollowers, listingStats } from "../../services/businesses/dashboard";

/** The business dashboard (/business): the caller's own business only. */
export const businessDashboardRouter = router({
  overview: businessProcedure.query(({ ctx }) => businessOverview(ctx.user.id)),
  followers: businessProcedure
    .input(
      z
        .object({
          cursor: z.string().max(200).nullish(),
          limit: z.number().int().min(1).max(100).default(25),
          role: z.enum(["CUSTOMER", "NGO"]).optional(),
          query: z.string().max(100).optional(),
          direction: z.literal("forward").optional(),
        })
        .strict(),
    )
    .query(({ ctx, input }) => listFollowers(ctx.user.id, input)),
  listingStats: businessProcedure.query(({ ctx }) => listingStats(ctx.user.id)),
});

import "server-only";
import { z } from "zod";
import { businessProcedure, publicProcedure, router } from "../init";
import { getBusinessBySlug, getOwnedBusiness, listBusinesses } from "../../services/businesses/businesses";
import { listBusinessListings } from "../../services/listings/create-listing";

/** The business directory and a business's own profile. */
export const businessesRouter = router({
  list: publicProcedure
    .input(z.object({ query: z.string().max(100).optional(), after: z.string().max(400).nullish() }).strict().default({}))
    .query(({ ctx, input }) => listBusinesses({ viewerId: ctx.user?.id, query: input.query, after: input.after })),
  bySlug: publicProcedure
    .input(z.object({ slug: z.string().min(1).max(100) }).strict())
    .query(async ({ ctx, input }) => {
      const business = await getBusinessBySlug(input.slug, ctx.user?.id);
      return { business, listings: await listBusinessListings(business.id, 10) };
    }),
  mine: businessProcedure.query(({ ctx }) => getOwnedBusiness(ctx.user.id)),
});

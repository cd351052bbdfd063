import "server-only";
import { z } from "zod";
import { businessProcedure, publicProcedure, router } from "../init";
import { createListing, createListingInput, getListing } from "../../services/listings/create-listing";

/** Listings: businesses post (fan-out follows), anyone can view one. */
export const listingsRouter = router({
  create: businessProcedure.input(createListingInput).mutation(({ ctx, input }) => createListing(ctx.user.id, input)),
  get: publicProcedure.input(z.object({ id: z.uuid() }).strict()).query(({ input }) => getListing(input.id)),
});

import "server-only";
import { z } from "zod";
import { protectedProcedure, router } from "../init";
import { followBusiness, listFollowing, unfollowBusiness } from "../../services/following/follow";

const target = z.object({ businessId: z.uuid() }).strict();

/** Following (docs/requirements.md R2). Role rules live in the service. */
export const followingRouter = router({
  list: protectedProcedure.query(({ ctx }) => listFollowing(ctx.user.id)),
  follow: protectedProcedure.input(target).mutation(async ({ ctx, input }) => {
    const r = await followBusiness(ctx.user, input.businessId);
    return { created: r.created, business: r.business, totalFollowers: r.totalFollowers };
  }),
  unfollow: protectedProcedure.input(target).mutation(({ ctx, input }) => unfollowBusiness(ctx.user.id, input.businessId)),
});

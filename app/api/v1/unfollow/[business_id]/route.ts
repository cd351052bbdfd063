/** `DELETE /api/v1/unfollow/{business_id}` (docs/requirements.md R2.3): 404 when the caller does not follow it. */
import { z } from "zod";
import { apiRoute } from "@/server/http/api-route";
import { uuidParam } from "@/server/services/api/contract";
import { unfollowBusiness } from "@/server/services/following/follow";

export const DELETE = apiRoute({
  scope: "following",
  params: z.object({ business_id: uuidParam() }).strict(),
  async handle({ auth, params }) {
    await unfollowBusiness(auth.userId, params.business_id);
    return { message: "Successfully unfollowed business" };
  },
});

/**
 * `POST /api/v1/follow` (docs/requirements.md R2.1–R2.2) → 201. Customers and NGOs only (403), 404 BUSINESS_NOT_FOUND,
 * 409 ALREADY_FOLLOWING, 422 FOLLOW_LIMIT_REACHED: the service's rules. `created` is false when an earlier,
 * unfollowed follow was restored.
 */
import { z } from "zod";
import { Reply, apiRoute } from "@/server/http/api-route";
import { businessRef } from "@/server/services/api/shapes";
import { followBusiness } from "@/server/services/following/follow";

export const POST = apiRoute({
  scope: "following",
  body: z.object({ business_id: z.uuid("Must be a UUID") }).strict(),
  async handle({ auth, body }) {
    const r = await followBusiness({ id: auth.userId, role: auth.role }, body.business_id);
    return new Reply(201, { message: "Successfully followed business", follower_id: r.follow.id, created: r.created, business: businessRef(r.business) });
  },
});

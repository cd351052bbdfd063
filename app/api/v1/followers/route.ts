/**
 * `GET /api/v1/followers` (docs/requirements.md R2.4): business accounts only (403 otherwise). `engagement_score`
 * is documented on `followersPage` (server/services/api/following.ts).
 */
import { z } from "zod";
import { apiRoute } from "@/server/http/api-route";
import { followersPage } from "@/server/services/api/following";
import { pageLinks, pageParams } from "@/server/services/api/pagination";

export const GET = apiRoute({
  scope: "following",
  query: z.object({ ...pageParams(50, 100), user_type: z.enum(["customer", "ngo"]).optional() }).strict(),
  async handle({ auth, query, url }) {
    const page = await followersPage({ id: auth.userId, role: auth.role }, { userType: query.user_type }, query.page, query.page_size);
    return { count: page.count, ...pageLinks(url, query.page, query.page_size, page.count), results: page.results };
  },
});

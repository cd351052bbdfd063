/** `GET /api/v1/following` (docs/requirements.md R2.4): the businesses the caller follows, most recent first. */
import { z } from "zod";
import { apiRoute } from "@/server/http/api-route";
import { followingPage } from "@/server/services/api/following";
import { pageLinks, pageParams } from "@/server/services/api/pagination";

export const GET = apiRoute({
  scope: "following",
  query: z.object(pageParams(20, 100)).strict(),
  async handle({ auth, query, url }) {
    const page = await followingPage(auth.userId, query.page, query.page_size);
    return { count: page.count, ...pageLinks(url, query.page, query.page_size, page.count), results: page.results };
  },
});

/**
 * GET /api/admin/analytics.csv?kind=campaigns|types&from=YYYY-MM-DD&to=YYYY-MM-DD (or &days=N): the delivery
 * analytics of a range of UTC days as a CSV download (server/services/analytics). Admins only, through the
 * next-auth session: 401 when signed out, 403 for anyone else, 400 for a bad query (the API's error
 * body). Default: campaigns, the last 30 days.
 */
import { currentUser } from "@/server/auth";
import { errorResponse } from "@/server/http/api-route";
import { fieldErrors } from "@/server/services/api/contract";
import { analyticsCsv, resolveRange } from "@/server/services/analytics/analytics";
import { analyticsCsvQuery } from "@/server/services/analytics/inputs";
import { AppError } from "@/server/services/errors";
import { PRIVATE_NO_STORE } from "@/server/http/cache";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const user = await currentUser();
  if (!user) return errorResponse("UNAUTHORIZED", "Sign in to download analytics", 401);
  if (user.role !== "ADMIN") return errorResponse("PERMISSION_DENIED", "Only admins can download analytics", 403);
  const params = new URL(request.url).searchParams;
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    raw[key] = all.length === 1 ? all[0]! : all;
  }
  const parsed = analyticsCsvQuery.safeParse(raw);
  if (!parsed.success) return errorResponse("VALIDATION_ERROR", "The query is not valid", 400, fieldErrors(parsed.error));
  try {
    const { kind, ...range } = parsed.data;
    const { filename, csv } = await analyticsCsv(resolveRange(range), kind);
    return new Response(csv, {
      status: 200,
      headers: {
        "content-type": "text/csv; charset=utf-8; header=present",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": PRIVATE_NO_STORE,
        "x-content-type-options": "nosniff",
      },
    });
  } catch (err) {
    if (err instanceof AppError) return errorResponse(err.code, err.message, err.status, err.details);
    throw err;
  }
}

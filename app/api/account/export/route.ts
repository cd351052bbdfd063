/**
 * GET /api/account/export: the signed-in user's data as a JSON download (issue "Retention and erasure";
 * server/services/account/export-account.ts). next-auth session required: 401 with the API's error
 * body otherwise. Streamed: notifications and deliveries are read in keyset batches while the client reads.
 */
import { currentUser } from "@/server/auth";
import { errorResponse } from "@/server/http/api-route";
import { exportStream, openAccountExport } from "@/server/services/account/export-account";
import { AppError } from "@/server/services/errors";
import { PRIVATE_NO_STORE } from "@/server/http/cache";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const user = await currentUser();
  if (!user) return errorResponse("UNAUTHORIZED", "Sign in to download your data", 401);
  try {
    const { filename, chunks } = await openAccountExport(user.id);
    return new Response(exportStream(chunks), {
      status: 200,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": PRIVATE_NO_STORE,
        "x-content-type-options": "nosniff",
      },
    });
  } catch (err) {
    if (err instanceof AppError) return errorResponse(err.code, err.message, err.status);
    throw err;
  }
}

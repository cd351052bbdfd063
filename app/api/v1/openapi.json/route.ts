/** `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of `/api/v1` (server/services/api/openapi.ts). Public. */
import { openApiDocument } from "@/server/services/api/openapi";
import { absoluteUrl } from "@/server/services/api/pagination";

export function GET(): Response {
  return Response.json(openApiDocument(absoluteUrl("/").replace(/\/$/, "")), {
    headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" },
  });
}

/**
 * `GET /embed.js`: the `<herald-inbox>` web component (docs/requirements.md R21.5), one script for any
 * site to load. Public code, no secret: served to every origin (`Access-Control-Allow-Origin: *`,
 * `Cross-Origin-Resource-Policy: cross-origin`, so pages with COEP or `crossorigin` scripts load it too),
 * cached for 5 minutes and revalidated by ETag (304) after that, so a new version reaches pages quickly.
 * 503 until the bundle is built (`npm run build`).
 */
import { embedScript } from "@/server/services/embed/embed-script";

export const dynamic = "force-dynamic";

const HEADERS = {
  "content-type": "text/javascript; charset=utf-8",
  "cache-control": "public, max-age=300, stale-while-revalidate=86400",
  "access-control-allow-origin": "*",
  "cross-origin-resource-policy": "cross-origin",
  "x-content-type-options": "nosniff",
} as const;

export async function GET(request: Request): Promise<Response> {
  const script = await embedScript();
  if (!script) {
    return new Response("/* Herald: the embed bundle is not built; run `npm run build` */\n", {
      status: 503,
      headers: { ...HEADERS, "cache-control": "no-store" },
    });
  }
  const headers = { ...HEADERS, etag: script.etag };
  const given = request.headers.get("if-none-match");
  if (given && given.split(",").some((tag) => tag.trim().replace(/^W\//, "") === script.etag)) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(script.body), { headers: { ...headers, "content-length": String(script.body.length) } });
}

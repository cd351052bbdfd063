/**
 * CORS for the embeddable inbox's API (docs/requirements.md R21.3; the Fetch standard's CORS protocol,
 * https://fetch.spec.whatwg.org/#http-cors-protocol). Only the origins in `HERALD_EMBED_ORIGINS` are
 * allowed, each compared exactly with the request's `Origin` (no wildcards, no suffix match, never
 * `null`); the answer names that one origin, never `*`, and never allows credentials: the user token
 * travels in `Authorization: Bearer`, cookies are neither needed nor read. Every answer says
 * `Vary: Origin`, so no cache hands one origin's answer to another. Any other origin gets no CORS header
 * at all, so its page can read nothing.
 *
 * Plain functions with no database, so Vitest loads them as they are.
 *
 * @module
 */

/** Request headers the component sends (preflight `Access-Control-Allow-Headers`). */
export const EMBED_ALLOWED_HEADERS = ["authorization", "content-type"] as const;

/** Answer headers the component may read (rate limits, `Retry-After`, the request id). */
export const EMBED_EXPOSED_HEADERS = "x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after, x-request-id";

/** How long a browser may cache a preflight's answer, seconds (Chromium caps it at 7,200). */
export const EMBED_PREFLIGHT_MAX_AGE_S = 600;

/**
 * The request's `Origin` when it is exactly one of `origins`, else null (absent, `null`, or any other).
 * @param origins `HERALD_EMBED_ORIGINS`, each already normalised to `scheme://host[:port]` (server/env.ts)
 */
export function allowedOrigin(request: Request, origins: readonly string[]): string | null {
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return null;
  return origins.includes(origin) ? origin : null;
}

/**
 * The CORS headers of an actual (non-preflight) answer: `Vary: Origin` always; with an allowed origin also
 * `Access-Control-Allow-Origin: <that origin>` and the exposed headers. Never `Access-Control-Allow-Credentials`.
 * @param origin what {@link allowedOrigin} returned
 */
export function corsHeaders(origin: string | null): Record<string, string> {
  if (!origin) return { vary: "Origin" };
  return { vary: "Origin", "access-control-allow-origin": origin, "access-control-expose-headers": EMBED_EXPOSED_HEADERS };
}

/**
 * The answer to a preflight `OPTIONS` for an endpoint that takes `methods`:
 * - an allowed origin asking for one of `methods` with only {@link EMBED_ALLOWED_HEADERS}: 204 with
 *   `Access-Control-Allow-Origin` (that origin), `-Allow-Methods` (`methods` and OPTIONS), `-Allow-Headers`,
 *   `-Max-Age` {@link EMBED_PREFLIGHT_MAX_AGE_S};
 * - any other origin, method or header: 403 PERMISSION_DENIED with no CORS header (the browser then
 *   refuses the actual request);
 * - an `OPTIONS` without `Origin` (not a preflight): 204 with `Allow`.
 * Every answer carries `Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers`.
 * @param origins `HERALD_EMBED_ORIGINS`
 * @param methods the endpoint's methods, e.g. `["GET"]`
 */
export function preflightResponse(request: Request, origins: readonly string[], methods: readonly string[]): Response {
  const vary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
  const allow = [...methods, "OPTIONS"].join(", ");
  if (!request.headers.get("origin")) return new Response(null, { status: 204, headers: { allow, vary } });
  const origin = allowedOrigin(request, origins);
  const method = request.headers.get("access-control-request-method") ?? "";
  const asked = (request.headers.get("access-control-request-headers") ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const headersOk = asked.every((h) => (EMBED_ALLOWED_HEADERS as readonly string[]).includes(h));
  if (!origin || !methods.includes(method) || !headersOk) {
    return Response.json(
      { error: { code: "PERMISSION_DENIED", message: origin ? "Method or header not allowed" : "Origin not allowed" } },
      { status: 403, headers: { vary, "cache-control": "private, no-store" } },
    );
  }
  return new Response(null, {
    status: 204,
    headers: {
      vary,
      "access-control-allow-origin": origin,
      "access-control-allow-methods": allow,
      "access-control-allow-headers": EMBED_ALLOWED_HEADERS.join(", "),
      "access-control-max-age": String(EMBED_PREFLIGHT_MAX_AGE_S),
    },
  });
}

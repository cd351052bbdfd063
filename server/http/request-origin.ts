/**
 * Cross-site request refusal for cookie-authenticated, state-changing requests (issue 12 "Request hygiene":
 * state-changing tRPC calls from another origin are refused). Uses Fetch Metadata (`Sec-Fetch-Site`,
 * https://www.w3.org/TR/fetch-metadata/) and `Origin` (RFC 6454 §7), as OWASP's CSRF cheat sheet
 * recommends; SameSite cookies alone do not stop same-site (sibling subdomain) requests.
 *
 * Rules, in order:
 * 1. `Sec-Fetch-Site: cross-site` or `same-site` → refused (`same-site` is another origin on the same site).
 * 2. `Sec-Fetch-Site: same-origin` → allowed (the browser computed it; page scripts cannot set it).
 * 3. `Origin` present → it must be the app's origin (`APP_URL`) or the origin the request was addressed
 *    to; `Origin: null` (sandboxed frames, opaque redirects) is refused.
 * 4. Neither header (a non-browser client such as curl or a server; every current browser sends at least
 *    one on a POST) → allowed only with `Content-Type: application/json`, which a cross-site HTML form
 *    cannot send and a cross-origin `fetch` cannot send without a CORS preflight (Herald grants none).
 */

/** Why a request was refused, for the 403 message; null when allowed. */
export type CrossSiteVerdict = null | "cross-site" | "foreign-origin" | "not-json";

/**
 * Checks one request against the rules in the module comment.
 * @param appOrigin the app's origin or any URL on it (`APP_URL`)
 * @returns null when the request may change state, else why not
 */
export function crossSiteVerdict(request: Request, appOrigin: string): CrossSiteVerdict {
  const site = request.headers.get("sec-fetch-site")?.trim().toLowerCase();
  if (site === "cross-site" || site === "same-site") return "cross-site";
  if (site === "same-origin") return null;
  const origin = request.headers.get("origin")?.trim().toLowerCase();
  if (origin !== undefined) {
    const allowed = [appOrigin, request.url].flatMap((u) => {
      try {
        return [new URL(u).origin.toLowerCase()];
      } catch {
        return [];
      }
    });
    return origin !== "null" && allowed.includes(origin) ? null : "foreign-origin";
  }
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  return type === "application/json" ? null : "not-json";
}

/** The message of the 403 for a verdict. */
export function crossSiteMessage(verdict: Exclude<CrossSiteVerdict, null>): string {
  switch (verdict) {
    case "cross-site":
      return "Cross-site requests may not change anything (Sec-Fetch-Site)";
    case "foreign-origin":
      return "Requests from another origin may not change anything (Origin)";
    case "not-json":
      return "Send Content-Type: application/json (or an Origin header)";
  }
}

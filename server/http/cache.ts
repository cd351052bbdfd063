/**
 * Caching rule for per-user answers (issue 12 "Request hygiene"): no shared cache (proxy, CDN) may keep
 * them, and the browser keeps no copy on disk (RFC 9111 §5.2.2.7 `private`, §5.2.2.5 `no-store`).
 */

/** The `Cache-Control` value of every per-user response (tRPC, /api/v1, the account export, session routes). */
export const PRIVATE_NO_STORE = "private, no-store";

/**
 * The one check every redirect target goes through (issue 12, "No open redirect"): `callbackUrl` on the
 * sign-in page, next-auth's `redirect` callback (server/auth.ts), the push click route (app/n/[id]) and any
 * other `Location` built from input.
 *
 * A string prefix test is not enough: browsers strip leading spaces and C0 controls, drop tabs and
 * newlines anywhere, read `\` as `/` in http(s) URLs, and take `https:evil.com` as absolute when the scheme
 * differs. So the target is parsed with the WHATWG URL parser (the one browsers use, https://url.spec.whatwg.org/)
 * against the app's origin and kept only when the result has that same origin; what is returned is the
 * normalised path (+ query + fragment), never the input, and never a path starting with `//` (which a
 * browser would read as another host when it is used as a relative `Location`).
 */
import { env } from "../env";

/** Longest target kept (characters); longer ones answer the fallback. */
export const MAX_REDIRECT_LENGTH = 2048;

/** Where a refused or missing target goes. */
export const DEFAULT_REDIRECT = "/notifications";

export interface SafeRedirectOptions {
  /**
   * The app's origin or any URL on it (`APP_URL`, next-auth's `baseUrl`). Default: `APP_URL`
   * (server/env.ts; itself defaulting to `http://localhost:3000`).
   */
  appOrigin?: string;
  /** Returned for anything refused or absent. Default {@link DEFAULT_REDIRECT}. Must itself be an app path. */
  fallback?: string;
}

const defaultOrigin = (): string => env("app").APP_URL;

/**
 * Resolves a redirect target to a same-origin path, or the fallback.
 *
 * @param raw a query value (`string | string[] | undefined`: the first element of an array is used), an
 *   app-relative path (`/settings`) or an absolute URL on the app's origin. Anything else — another host,
 *   scheme or port, `//host`, `/\host`, `\\host`, `/\t/host`, ` /\t/host`, `https:host`, `javascript:…`,
 *   `data:…`, a string with control characters, or longer than {@link MAX_REDIRECT_LENGTH} — is refused.
 * @returns a path beginning with exactly one `/` (e.g. `/notifications?x=1#y`), safe as a relative
 *   `Location` header, a `redirect()` target or `window.location.assign`; `opts.fallback` when refused.
 */
export function safeRedirectPath(raw: unknown, opts: SafeRedirectOptions = {}): string {
  const fallback = opts.fallback ?? DEFAULT_REDIRECT;
  const value = Array.isArray(raw) ? (raw[0] as unknown) : raw;
  if (typeof value !== "string" || value === "" || value.length > MAX_REDIRECT_LENGTH) return fallback;
  // Control characters (tab, CR, LF, NUL…) are silently dropped or stripped by URL parsers: refuse them.
  if (/[\u0000-\u001f\u007f]/.test(value)) return fallback;
  // `https:host` is relative on an https page and absolute elsewhere: a scheme must come with `//`.
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^https?:\/\//i.test(value)) return fallback;
  let base: URL;
  let url: URL;
  try {
    base = new URL(opts.appOrigin ?? defaultOrigin());
    url = new URL(value, base.origin + "/");
  } catch {
    return fallback;
  }
  if (url.origin === "null" || url.origin !== base.origin) return fallback;
  if (url.username || url.password) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return fallback;
  return path;
}

/**
 * True when `raw` names a page of this app (same origin after URL parsing); see {@link safeRedirectPath}.
 * @param appOrigin as in {@link SafeRedirectOptions.appOrigin}
 */
export function isSameOriginTarget(raw: unknown, appOrigin?: string): boolean {
  const sentinel = "\u0000refused";
  return safeRedirectPath(raw, { ...(appOrigin ? { appOrigin } : {}), fallback: sentinel }) !== sentinel;
}

/**
 * Output safety for emails: header values and link targets built from user text.
 * Pure functions with no server imports, so both the templates (and the react-email preview server) and
 * `server/services/email/render.ts` (which re-exports them) use the same rules.
 * Rules come from the issue ("No CR/LF from user text reaches a header; action URLs are https or relative
 * only") and docs/requirements.md R9.5.
 */

/** Default cap for a header value, in characters (code points). RFC 5322 recommends lines ≤ 78 chars, but
 * folding is the mail library's job; 200 keeps subjects readable in every client. */
export const HEADER_VALUE_MAX = 200;

// C0 controls (incl. CR, LF, TAB), DEL, C1 controls, Unicode line/paragraph separators, and the bidi
// override/isolate characters that can make a subject read differently from what it is.
const UNSAFE_HEADER_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes user text safe for a single-line mail header (Subject, a display name, …).
 *
 * Replaces every control character (CR, LF, TAB, other C0/C1 controls, U+2028/U+2029, bidi overrides)
 * with a space, collapses runs of whitespace to one space, trims, and caps the result at `max` code points
 * (ending with "…" when cut). Never throws; `safeHeaderValue("a\r\nBcc: x@evil")` is `"a Bcc: x@evil"`,
 * which is harmless inside one header line.
 *
 * @param value any text, typically a title or name typed by a user
 * @param max maximum length in code points (default {@link HEADER_VALUE_MAX})
 * @returns a string with no CR/LF or other control characters, at most `max` code points long
 */
export function safeHeaderValue(value: string, max: number = HEADER_VALUE_MAX): string {
  const flat = String(value).replace(UNSAFE_HEADER_CHARS, " ").replace(/\s+/g, " ").trim();
  const points = Array.from(flat);
  if (points.length <= max) return flat;
  return `${points.slice(0, Math.max(0, max - 1)).join("").trimEnd()}…`;
}

/** `appUrl` without trailing slashes, so `${base}/path` never doubles a slash. */
export function appBase(appUrl: string): string {
  return appUrl.replace(/\/+$/, "");
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || hostname.endsWith(".localhost");
}

// Anything that looks like a scheme ("javascript:", "data:", "https:", "mailto:"…).
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
// Control characters and whitespace: browsers silently drop TAB/CR/LF inside URLs ("java\nscript:").
const URL_FORBIDDEN = /[\u0000-\u0020\u007f-\u009f\u2028\u2029]/;

/**
 * Returns a link target that is safe to put in an email's `href`.
 *
 * Accepted (returned normalised, as an absolute URL):
 * - an absolute `https:` URL to any host (without embedded credentials);
 * - an app-relative path (`/listings/42?x=1`), resolved against `appUrl` (keeping `appUrl`'s own path prefix);
 * - `http:` to `localhost`/`127.0.0.1`/`[::1]` only when `appUrl` itself is `http:` on such a host
 *   (the embedded mode, docs/architecture.md "Two modes"; docs/requirements.md R9.5).
 *
 * Everything else returns `fallback` (default `${appUrl}/notifications`): `javascript:`, `data:`, `mailto:`,
 * `http:` elsewhere, protocol-relative `//evil.com` and `/\evil.com`, bare relative paths (`listings/1`),
 * URLs with `user:pass@`, URLs containing whitespace or control characters, and empty input.
 * Source: the issue ("action URLs are https or relative only"), docs/requirements.md R9.5.
 *
 * @param url the candidate link (usually from notification data or a campaign author)
 * @param appUrl the app's public base URL, e.g. `https://herald.example.org` (never read from env here)
 * @param fallback returned when `url` is refused; defaults to the inbox page
 * @throws TypeError when `appUrl` itself is not an absolute URL (a programming error)
 */
export function safeActionUrl(url: string | null | undefined, appUrl: string, fallback?: string): string {
  const app = new URL(appUrl); // throws TypeError on a bad appUrl
  const base = appBase(appUrl);
  const refused = fallback ?? `${base}/notifications`;
  if (typeof url !== "string") return refused;
  const candidate = url.trim();
  if (candidate === "" || URL_FORBIDDEN.test(candidate) || candidate.length > 2048) return refused;

  if (HAS_SCHEME.test(candidate)) {
    let parsed: URL;
    try {
      parsed = new URL(candidate);
    } catch {
      return refused;
    }
    if (parsed.username !== "" || parsed.password !== "") return refused;
    if (parsed.protocol === "https:") return parsed.href;
    if (
      parsed.protocol === "http:" &&
      app.protocol === "http:" &&
      isLoopbackHost(app.hostname) &&
      isLoopbackHost(parsed.hostname)
    ) {
      return parsed.href;
    }
    return refused;
  }

  // App-relative: exactly one leading "/" (not "//host" nor "/\host", which browsers treat as a host).
  if (!candidate.startsWith("/") || candidate[1] === "/" || candidate[1] === "\\") return refused;
  if (candidate.includes("\\")) return refused;
  let resolved: URL;
  try {
    resolved = new URL(`${base}${candidate}`);
  } catch {
    return refused;
  }
  if (resolved.origin !== app.origin) return refused;
  return resolved.href;
}

/**
 * IANA time zone names (https://www.iana.org/time-zones), as stored in `users.timezone` and taken by the
 * email templates' `timeZone` prop. Plain TypeScript with no imports, so the server, the email templates
 * (and the react-email preview server) and the browser can all load it.
 *
 * @module
 */

/**
 * Whether `tz` is an IANA time zone this runtime knows (`Intl.DateTimeFormat` accepts it as `timeZone`,
 * ECMA-402 https://tc39.es/ecma402/#sec-createdatetimeformat) and is at most 64 characters long (the longest
 * IANA name is far shorter; the cap keeps stored values small).
 *
 * @param tz a candidate name, e.g. "Africa/Johannesburg"
 * @returns true for a known zone; false otherwise (never throws)
 */
export function isTimeZone(tz: string): boolean {
  if (tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The embeddable inbox's settings for the browser tests, shared by playwright.config.ts (the Herald under
 * test gets them as HERALD_EMBED_*) and e2e/embed.spec.ts (the example platform signs with the same
 * secret). The platform's origin must be known before Herald starts, so its port is fixed.
 */
export const EMBED_E2E = {
  /** A test-only signing secret (32 random bytes, base64url): passes the start-up secrets check. */
  secret: "2IQpupLAa-T1rHi3okpq4Sfq3cxNDxlfK-p1LAyptmg",
  /** Where the example platform (examples/embed/server.mjs) listens. */
  host: "127.0.0.1",
  port: 3195,
  /** Its origin, the one CORS allows. */
  origin: "http://127.0.0.1:3195",
} as const;

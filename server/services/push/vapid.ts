import "server-only";
/**
 * VAPID (RFC 8292): the key pair that identifies this server to the browsers' push services.
 *
 * - Production: `VAPID_PUBLIC_KEY`, `VAPID_PRIVATE_KEY` and `VAPID_SUBJECT` from the environment
 *   (server/env.ts, group `push`). Generate the pair once (`npx web-push generate-vapid-keys`) and keep it:
 *   every browser subscription is bound to the public key (the `applicationServerKey` it subscribed with),
 *   so a new pair orphans all of them (the push services answer 403 until people subscribe again).
 * - Embedded mode: `scripts/herald.ts` generates a pair on first start with web-push's
 *   `generateVAPIDKeys()`, stores it in `$HERALD_DATA_DIR/secrets.json` and passes it in the same env vars.
 * - Neither: push is off; {@link vapidConfig} answers null and the preference center says so.
 */
import { createECDH } from "node:crypto";
import { env } from "../../env";

/** A usable VAPID identity. Keys are base64url without padding, as browsers and web-push take them. */
export interface VapidConfig {
  /** Uncompressed P-256 point (65 bytes decoded, first byte 0x04): the browser's `applicationServerKey`. */
  publicKey: string;
  /** The P-256 private scalar (32 bytes decoded). Never leaves the server. */
  privateKey: string;
  /** The JWT `sub` claim: `mailto:` address or `https:` URL (RFC 8292 §2.1). */
  subject: string;
}

const b64u = (s: string) => Buffer.from(s.replace(/=+$/, ""), "base64url");

/** Used when VAPID_SUBJECT is not set and APP_URL is not https (a local install). */
export const FALLBACK_VAPID_SUBJECT = "mailto:webpush@herald.invalid";

/**
 * Checks a VAPID key pair: lengths, point format, and that the private key belongs to the public key.
 * @throws Error naming what is wrong (never the private key itself).
 */
export function checkVapidKeys(publicKey: string, privateKey: string): void {
  const pub = b64u(publicKey);
  const priv = b64u(privateKey);
  if (pub.length !== 65 || pub[0] !== 0x04) throw new Error("VAPID_PUBLIC_KEY must be an uncompressed P-256 point, base64url (65 bytes decoded)");
  if (priv.length !== 32) throw new Error("VAPID_PRIVATE_KEY must be a P-256 private key, base64url (32 bytes decoded)");
  const ecdh = createECDH("prime256v1");
  try {
    ecdh.setPrivateKey(priv);
  } catch {
    throw new Error("VAPID_PRIVATE_KEY is not a valid P-256 private key");
  }
  if (!ecdh.getPublicKey().equals(pub)) throw new Error("VAPID_PRIVATE_KEY does not belong to VAPID_PUBLIC_KEY");
}

let cached: { config: VapidConfig | null } | undefined;

/**
 * This deployment's VAPID identity, or null when push is not configured (neither key set). The subject
 * defaults to APP_URL when that is https, else {@link FALLBACK_VAPID_SUBJECT}; set VAPID_SUBJECT in
 * production so push service operators can reach you.
 * @throws Error when only one key is set, or the keys are malformed or do not match (bad config fails loudly).
 */
export function vapidConfig(): VapidConfig | null {
  if (cached) return cached.config;
  const { VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT } = env("push");
  if (!VAPID_PUBLIC_KEY && !VAPID_PRIVATE_KEY) {
    cached = { config: null };
    return null;
  }
  if (!VAPID_PUBLIC_KEY || !VAPID_PRIVATE_KEY) throw new Error("Invalid environment (push): set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither");
  checkVapidKeys(VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY);
  const appUrl = new URL(env("app").APP_URL);
  const subject = VAPID_SUBJECT ?? (appUrl.protocol === "https:" ? appUrl.origin : FALLBACK_VAPID_SUBJECT);
  cached = { config: { publicKey: VAPID_PUBLIC_KEY.replace(/=+$/, ""), privateKey: VAPID_PRIVATE_KEY.replace(/=+$/, ""), subject } };
  return cached.config;
}

/** The public key browsers subscribe with (`applicationServerKey`), or null when push is off. */
export function vapidPublicKey(): string | null {
  return vapidConfig()?.publicKey ?? null;
}

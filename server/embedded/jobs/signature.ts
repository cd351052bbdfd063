/**
 * Request and response signatures between the executor and the app's `serve()` handler, in Inngest's cloud
 * mode (docs/protocols.md "Modes and signing"; SDK_SPEC.md §4.1.1 `X-Inngest-Signature`).
 *
 * Header: `x-inngest-signature: t=<unix seconds>&s=<hex>` with
 * `s = HMAC-SHA256(key, payload + t)`, where `key` is the signing key without its `signkey-<env>-` prefix,
 * used as its ASCII text (not hex-decoded).
 * - Requests (executor → SDK): `payload` is the RFC 8785 (JCS) canonical JSON of the body — the SDK parses
 *   the body and re-canonicalizes it before checking, so signing the raw bytes fails when key order differs.
 * - Responses (SDK → executor): inngest 4.24 signs the response body text exactly as sent; {@link verify}
 *   accepts that form, or the canonical form of the same JSON.
 * Timestamps are wall-clock (`Date.now()`), never the executor's injectable clock: the SDK checks them
 * against its own wall clock with a ±5 min window.
 */
import { createHmac, randomBytes } from "node:crypto";
import { constantTimeEqual } from "../../signing";
import canonicalize from "canonicalize";

/** The header carrying the signature, both directions. */
export const SIGNATURE_HEADER = "x-inngest-signature";

/** How far a signature's `t` may be from the verifier's wall clock: 5 min (the SDK's window). */
export const SIGNATURE_TOLERANCE_MS = 5 * 60 * 1000;

/** The HMAC key: the signing key without its `signkey-<env>-` prefix (the SDK's `removeSigningKeyPrefix`). */
export function signingKeyMaterial(signingKey: string): string {
  return signingKey.replace(/^signkey-\w+-/, "");
}

/**
 * RFC 8785 canonical JSON of `value`.
 * @throws when `value` has no JSON form (e.g. `undefined` or a function).
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("canonicalJson: value has no JSON representation");
  return text;
}

function hmacHex(signingKey: string, payload: string, t: string): string {
  return createHmac("sha256", signingKeyMaterial(signingKey)).update(payload).update(t).digest("hex");
}

/**
 * Signs a request body the way Inngest does: HMAC over the canonical JSON of the parsed `bodyText` plus the
 * timestamp. Returns the header value `t=<unix s>&s=<hex>`.
 * @param nowMs wall-clock time in ms (default `Date.now()`).
 * @throws when `bodyText` is not JSON.
 */
export function signRequestBody(bodyText: string, signingKey: string, nowMs: number = Date.now()): string {
  const t = String(Math.round(nowMs / 1000));
  const s = hmacHex(signingKey, canonicalJson(JSON.parse(bodyText) as unknown), t);
  return `t=${t}&s=${s}`;
}

/**
 * Signs raw text (what the SDK does for its responses). Returns `t=<unix s>&s=<hex>`.
 * @param nowMs wall-clock time in ms (default `Date.now()`).
 */
export function signText(text: string, signingKey: string, nowMs: number = Date.now()): string {
  const t = String(Math.round(nowMs / 1000));
  return `t=${t}&s=${hmacHex(signingKey, text, t)}`;
}

/** Why a signature was refused (`ok: true` when it verified). */
export type VerifyResult = { ok: true } | { ok: false; reason: string };


/**
 * Verifies `x-inngest-signature` over `bodyText`: the HMAC must match either the raw text or its canonical
 * JSON, and `t` must be within ±5 min of `nowMs` (wall clock).
 * Never throws; returns the reason on failure (missing header, malformed, expired, mismatch).
 */
export function verify(opts: {
  header: string | null | undefined;
  bodyText: string;
  signingKey: string;
  nowMs?: number;
}): VerifyResult {
  const { header, bodyText, signingKey } = opts;
  if (!header) return { ok: false, reason: `no ${SIGNATURE_HEADER} header` };
  const params = new URLSearchParams(header);
  const t = params.get("t") ?? "";
  const s = params.get("s") ?? "";
  if (!/^\d+$/.test(t) || !/^[0-9a-f]+$/i.test(s)) return { ok: false, reason: `malformed ${SIGNATURE_HEADER}` };
  const nowMs = opts.nowMs ?? Date.now();
  if (Math.abs(nowMs - Number(t) * 1000) > SIGNATURE_TOLERANCE_MS) {
    return { ok: false, reason: `${SIGNATURE_HEADER} timestamp is outside the ±5 min window` };
  }
  if (constantTimeEqual(hmacHex(signingKey, bodyText, t), s.toLowerCase())) return { ok: true };
  let canonical: string | undefined;
  try {
    canonical = canonicalJson(JSON.parse(bodyText) as unknown);
  } catch {
    canonical = undefined;
  }
  if (canonical !== undefined && constantTimeEqual(hmacHex(signingKey, canonical, t), s.toLowerCase())) return { ok: true };
  return { ok: false, reason: `${SIGNATURE_HEADER} does not match (wrong signing key or altered body)` };
}

/**
 * A fresh signing key in Inngest's format, `signkey-<env>-<64 hex>` (32 random bytes), for embedded mode
 * where Herald signs its own calls (docs/protocols.md "Modes and signing": cloud mode with a locally generated key).
 */
export function generateSigningKey(env = "embedded"): string {
  if (!/^\w+$/.test(env)) throw new Error(`generateSigningKey: env "${env}" must be word characters only`);
  return `signkey-${env}-${randomBytes(32).toString("hex")}`;
}

/** A fresh event key (32 random bytes, hex) for the embedded event API. */
export function generateEventKey(): string {
  return randomBytes(32).toString("hex");
}

/** Types of ./secrets-check.mjs (plain JavaScript so that next.config.mjs can import it); documented there. */
export declare const MIN_SECRET_BYTES: number;
export declare const MIN_PUSHER_SECRET_BYTES: number;
export declare const CHECKED_SECRETS: readonly string[];
/** Why `value` looks like a placeholder (e.g. `it is the placeholder "changeme"`), or null. */
export declare function placeholderReason(value: string): string | null;
/** One bad secret: the variable and a message that names it and says what to do. */
export interface SecretProblem {
  name: string;
  message: string;
}
/**
 * Checks every signing secret in `env` (NEXTAUTH_SECRET, PUSHER_SECRET, INNGEST_SIGNING_KEY,
 * RESEND_WEBHOOK_SECRET, TWILIO_AUTH_TOKEN, VAPID_PRIVATE_KEY): ≥ 32 bytes (PUSHER_SECRET ≥ 20; the
 * Inngest key's hex part ≥ 32 bytes) and not a placeholder. `[]` when all pass.
 */
export declare function checkSecrets(env: Record<string, string | undefined>, opts?: { requireAuthSecret?: boolean }): SecretProblem[];
/** The multi-line refusal message for `problems`. */
export declare function secretsReport(problems: readonly SecretProblem[]): string;

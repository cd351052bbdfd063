/**
 * What the server and the browser share about standalone accounts (issue 17; server/services/accounts). Plain
 * TypeScript with no imports, so both load it.
 *
 * @module
 */

/**
 * next-auth's sign-in `error` (the `signIn()` result, or `/signin?error=`) for the right password of an account
 * whose address is not confirmed yet: the sign-in form then offers to send the link again.
 */
export const EMAIL_NOT_VERIFIED = "EmailNotVerified";

/** Shortest new password, in characters (server/services/users/change-password.ts, which the server enforces). */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest new password, in UTF-8 bytes (bcrypt's limit). */
export const MAX_PASSWORD_BYTES = 72;
/** Longest name, in characters (server/services/accounts/signup.ts). */
export const NAME_MAX = 100;

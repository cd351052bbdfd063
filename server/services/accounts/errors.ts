import "server-only";
/** The sign-in refusal of standalone accounts (issue 17), light enough for server/auth.ts to import. */
import { EMAIL_NOT_VERIFIED } from "../../../lib/accounts";

/**
 * Thrown from next-auth's `authorize()` (server/auth.ts) when the email and password are right but the address
 * is not confirmed: next-auth hands its message ({@link EMAIL_NOT_VERIFIED}) to the sign-in form, which says so
 * and offers "Send the link again". Only someone who knows the password learns that the account exists.
 */
export class EmailNotVerifiedError extends Error {
  constructor() {
    super(EMAIL_NOT_VERIFIED);
    this.name = "EmailNotVerifiedError";
  }
}

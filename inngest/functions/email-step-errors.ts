/**
 * How an email leg's failure reaches the executor: a provider 429 becomes RetryAfterError with the
 * provider's Retry-After; a vanished subject (NOT_FOUND) or a payload that does not fit its template
 * (VALIDATION_ERROR) is not retried; anything else is retried with backoff.
 */
import { NonRetriableError, RetryAfterError } from "inngest";
import { EmailSendError } from "../../server/services/email/transport";
import { AppError } from "../../server/services/errors";

/** Runs an email step body and maps its errors as above. */
export async function emailStep<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof EmailSendError && err.opts.retryAfterMs) throw new RetryAfterError(err.message, err.opts.retryAfterMs);
    if (err instanceof AppError && (err.code === "NOT_FOUND" || err.code === "VALIDATION_ERROR")) throw new NonRetriableError(err.message);
    throw err;
  }
}

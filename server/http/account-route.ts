import "server-only";
/**
 * The HTTP edge of the account endpoints (`app/api/accounts/…`): reads a JSON body of at most 64 KB (413
 * beyond, never read whole; NUL and lone surrogates refused with 400 naming the field), calls the service with
 * the client address and the request's language, and answers in the API's error format (docs/architecture.md,
 * Errors): 400 VALIDATION_ERROR with `details` per field, 404 NOT_FOUND for a door that is closed, 429
 * RATE_LIMITED with `Retry-After` (RFC 6585 §4). Answers are `private, no-store`.
 */
import { errorResponse, json, readJson } from "./api-route";
import { HttpFailure } from "../services/api/contract";
import { AppError } from "../services/errors";
import { clientAddress } from "../services/security/client-address";
import { resolveLocale } from "../i18n";
import { localizeAppError, translateDetails, translateServerMessage } from "../i18n-errors";
import type { Locale } from "../../lib/i18n";

/** What a handler gets. */
export interface AccountRequest {
  body: unknown;
  /** The client address (server/services/security/client-address.ts). */
  address: string;
  /** The request's language (Accept-Language, else the platform's). */
  locale: Locale;
}

/** A route handler for POST from `handle`, whose result is the JSON body (with `status`, default 200). */
export function accountRoute(handle: (req: AccountRequest) => Promise<{ status?: number; body: unknown }>): (req: Request) => Promise<Response> {
  return async (req) => {
    const locale = resolveLocale(null, req.headers.get("accept-language"));
    // The forms show these messages: in the request's language (server/i18n-errors.ts).
    const say = (message: string) => translateServerMessage(message, locale);
    try {
      const body = await readJson(req);
      const out = await handle({ body, address: clientAddress(req), locale });
      return json(out.body, out.status ?? 200);
    } catch (err) {
      if (err instanceof AppError && err.code === "RATE_LIMITED") {
        const retryAfter = Number((err.details as { retry_after?: number } | undefined)?.retry_after ?? 60);
        return errorResponse(err.code, say(err.message), 429, { retry_after: retryAfter }, { "retry-after": String(retryAfter) });
      }
      if (err instanceof AppError) {
        const { message, details } = localizeAppError(err, locale);
        return errorResponse(err.code, message, err.status, details);
      }
      if (err instanceof HttpFailure) return errorResponse(err.code, say(err.message), err.status, translateDetails(err.details, locale));
      throw err;
    }
  };
}

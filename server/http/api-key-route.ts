import "server-only";
/**
 * The route-handler helper for host-platform endpoints (`POST /api/v1/events`): the same pipeline as
 * `apiRoute` (./api-route.ts) with an API key instead of a personal access token, and `Idempotency-Key`.
 *
 * In order: authenticate `Authorization: Bearer hrld_key_…` (401 UNAUTHORIZED when missing, malformed,
 * unknown or revoked; such requests count against the client IP's anonymous limit), count the request
 * against the key's limit ({@link API_KEY_LIMIT}, 429 RATE_LIMITED), require a valid `Idempotency-Key`
 * header (400 VALIDATION_ERROR), read the JSON body and let `parse` validate it (400 / 422, nothing stored),
 * then claim the idempotency record (server/services/api/idempotency.ts) and run `handle` once per key and body. Answers
 * use the API's error body (docs/architecture.md, Errors) and carry `cache-control: private, no-store` and `X-RateLimit-*`; a replayed
 * answer carries `Idempotent-Replayed: true`.
 */
import { z } from "zod";
import { AppError } from "../services/errors";
import { verifyApiKey, API_KEY_LIMIT, type ApiKeyPrincipal } from "../services/api/api-keys";
import { Reply, bearerToken, errorResponse, json, rateLimited, readJson, type RouteHandler } from "./api-route";
import { HttpFailure, fieldErrors } from "../services/api/contract";
import { claimIdempotencyKey, completeIdempotencyKey, eventIdFor, IDEMPOTENCY_KEY_FORMAT, releaseIdempotencyKey, requestHash } from "../services/api/idempotency";
import { ANON_LIMIT, hitRateLimit, rateLimitHeaders, type RateLimitResult } from "../services/api/rate-limit";
import { clientAddress } from "../services/security/client-address";
import { logger, requestIdOf } from "../services/log/logger";

export interface ApiKeyRouteSpec<T> {
  /** Validates the parsed JSON body; throw `AppError` / `HttpFailure` / `ZodError` to refuse it (not stored). */
  parse(body: unknown): T;
  /**
   * Runs once per (key, Idempotency-Key, body). Returns the JSON body (200) or a {@link Reply}. `eventId` is
   * a UUID fixed by the API key, Idempotency-Key and body ({@link eventIdFor}): use it as the id of what
   * the request creates, so a retry after a crash does not create it twice.
   */
  handle(req: { auth: ApiKeyPrincipal; input: T; request: Request; eventId: string }): Promise<unknown>;
}

function failure(err: unknown, headers: Record<string, string>): Response | null {
  if (err instanceof HttpFailure || err instanceof AppError) return errorResponse(err.code, err.message, err.status, err.details, headers);
  if (err instanceof z.ZodError) return errorResponse("VALIDATION_ERROR", "Invalid request body", 400, fieldErrors(err), headers);
  return null;
}

/** Builds an API-key route handler (see the module comment for what it does, in order). */
export function apiKeyRoute<T>(spec: ApiKeyRouteSpec<T>): RouteHandler<Record<string, never>> {
  return async (request) => {
    let rl: RateLimitResult | undefined;
    try {
      const secret = bearerToken(request);
      const auth = secret ? await verifyApiKey(secret) : null;
      if (!auth) {
        rl = await hitRateLimit(`ip:${clientAddress(request)}`, ANON_LIMIT);
        if (!rl.allowed) return rateLimited(rl);
        return errorResponse(
          "UNAUTHORIZED",
          secret ? "The API key is invalid or revoked" : "Authentication required: send Authorization: Bearer <API key (hrld_key_…)>",
          401,
          undefined,
          { ...rateLimitHeaders(rl), "www-authenticate": secret ? 'Bearer realm="herald", error="invalid_token"' : 'Bearer realm="herald"' },
        );
      }
      rl = await hitRateLimit(`apikey:${auth.keyId}`, API_KEY_LIMIT);
      if (!rl.allowed) return rateLimited(rl);
      const headers = rateLimitHeaders(rl);

      const idemKey = request.headers.get("idempotency-key");
      if (idemKey === null || !IDEMPOTENCY_KEY_FORMAT.test(idemKey)) {
        return errorResponse("VALIDATION_ERROR", "Send an Idempotency-Key header: 1–255 visible ASCII characters, unique per event", 400, {
          "Idempotency-Key": [idemKey === null ? "Required" : "Must be 1–255 visible ASCII characters (no spaces)"],
        }, headers);
      }
      const raw = await readJson(request);
      const input = spec.parse(raw);

      const recordKey = `apikey:${auth.keyId}:${idemKey}`;
      const hash = requestHash(raw);
      const claim = await claimIdempotencyKey(recordKey, hash);
      if (claim.kind === "mismatch") {
        return errorResponse("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was already used with a different request body", 422, { "Idempotency-Key": [idemKey] }, headers);
      }
      if (claim.kind === "in_progress") {
        return errorResponse("IDEMPOTENCY_IN_PROGRESS", "A request with this Idempotency-Key is still being processed; retry shortly", 409, undefined, { ...headers, "retry-after": "1" });
      }
      if (claim.kind === "replay") return json(claim.body, claim.status, { ...headers, "idempotent-replayed": "true" });

      let status: number;
      let body: unknown;
      try {
        const out = await spec.handle({ auth, input, request, eventId: eventIdFor(`${recordKey}:${hash}`) });
        [status, body] = out instanceof Reply ? [out.status, out.body] : [200, out];
      } catch (err) {
        const res = failure(err, headers);
        if (!res || res.status >= 500) {
          await releaseIdempotencyKey(recordKey);
          throw err;
        }
        // A refusal is the request's answer: the same key and body get it again.
        await completeIdempotencyKey(recordKey, res.status, await res.clone().json());
        return res;
      }
      await completeIdempotencyKey(recordKey, status, body);
      return json(body, status, headers);
    } catch (err) {
      const headers = rl ? rateLimitHeaders(rl) : {};
      const res = failure(err, headers);
      if (res) return res;
      logger().error({ requestId: requestIdOf(request), err, method: request.method, path: new URL(request.url).pathname }, "api request failed");
      return errorResponse("INTERNAL_ERROR", "Something went wrong on our side", 500, undefined, headers);
    }
  };
}

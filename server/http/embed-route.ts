import "server-only";
/**
 * The route-handler helper of the embeddable inbox's API (`/api/embed/v1/…`, docs/requirements.md R21).
 * One call per endpoint, like `apiRoute` (./api-route.ts), whose error body, validation and body reading
 * it shares:
 *
 * ```ts
 * export const GET = embedRoute({ query, handle: ({ auth, query }) => embedNotifications(auth.userId, query) });
 * export const OPTIONS = embedPreflight(["GET"]);
 * ```
 *
 * In order, for every request:
 * 1. embedding off (`HERALD_EMBED_SECRET` unset): 404 NOT_FOUND, nothing else;
 * 2. an `Origin` that is not exactly in `HERALD_EMBED_ORIGINS`: 403 PERMISSION_DENIED without CORS headers
 *    (a request without `Origin`, from a server, goes on: it has no page to protect);
 * 3. the spec's per-address limit, if any (channel authorization's, R6.1);
 * 4. `Authorization: Bearer <user token>` (server/services/embed/embed-auth.ts): missing or refused answers 401 UNAUTHORIZED and
 *    counts against the client address's anonymous limit, shared with `/api/v1` (100 an hour, R15.5);
 * 5. the caller's limit: by default the REST API's per-role limits (R15.5) in a bucket of the embed's own;
 * 6. strict query and JSON body validation (400 VALIDATION_ERROR naming each field, 413 over 64 KB, NUL
 *    and lone surrogates refused), then the handler.
 * Every answer is JSON with `cache-control: private, no-store`, `Vary: Origin`, `X-RateLimit-*` once counted,
 * `x-request-id`, and for an allowed origin `Access-Control-Allow-Origin` (./embed-cors.ts), errors included,
 * so the component can read them. A failure that is not the caller's is logged and answers a bare 500.
 *
 * @module
 */
import { z } from "zod";
import { AppError } from "../services/errors";
import { errorResponse, json, rateLimited, readJson, refuseBadText, Reply, bearerToken } from "./api-route";
import { fieldErrors, HttpFailure } from "../services/api/contract";
import { ANON_LIMIT, ROLE_LIMITS, hitRateLimit, rateLimitHeaders, type RateLimitResult, type RateLimitRule } from "../services/api/rate-limit";
import { clientAddress } from "../services/security/client-address";
import { observeRequest, routeLabel } from "../services/metrics/metrics";
import { logger, logRequest, requestIdOf } from "../services/log/logger";
import { authenticateEmbedToken, embedConfig, type EmbedConfig, type EmbedPrincipal } from "../services/embed/embed-auth";
import { allowedOrigin, corsHeaders, preflightResponse } from "./embed-cors";

type AnyObject = z.ZodType<Record<string, unknown>, Record<string, unknown>>;
type NoInput = z.ZodObject<Record<string, never>>;

/** What a handler gets. */
export interface EmbedRequest<Q, B> {
  auth: EmbedPrincipal;
  query: Q;
  body: B;
  request: Request;
  config: EmbedConfig;
}

export interface EmbedRouteSpec<Q extends AnyObject, B extends AnyObject> {
  /** The query string, a strict object schema (default: none allowed). */
  query?: Q;
  /** The JSON body, a strict object schema. Without it the handler may read `request` itself. */
  body?: B;
  /** Counted per client address before the token is checked: `<prefix><address>` at `rule`. */
  addressLimit?: { prefix: string; rule: RateLimitRule };
  /** The authenticated caller's bucket; default `embed:user:<id>` at the REST API's per-role limit (R15.5). */
  userLimit?: (auth: EmbedPrincipal) => { key: string; rule: RateLimitRule };
  /** Returns the JSON body (200) or a {@link Reply}. Throw `AppError` or `HttpFailure` for failures. */
  handle(req: EmbedRequest<z.output<Q>, z.output<B>>): Promise<unknown>;
}

const defaultUserLimit = (auth: EmbedPrincipal) => ({ key: `embed:user:${auth.userId}`, rule: ROLE_LIMITS[auth.role] });

function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? (all[0] ?? "") : all;
  }
  return out;
}

function validate<S extends AnyObject>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError("VALIDATION_ERROR", `Invalid ${what}`, fieldErrors(parsed.error));
  return parsed.data;
}

/** Times, logs and stamps `x-request-id` on every answer (as `apiRoute` does for `/api/v1`). */
function observed(handler: (request: Request, requestId: string) => Promise<Response>): (request: Request) => Promise<Response> {
  return async (request) => {
    const started = performance.now();
    const requestId = requestIdOf(request);
    const res = await handler(request, requestId);
    const ms = performance.now() - started;
    const route = routeLabel(new URL(request.url).pathname);
    observeRequest("api", route, request.method, res.status, ms / 1000);
    logRequest({ requestId, surface: "api", route, method: request.method, status: res.status, ms });
    res.headers.set("x-request-id", requestId);
    return res;
  };
}

const OFF = () => errorResponse("NOT_FOUND", "Not found", 404);

/**
 * Builds an embed API route handler from a spec (see the module comment for what it does, in order).
 * @returns a Next.js route handler `(request) => Response`
 */
export function embedRoute<Q extends AnyObject = NoInput, B extends AnyObject = NoInput>(spec: EmbedRouteSpec<Q, B>): (request: Request) => Promise<Response> {
  return observed(async (request, requestId) => {
    const config = embedConfig();
    if (!config) return OFF();
    const hasOrigin = request.headers.get("origin") !== null;
    const origin = allowedOrigin(request, config.origins);
    if (hasOrigin && !origin) return errorResponse("PERMISSION_DENIED", "This origin may not use the embedded inbox", 403, undefined, { vary: "Origin" });
    const cors = corsHeaders(origin);
    let rl: RateLimitResult | undefined;
    try {
      if (spec.addressLimit) {
        const byAddress = await hitRateLimit(`${spec.addressLimit.prefix}${clientAddress(request)}`, spec.addressLimit.rule);
        if (!byAddress.allowed) return withHeaders(rateLimited(byAddress), cors);
      }
      const token = bearerToken(request);
      const auth = token ? await authenticateEmbedToken(token, config) : null;
      if (!auth) {
        rl = await hitRateLimit(`ip:${clientAddress(request)}`, ANON_LIMIT);
        if (!rl.allowed) return withHeaders(rateLimited(rl), cors);
        return errorResponse(
          "UNAUTHORIZED",
          token ? "The user token is invalid or expired" : "Authentication required: send Authorization: Bearer <user token>",
          401,
          undefined,
          { ...cors, ...rateLimitHeaders(rl), "www-authenticate": token ? 'Bearer realm="herald-embed", error="invalid_token"' : 'Bearer realm="herald-embed"' },
        );
      }
      const limit = (spec.userLimit ?? defaultUserLimit)(auth);
      rl = await hitRateLimit(limit.key, limit.rule);
      if (!rl.allowed) return withHeaders(rateLimited(rl), cors);
      const url = new URL(request.url);
      const rawQuery = queryObject(url);
      refuseBadText(rawQuery, "query parameters");
      const query = validate(spec.query ?? (z.object({}).strict() as unknown as Q), rawQuery, "query parameters");
      const body = spec.body ? validate(spec.body, await readJson(request), "request body") : ({} as z.output<B>);
      const out = await spec.handle({ auth, query, body, request, config });
      const headers = { ...cors, ...rateLimitHeaders(rl) };
      return out instanceof Reply ? json(out.body, out.status, headers) : json(out, 200, headers);
    } catch (err) {
      const headers = { ...cors, ...(rl ? rateLimitHeaders(rl) : {}) };
      if (err instanceof AppError || err instanceof HttpFailure) return errorResponse(err.code, err.message, err.status, err.details, headers);
      if (err instanceof z.ZodError) return errorResponse("VALIDATION_ERROR", "Invalid request", 400, fieldErrors(err), headers);
      logger().error({ requestId, err, method: request.method, path: new URL(request.url).pathname }, "embed request failed");
      return errorResponse("INTERNAL_ERROR", "Something went wrong on our side", 500, undefined, headers);
    }
  });
}

/**
 * The `OPTIONS` handler of an embed endpoint taking `methods` (./embed-cors.ts `preflightResponse`); 404
 * while embedding is off.
 */
export function embedPreflight(methods: readonly string[]): (request: Request) => Promise<Response> {
  return async (request) => {
    const config = embedConfig();
    if (!config) return OFF();
    return preflightResponse(request, config.origins, methods);
  };
}

function withHeaders(res: Response, headers: Record<string, string>): Response {
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  return res;
}

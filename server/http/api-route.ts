import "server-only";
/**
 * The HTTP API's route-handler helper (`/api/v1`, docs/requirements.md R15.4–R15.7). One call per endpoint:
 *
 * ```ts
 * export const GET = apiRoute({ scope: "notifications:read", query: listQuery, handle: ({ auth, query }) => … });
 * ```
 *
 * In order, for every request: authenticate `Authorization: Bearer <personal access token>` (401
 * UNAUTHORIZED when missing, malformed, unknown, revoked or expired; such requests count against the
 * client IP's anonymous limit), count the request against the token's per-role limit (429 RATE_LIMITED
 * with `Retry-After`), check the endpoint's scope (403 PERMISSION_DENIED), validate path params, query and
 * JSON body with strict zod schemas (400 VALIDATION_ERROR, `details` per field), call the handler (which
 * calls `server/services`), and answer JSON with `cache-control: private, no-store` and `X-RateLimit-*` headers.
 * Request hygiene (issue 12): a body over {@link MAX_BODY_BYTES} answers 413 PAYLOAD_TOO_LARGE without
 * being read whole; NUL (U+0000) or a lone surrogate in any string of the body, query or path answers 400
 * VALIDATION_ERROR naming the field, before the schema runs.
 * Errors use the API's error body (docs/architecture.md, Errors) `{ "error": { "code", "message", "details"? } }`; an `AppError` answers
 * its own status (server/services/errors.ts); anything else is logged and answers a generic 500, never a
 * stack trace.
 *
 * Host-platform endpoints (`POST /api/v1/events`: an `ApiKey` instead of a token, and `Idempotency-Key`
 * replays from `IdempotencyRecord`) use `apiKeyRoute` (./api-key-route.ts), built from the helpers exported here.
 * What needs no `Request` or `Response` (the body limit, `HttpFailure`, `fieldErrors`, the parameter schemas)
 * lives in server/services/api/contract.ts, so services can use it without importing this layer.
 */
import { z } from "zod";
import { AppError } from "../services/errors";
import { fieldErrors, HttpFailure, MAX_BODY_BYTES } from "../services/api/contract";
import { PRIVATE_NO_STORE } from "./cache";
import { badTextDetails, BodyEncodingError, BodyTooLargeError, findBadText, readBodyText } from "./input-hygiene";
import { ANON_LIMIT, ROLE_LIMITS, hitRateLimit, rateLimitHeaders, type RateLimitResult } from "../services/api/rate-limit";
import { clientAddress } from "../services/security/client-address";
import { verifyToken, type TokenPrincipal, type TokenScope } from "../services/api/tokens";
import { authenticateEmbedToken, embedConfig } from "../services/embed/embed-auth";
import { observeRequest, routeLabel } from "../services/metrics/metrics";
import { logger, logRequest, requestIdOf } from "../services/log/logger";

/** A handler's answer with a status other than 200 (e.g. 201 Created). */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

type AnyObject = z.ZodType<Record<string, unknown>, Record<string, unknown>>;
type NoInput = z.ZodObject<Record<string, never>>;

export interface ApiRequest<Q, B, P> {
  auth: TokenPrincipal;
  query: Q;
  body: B;
  params: P;
  request: Request;
  url: URL;
}

export interface ApiRouteSpec<Q extends AnyObject, B extends AnyObject, P extends AnyObject> {
  /** The scope the token needs. */
  scope: TokenScope;
  /** Path params (dynamic segments); a strict object schema. */
  params?: P;
  /** Query string (each key once; repeated keys fail validation); a strict object schema. */
  query?: Q;
  /** JSON body; a strict object schema. An empty body is validated as `{}`. Without it, bodies are ignored. */
  body?: B;
  /**
   * Also accept the platform's signed user token (the embeddable inbox's, docs/requirements.md R21.2) in
   * place of a personal access token, with this route's scope: for what a platform's own app does for the
   * person signed in to it (registering its devices, R24.1).
   */
  userToken?: boolean;
  /** Returns the JSON body (200) or a {@link Reply}. Throw `AppError` for failures. */
  handle(req: ApiRequest<z.output<Q>, z.output<B>, z.output<P>>): Promise<unknown>;
}

/** The person a platform's user token names, allowed `scope` only; null when embedding is off or the token fails. */
async function userTokenPrincipal(token: string, scope: TokenScope): Promise<TokenPrincipal | null> {
  const config = embedConfig();
  const who = config ? await authenticateEmbedToken(token, config) : null;
  return who ? { kind: "user_token", tokenId: `user:${who.userId}`, userId: who.userId, role: who.role, scopes: [scope] } : null;
}

/** A Next.js route handler: `(request, { params })`. The context is optional for static routes. */
export type RouteHandler<P> = (request: Request, context?: { params: Promise<P> }) => Promise<Response>;

const BASE_HEADERS = { "cache-control": PRIVATE_NO_STORE } as const;

/** A JSON response with `cache-control: private, no-store` (every /api/v1 answer is per caller). */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...BASE_HEADERS, ...headers } });
}

/** The error body (docs/architecture.md, Errors). */
export function errorResponse(code: string, message: string, status: number, details?: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return json({ error: { code, message, ...(details ? { details } : {}) } }, status, headers);
}

function validate<S extends AnyObject>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError("VALIDATION_ERROR", `Invalid ${what}`, fieldErrors(parsed.error));
  return parsed.data;
}

function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length === 1 ? (all[0] ?? "") : all;
  }
  return out;
}

/**
 * Reads a JSON body of at most {@link MAX_BODY_BYTES} bytes (an empty body is `{}`).
 * @throws HttpFailure 413 PAYLOAD_TOO_LARGE past the limit (declared or counted while streaming; the body
 *   is never read whole); AppError VALIDATION_ERROR when it is not UTF-8, not JSON, or a string in it
 *   (key or value) contains NUL or a lone surrogate (`details` names each field: `{ "title": [...] }`)
 */
export async function readJson(request: Request): Promise<unknown> {
  let text: string;
  try {
    text = await readBodyText(request, MAX_BODY_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new HttpFailure(413, "PAYLOAD_TOO_LARGE", `Request body is larger than ${MAX_BODY_BYTES} bytes`);
    if (err instanceof BodyEncodingError) throw new AppError("VALIDATION_ERROR", "Request body must be UTF-8 JSON", { body: ["not valid UTF-8"] });
    throw err;
  }
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new AppError("VALIDATION_ERROR", "Request body must be JSON", { body: ["not valid JSON"] });
  }
  refuseBadText(value, "request body");
  return value;
}

/**
 * Throws when any string in `value` (keys included) holds NUL or a lone surrogate (issue 12).
 * @param what for the message: "request body", "query parameters", "path"
 * @throws AppError VALIDATION_ERROR with `details` `{ <field path>: [message] }`
 */
export function refuseBadText(value: unknown, what: string): void {
  const found = findBadText(value);
  if (found.length) throw new AppError("VALIDATION_ERROR", `Invalid ${what}: text must not contain NUL characters or unpaired surrogates`, badTextDetails(found));
}

/** The bearer token of a request, or null. */
export function bearerToken(request: Request): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  return m?.[1] ?? null;
}

/** A 429 for a refused rate-limit result. */
export function rateLimited(rl: RateLimitResult): Response {
  return errorResponse("RATE_LIMITED", `Too many requests. Try again in ${rl.retryAfter} seconds.`, 429, { limit: rl.limit, retry_after: rl.retryAfter }, rateLimitHeaders(rl));
}

/**
 * Builds a route handler from a spec (see the module comment for what it does, in order).
 * @example export const GET = apiRoute({ scope: "notifications:read", handle: async ({ auth }) => ({ unread_count: await countUnread(auth.userId) }) });
 */
export function apiRoute<Q extends AnyObject = NoInput, B extends AnyObject = NoInput, P extends AnyObject = NoInput>(
  spec: ApiRouteSpec<Q, B, P>,
): RouteHandler<z.input<P>> {
  const handler = async (request: Request, context: Parameters<RouteHandler<z.input<P>>>[1], requestId: string): Promise<Response> => {
    let rl: RateLimitResult | undefined;
    try {
      const token = bearerToken(request);
      const auth = token ? ((await verifyToken(token)) ?? (spec.userToken ? await userTokenPrincipal(token, spec.scope) : null)) : null;
      if (!auth) {
        rl = await hitRateLimit(`ip:${clientAddress(request)}`, ANON_LIMIT);
        if (!rl.allowed) return rateLimited(rl);
        return errorResponse(
          "UNAUTHORIZED",
          token ? "The access token is invalid, revoked or expired" : "Authentication required: send Authorization: Bearer <personal access token>",
          401,
          undefined,
          { ...rateLimitHeaders(rl), "www-authenticate": token ? 'Bearer realm="herald", error="invalid_token"' : 'Bearer realm="herald"' },
        );
      }
      rl = await hitRateLimit(`pat:${auth.tokenId}`, ROLE_LIMITS[auth.role]);
      if (!rl.allowed) return rateLimited(rl);
      if (!auth.scopes.includes(spec.scope)) {
        return errorResponse("PERMISSION_DENIED", `This token lacks the "${spec.scope}" scope`, 403, { required_scope: spec.scope }, {
          ...rateLimitHeaders(rl),
          "www-authenticate": `Bearer realm="herald", error="insufficient_scope", scope="${spec.scope}"`,
        });
      }
      const url = new URL(request.url);
      const rawParams = (await context?.params) ?? {};
      refuseBadText(rawParams, "path");
      const params = spec.params ? validate(spec.params, rawParams, "path") : ({} as z.output<P>);
      const rawQuery = queryObject(url);
      refuseBadText(rawQuery, "query parameters");
      const query = validate(spec.query ?? (z.object({}).strict() as unknown as Q), rawQuery, "query parameters");
      const body = spec.body ? validate(spec.body, await readJson(request), "request body") : ({} as z.output<B>);
      const out = await spec.handle({ auth, query, body, params, request, url });
      return out instanceof Reply ? json(out.body, out.status, rateLimitHeaders(rl)) : json(out, 200, rateLimitHeaders(rl));
    } catch (err) {
      const headers = rl ? rateLimitHeaders(rl) : {};
      if (err instanceof AppError || err instanceof HttpFailure) return errorResponse(err.code, err.message, err.status, err.details, headers);
      if (err instanceof z.ZodError) return errorResponse("VALIDATION_ERROR", "Invalid request", 400, fieldErrors(err), headers);
      logger().error({ requestId, err, method: request.method, path: routeLabel(new URL(request.url).pathname) }, "api request failed");
      return errorResponse("INTERNAL_ERROR", "Something went wrong on our side", 500, undefined, headers);
    }
  };
  // Every answer, refusals included, is timed (herald_http_request_duration_seconds), logged with its
  // request id, and carries that id in `x-request-id`.
  return async (request, context) => {
    const started = performance.now();
    const requestId = requestIdOf(request);
    const res = await handler(request, context, requestId);
    const ms = performance.now() - started;
    const route = routeLabel(new URL(request.url).pathname);
    observeRequest("api", route, request.method, res.status, ms / 1000);
    logRequest({ requestId, surface: "api", route, method: request.method, status: res.status, ms });
    res.headers.set("x-request-id", requestId);
    return res;
  };
}

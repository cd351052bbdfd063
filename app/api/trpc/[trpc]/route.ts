/**
 * The tRPC endpoint (fetch adapter). Before a procedure runs, every request goes through the request
 * hygiene of issue 12 (server/http/):
 *
 * - a mutation (POST) from another site or origin answers 403 FORBIDDEN (server/http/request-origin.ts);
 * - a body over {@link TRPC_MAX_BODY_BYTES} answers 413 PAYLOAD_TOO_LARGE, refused on `Content-Length`
 *   or after counting the streamed bytes up to the limit, never read whole; a body that is not UTF-8 or
 *   not JSON answers 400;
 * - a string anywhere in the input (a mutation's body, a query's `input` parameter) with NUL (U+0000) or a
 *   lone surrogate answers 400 BAD_REQUEST naming the field (`data.details: { title: [...] }`,
 *   `data.appCode: "VALIDATION_ERROR"`), for every call of a batch, before any zod parse;
 * - every answer carries `Cache-Control: private, no-store` (answers are per user) and `x-request-id`, the id its
 *   log lines carry (server/services/log/logger.ts).
 *
 * The refusals use the app's own tRPC error shape (server/trpc/init.ts's errorFormatter, superjson), so
 * the client reads them like any other TRPCClientError.
 */
import { getErrorShape, TRPCError, transformTRPCResponse } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/trpc/root";
import { createContext } from "@/server/trpc/init";
import { env } from "@/server/env";
import { AppError } from "@/server/services/errors";
import { PRIVATE_NO_STORE } from "@/server/http/cache";
import { crossSiteMessage, crossSiteVerdict } from "@/server/http/request-origin";
import { badTextDetails, BodyEncodingError, BodyTooLargeError, findBadText, readBodyText, textProblemMessage } from "@/server/http/input-hygiene";
import { logger, requestIdOf } from "@/server/services/log/logger";

/** Largest tRPC request body (bytes): 1 MiB, far above any form Herald has (campaign bodies are ≤ 50 000 characters). */
const TRPC_MAX_BODY_BYTES = 1024 * 1024;

const ENDPOINT = "/api/trpc";

/** The procedure paths a request names (`/api/trpc/a.b,c.d`) and whether it is a batch. */
function callsOf(req: Request): { paths: string[]; batch: boolean } {
  const url = new URL(req.url);
  const raw = decodeURIComponent(url.pathname.slice(url.pathname.indexOf(ENDPOINT) + ENDPOINT.length + 1));
  const batch = url.searchParams.get("batch") === "1";
  return { paths: batch ? raw.split(",") : [raw], batch };
}

/** A refusal in the app's tRPC error shape, one entry per call of a batch. */
function refuse(req: Request, error: TRPCError, headers: Record<string, string> = {}): Response {
  const { paths, batch } = callsOf(req);
  const config = appRouter._def._config;
  const items = paths.map((path) => ({
    error: getErrorShape({ config, error, type: req.method === "POST" ? "mutation" : "query", path, input: undefined, ctx: undefined }),
  }));
  const body = transformTRPCResponse(config, batch ? items : items[0]!);
  const status = error.code === "PAYLOAD_TOO_LARGE" ? 413 : error.code === "FORBIDDEN" ? 403 : 400;
  return Response.json(body, { status, headers: { "cache-control": PRIVATE_NO_STORE, ...headers } });
}

/** A 400 naming the fields with NUL or lone surrogates; `input` is the parsed JSON of the call(s). */
function badTextRefusal(req: Request, input: unknown, batch: boolean): Response | null {
  // Batch: { "0": { json: {...} }, "1": … }; single: { json: {...} } (superjson). Paths are reported from
  // inside `json`, as zod would name them (`title`, `items.0.name`).
  const found = findBadText(input).map((f) => ({ ...f, path: f.path.split(".").slice(batch ? 2 : 1).join(".") }));
  if (found.length === 0) return null;
  const details = badTextDetails(found, "input");
  const [first] = found;
  const message = `Invalid input: ${first!.path || "input"} ${textProblemMessage(first!.problem)}`;
  return refuse(req, new TRPCError({ code: "BAD_REQUEST", message, cause: new AppError("VALIDATION_ERROR", message, details) }));
}

async function handler(req: Request): Promise<Response> {
  const requestId = requestIdOf(req);
  const res = await answer(req, requestId);
  res.headers.set("x-request-id", requestId);
  return res;
}

async function answer(req: Request, requestId: string): Promise<Response> {
  const { batch } = callsOf(req);
  let forward = req;
  if (req.method === "POST") {
    const verdict = crossSiteVerdict(req, env("app").APP_URL);
    if (verdict) return refuse(req, new TRPCError({ code: "FORBIDDEN", message: crossSiteMessage(verdict) }));
    let text: string;
    try {
      text = await readBodyText(req, TRPC_MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return refuse(req, new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: err.message }), { connection: "close" });
      if (err instanceof BodyEncodingError) return refuse(req, new TRPCError({ code: "BAD_REQUEST", message: err.message }));
      throw err;
    }
    let input: unknown;
    try {
      input = text.trim() === "" ? undefined : JSON.parse(text);
    } catch {
      return refuse(req, new TRPCError({ code: "PARSE_ERROR", message: "The request body is not JSON" }));
    }
    const bad = badTextRefusal(req, input, batch);
    if (bad) return bad;
    const headers = new Headers(req.headers);
    headers.delete("content-length"); // the body is now the decoded text
    forward = new Request(req.url, { method: "POST", headers, body: text, signal: req.signal });
  } else {
    const raw = new URL(req.url).searchParams.get("input");
    if (raw !== null) {
      let input: unknown;
      try {
        input = JSON.parse(raw);
      } catch {
        input = undefined; // tRPC answers its own PARSE_ERROR
      }
      const bad = badTextRefusal(req, input, batch);
      if (bad) return bad;
    }
  }
  return fetchRequestHandler({
    endpoint: ENDPOINT,
    req: forward,
    router: appRouter,
    createContext: (opts) => createContext({ resHeaders: opts.resHeaders, requestId }),
    responseMeta: () => ({ headers: { "cache-control": PRIVATE_NO_STORE } }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") logger().error({ requestId, path, err: error.cause ?? error }, "trpc procedure failed");
    },
  });
}

export { handler as GET, handler as POST };

import "server-only";
/**
 * tRPC setup (docs/architecture.md, "Layers" and "Errors"; docs/requirements.md R1.1, R15.4): context from
 * the next-auth session; `publicProcedure`, `protectedProcedure`, `businessProcedure`, `adminProcedure`
 * narrow `ctx.user`. AppError codes map to tRPC codes here, once.
 * Stack traces never reach the browser.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { headers } from "next/headers";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { AppError, type ErrorCode } from "../services/errors";
import { currentUser } from "../auth";
import { hitRateLimit, PUBLIC_LIMITS } from "../services/api/rate-limit";
import { observeRequest } from "../services/metrics/metrics";
import { logRequest } from "../services/log/logger";
import { platformLocale, resolveLocale } from "../i18n";
import type { Locale } from "../../lib/i18n";
import { issueMessage, translateDetails, translateServerMessage } from "../i18n-errors";

/** `locale`: the language the person chose (`users.locale`), null when never chosen; it words their errors. */
export type SessionUser = { id: string; role: "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN"; name?: string | null; email?: string | null; locale?: string | null };

export interface Context {
  user: SessionUser | null;
  /** The response's headers (the fetch adapter's `resHeaders`): middlewares add e.g. `Retry-After`. */
  resHeaders?: Headers;
  /** The HTTP request's id (server/services/log/logger.ts); absent for server-side callers. */
  requestId?: string;
  /** The request's `Accept-Language`: the language of errors for someone who never chose one (server/i18n.ts). */
  acceptLanguage?: string | null;
}

/** Context for the fetch adapter (app/api/trpc/[trpc]/route.ts), which passes its `resHeaders` and the request id. */
export async function createContext(opts?: { resHeaders?: Headers; requestId?: string }): Promise<Context> {
  return { user: await currentUser(), resHeaders: opts?.resHeaders, requestId: opts?.requestId, acceptLanguage: await requestAcceptLanguage() };
}

/** The request's `Accept-Language` (next/headers, like the session cookie); null outside a request. */
async function requestAcceptLanguage(): Promise<string | null> {
  try {
    return (await headers()).get("accept-language");
  } catch {
    return null;
  }
}

const TRPC_CODE: Record<ErrorCode, TRPCError["code"]> = {
  VALIDATION_ERROR: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  PERMISSION_DENIED: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  BUSINESS_NOT_FOUND: "NOT_FOUND",
  ALREADY_FOLLOWING: "CONFLICT",
  CONFLICT: "CONFLICT",
  FOLLOW_LIMIT_REACHED: "UNPROCESSABLE_CONTENT",
  NOTIFICATION_LIMIT_EXCEEDED: "UNPROCESSABLE_CONTENT",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  DELIVERY_FAILED: "INTERNAL_SERVER_ERROR",
};

/**
 * Errors reach the browser in the reader's language (server/i18n-errors.ts): `message` and the field
 * messages of `data.details`. The reader is the signed-in user's choice, else the request's
 * Accept-Language, else the platform's language; without a context (a request refused before one exists)
 * the platform's. Codes (`code`, `appCode`, `details.reason`) never change.
 */
/**
 * An input that failed its zod schema, for the reader: each field's messages in `locale` ({@link issueMessage}),
 * and the first of them as the error's message (zod's own message is the issues as JSON).
 */
function zodErrorWording(zod: ZodError, locale: Locale): { message: string; details: Record<string, string[] | undefined> } {
  const fields = z.flattenError(zod, (issue) => issueMessage(issue, locale));
  const details: Record<string, string[] | undefined> = fields.fieldErrors;
  const first = fields.formErrors[0] ?? Object.values(details).find((m) => m?.length)?.[0];
  return { message: first ?? translateServerMessage("Check the form", locale), details };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error, ctx }) {
    const app = error.cause instanceof AppError ? error.cause : null;
    const zod = error.cause instanceof ZodError ? error.cause : null;
    const locale = ctx ? resolveLocale(ctx.user?.locale, ctx.acceptLanguage) : platformLocale();
    const message = error.code === "INTERNAL_SERVER_ERROR" && !app ? "Something went wrong on our side" : shape.message;
    const worded = zod ? zodErrorWording(zod, locale) : { message: translateServerMessage(message, locale), details: translateDetails(app?.details ?? null, locale) };
    return {
      ...shape,
      message: worded.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        appCode: app?.code ?? (zod ? "VALIDATION_ERROR" : null),
        details: worded.details,
      },
    };
  },
});

/** Turns domain errors into tRPC errors (one place). */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
  }
  return result;
});

/**
 * Times every procedure (herald_http_request_duration_seconds) and logs it with the request id; status is
 * "ok" or the tRPC error code.
 */
const timed = t.middleware(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  let status = "ok";
  try {
    const result = await next();
    if (!result.ok) status = result.error.code;
    return result;
  } catch (err) {
    status = err instanceof TRPCError ? err.code : "INTERNAL_SERVER_ERROR";
    throw err;
  } finally {
    const ms = performance.now() - started;
    observeRequest("trpc", path, type, status, ms / 1000);
    logRequest({ requestId: ctx.requestId ?? "server", surface: "trpc", route: path, method: type, status, ms });
  }
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(timed).use(appErrors);

/**
 * Signed-in users only; their mutations are rate limited per user (issue 12 "Rate limits everywhere a
 * stranger can knock"; `PUBLIC_LIMITS.trpcMutation`, 120 a minute, counted in the database so every app
 * process shares it). Past it a mutation fails with TOO_MANY_REQUESTS (HTTP 429, RFC 6585 §4) and
 * `Retry-After` (seconds) on the response; queries are not counted.
 */
export const protectedProcedure = publicProcedure.use(async ({ ctx, type, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  if (type === "mutation") {
    const rl = await hitRateLimit(`trpc:user:${ctx.user.id}`, PUBLIC_LIMITS.trpcMutation);
    if (!rl.allowed) {
      ctx.resHeaders?.set("retry-after", String(rl.retryAfter));
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: rl.retryAfter === 1 ? "Too many changes in a short time. Try again in 1 second." : `Too many changes in a short time. Try again in ${rl.retryAfter} seconds.` });
    }
  }
  return next({ ctx: { user: ctx.user } });
});

export const businessProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "BUSINESS") throw new TRPCError({ code: "FORBIDDEN", message: "Only business accounts can do this" });
  return next({ ctx });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "ADMIN") throw new TRPCError({ code: "FORBIDDEN", message: "Only admins can do this" });
  return next({ ctx });
});

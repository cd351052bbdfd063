/**
 * Typed domain errors (docs/architecture.md, "Errors"). Services throw `AppError`; tRPC (server/trpc/init.ts) and the HTTP API
 * map the code to their status in one place. Codes and HTTP statuses follow docs/requirements.md R15.4.
 */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  BUSINESS_NOT_FOUND: 404,
  ALREADY_FOLLOWING: 409,
  CONFLICT: 409,
  FOLLOW_LIMIT_REACHED: 422,
  NOTIFICATION_LIMIT_EXCEEDED: 422,
  RATE_LIMITED: 429,
  DELIVERY_FAILED: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A failure the caller can act on: `code` is stable (docs/requirements.md R15.4), `message` is for people. */
export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: Record<string, unknown>,
    /** `cause`: what failed underneath, e.g. the `ZodError` of a failed parse (the edges word its issues for the reader). */
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "AppError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Shorthand for the NOT_FOUND answer that also covers "exists but belongs to someone else" (docs/requirements.md R1.1). */
export function notFound(what: string): AppError {
  return new AppError("NOT_FOUND", `${what} not found`);
}

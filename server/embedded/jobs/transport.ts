/**
 * How the executor talks to the app's `serve()` handler: in-process (a `(Request) => Promise<Response>`)
 * or over HTTP (`appUrl`). Every request is signed and every answer's signature is verified
 * (`signature.ts`); an answer that is unsigned or badly signed is refused like a network failure
 * (docs/protocols.md "Modes and signing"; SDK_SPEC.md §4.1).
 *
 * - {@link Transport.sync}: in-band sync, `PUT` with `x-inngest-sync-kind: in_band` and body `{url}`
 *   (docs/protocols.md "The serve endpoint").
 * - {@link Transport.call}: a call request, `POST ?fnId=<fn>&stepId=<step|hashed id>`, interpreted per the
 *   answer table of docs/protocols.md "A call" into a {@link CallOutcome}.
 */
import { Agent } from "undici";
import { signRequestBody, verify } from "./signature";
import {
  headers as h,
  inBandSyncResponseSchema,
  opsSchema,
  toSerializedError,
  type CallRequestBody,
  type InBandSyncResponse,
  type Op,
  type SerializedError,
} from "./protocol";

/**
 * Default limit of one call to the app over HTTP, in ms: 2 h 5 min. Inngest lets a step run for up to 2 h
 * (https://www.inngest.com/docs/usage-limits/inngest "Timeout"); the HTTP client must not give up sooner
 * (Node's fetch stops waiting for headers or body after 300 s by default), or the executor would retry a
 * step whose first attempt is still running in the app.
 */
export const DEFAULT_CALL_TIMEOUT_MS = (2 * 60 + 5) * 60 * 1000;

/** The serve URL used in-process when no `appUrl` is given (never dialled; the SDK only echoes it). */
export const IN_PROCESS_SERVE_URL = "http://herald.embedded/api/inngest";

/** What one call request produced. */
export type CallOutcome =
  /** 200: the run finished with `data` (the function's return value). */
  | { kind: "done"; data: unknown; version?: number }
  /** 206: ops to record or run. */
  | { kind: "ops"; ops: Op[]; version?: number; retryAfterMs?: number }
  /**
   * 500/400 from the function, or a failure to get a trustworthy answer (network, 401, bad signature,
   * unexpected status or body). `retriable: false` only with `x-inngest-no-retry: true`.
   */
  | { kind: "error"; retriable: boolean; error: SerializedError; retryAfterMs?: number; version?: number };

/** Talks to one app's serve handler. */
export interface Transport {
  /** The serve URL reported to the SDK at sync. */
  readonly serveUrl: string;
  /**
   * In-band sync.
   * @throws with a clear message when the handler is unreachable, refuses the signature (401), is not in
   * cloud mode, or answers without a valid signature.
   */
  sync(signal?: AbortSignal): Promise<InBandSyncResponse>;
  /** One call request. Never throws except on `signal` abort (then rejects with the abort reason). */
  call(fnId: string, stepId: string, body: CallRequestBody, signal?: AbortSignal): Promise<CallOutcome>;
  /** Closes the HTTP client's idle connections (nothing in-process). */
  close(): Promise<void>;
}

/** Parses `retry-after`: integer seconds, or an HTTP/ISO date. Returns a delay in ms (≥ 0), wall clock. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function infraError(message: string): CallOutcome {
  return { kind: "error", retriable: true, error: { name: "ExecutorCallError", message } };
}

/**
 * Creates a transport.
 * @param opts.handler in-process handler (takes precedence over `appUrl`).
 * @param opts.appUrl absolute URL of the app's `/api/inngest` endpoint.
 * @param opts.callTimeoutMs over HTTP, how long one request may wait for the answer's headers and between
 *   body chunks, in ms (default {@link DEFAULT_CALL_TIMEOUT_MS}); past it the call is a retriable error.
 * @throws when neither is given.
 */
export function createTransport(opts: {
  handler?: (req: Request) => Promise<Response>;
  appUrl?: string;
  signingKey: string;
  callTimeoutMs?: number;
}): Transport {
  const { handler, appUrl, signingKey } = opts;
  if (!handler && !appUrl) throw new Error("herald jobs executor: give either `handler` (in-process) or `appUrl` (HTTP)");
  const serveUrl = appUrl ?? IN_PROCESS_SERVE_URL;
  const callTimeoutMs = opts.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  // undici (the library behind Node's fetch), pinned: its Agent is how fetch's timeouts are set.
  const dispatcher = handler ? undefined : new Agent({ headersTimeout: callTimeoutMs, bodyTimeout: callTimeoutMs });

  /**
   * Sends one request and reads its answer. A request is given a signal of its own, linked to `signal` only
   * until its answer is read: fetch (undici) keeps its abort listener on the signal it is given until the
   * request is garbage-collected, and the executor's one long-lived signal would collect thousands.
   * Rejects with `signal`'s reason once it aborts (an in-process handler cannot be cancelled: its answer is
   * then discarded).
   */
  async function exchange(url: string, init: RequestInit, signal?: AbortSignal): Promise<{ res: Response; text: string }> {
    if (signal?.aborted) throw signal.reason;
    const own = new AbortController();
    let rejectAborted: (reason: unknown) => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => (rejectAborted = reject));
    aborted.catch(() => undefined);
    const onAbort = () => {
      own.abort(signal?.reason);
      rejectAborted(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const res = await Promise.race([
        handler ? handler(new Request(url, init)) : fetch(url, { ...init, signal: own.signal, dispatcher } as RequestInit),
        aborted,
      ]);
      return { res, text: await Promise.race([res.text(), aborted]) };
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  function signedInit(method: string, bodyText: string, extra: Record<string, string> = {}): RequestInit {
    return {
      method,
      body: bodyText,
      headers: {
        "content-type": "application/json",
        [h.signature]: signRequestBody(bodyText, signingKey),
        [h.serverKind]: "cloud",
        ...extra,
      },
    };
  }

  return {
    serveUrl,

    async close() {
      await dispatcher?.close();
    },

    async sync(signal) {
      const bodyText = JSON.stringify({ url: serveUrl });
      let res: Response;
      let text: string;
      try {
        ({ res, text } = await exchange(serveUrl, signedInit("PUT", bodyText, { [h.syncKind]: "in_band" }), signal));
      } catch (err) {
        if (signal?.aborted) throw err;
        throw new Error(`herald jobs executor: cannot reach the app's serve handler at ${serveUrl}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      if (res.status === 401) {
        throw new Error(
          `herald jobs executor: the app's serve handler refused the executor's signature (401). ` +
            `The app's INNGEST_SIGNING_KEY must equal the executor's signing key.`,
        );
      }
      if (!res.ok) throw new Error(`herald jobs executor: in-band sync failed: HTTP ${res.status}: ${text.slice(0, 500)}`);
      const check = verify({ header: res.headers.get(h.signature), bodyText: text, signingKey });
      if (!check.ok) {
        throw new Error(
          `herald jobs executor: refused the sync answer: ${check.reason}. The app's serve handler must run in ` +
            `cloud mode (INNGEST_DEV unset, isDev not true) with the executor's signing key.`,
        );
      }
      if (res.headers.get(h.syncKind) !== "in_band") {
        throw new Error(
          `herald jobs executor: the serve handler did not answer the in-band sync in band ` +
            `(is INNGEST_ALLOW_IN_BAND_SYNC set to false?)`,
        );
      }
      let parsed: InBandSyncResponse;
      try {
        parsed = inBandSyncResponseSchema.parse(JSON.parse(text));
      } catch (err) {
        throw new Error(`herald jobs executor: malformed in-band sync answer: ${(err as Error).message}`, { cause: err });
      }
      if (parsed.inspection?.mode !== undefined && parsed.inspection.mode !== "cloud") {
        throw new Error(`herald jobs executor: the app's serve handler is in "${parsed.inspection.mode}" mode; it must be in cloud mode`);
      }
      return parsed;
    },

    async call(fnId, stepId, body, signal) {
      const url = new URL(serveUrl);
      url.searchParams.set("fnId", fnId);
      url.searchParams.set("stepId", stepId);
      let res: Response;
      let text: string;
      try {
        ({ res, text } = await exchange(url.toString(), signedInit("POST", JSON.stringify(body)), signal));
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        return infraError(`could not call the app's serve handler: ${(err as Error).message}`);
      }
      if (res.status === 401) {
        return infraError("the app's serve handler refused the executor's signature (401): signing keys differ");
      }
      const check = verify({ header: res.headers.get(h.signature), bodyText: text, signingKey });
      if (!check.ok) return infraError(`refused the SDK's answer (HTTP ${res.status}): ${check.reason}`);
      const versionHeader = Number(res.headers.get(h.requestVersion));
      const version = Number.isInteger(versionHeader) && versionHeader > 0 ? versionHeader : undefined;
      const retryAfterMs = parseRetryAfter(res.headers.get(h.retryAfter));
      let parsedBody: unknown;
      try {
        parsedBody = text === "" ? null : (JSON.parse(text) as unknown);
      } catch {
        return infraError(`the SDK answered HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
      }
      if (res.status === 200) return { kind: "done", data: parsedBody, version };
      if (res.status === 206) {
        const ops = opsSchema.safeParse(parsedBody);
        if (!ops.success) return infraError(`the SDK answered 206 with malformed ops: ${ops.error.message}`);
        return { kind: "ops", ops: ops.data, version, retryAfterMs };
      }
      if (res.status === 500 || res.status === 400) {
        const noRetry = res.headers.get(h.noRetry) === "true";
        return {
          kind: "error",
          retriable: !noRetry,
          error: toSerializedError(parsedBody, `the function failed (HTTP ${res.status})`),
          retryAfterMs,
          version,
        };
      }
      return infraError(`unexpected HTTP ${res.status} from the app's serve handler: ${text.slice(0, 200)}`);
    },
  };
}

/**
 * Request hygiene shared by tRPC (app/api/trpc/[trpc]/route.ts) and the HTTP API (server/http/api-route.ts),
 * issue 12 "Request hygiene":
 *
 * - Text that PostgreSQL cannot store or that is not Unicode — U+0000 (NUL: PostgreSQL's `text` refuses it,
 *   error 22021) and lone UTF-16 surrogates (U+D800–U+DFFF without their pair: not Unicode scalar values,
 *   RFC 8259 §8.2, and silently turned into U+FFFD on the way to the database) — is refused with 400 and the
 *   field named, before any schema parse, instead of failing as a 500 deep in a query.
 * - Bodies are read with a byte limit: `Content-Length` first, then the bytes are counted while streaming,
 *   and reading stops at the limit (413), so an oversized body is never held whole in memory.
 * - Bodies must be UTF-8 (RFC 8259 §8.1); invalid byte sequences are refused rather than replaced.
 */

/** What is wrong with one string of an input. */
export type TextProblem = "nul" | "lone_surrogate";

/** One offending string: its dotted path in the input (`title`, `items.2.name`; `""` for the root) and why. */
export interface BadText {
  path: string;
  problem: TextProblem;
}

/** A person-readable message for a problem (used in `details` and error messages). */
export function textProblemMessage(problem: TextProblem): string {
  return problem === "nul" ? "must not contain NUL characters (U+0000)" : "must not contain unpaired UTF-16 surrogates (not valid Unicode)";
}

/** The first problem in one string, or null. Linear in its length. */
export function stringProblem(s: string): TextProblem | null {
  if (s.includes("\u0000")) return "nul";
  // ES2024 String.prototype.isWellFormed (Node ≥ 20): false exactly when a lone surrogate is present.
  if (!s.isWellFormed()) return "lone_surrogate";
  return null;
}

const MAX_DEPTH = 64;

/**
 * Walks a parsed JSON value (objects, arrays, strings; keys too) and returns every string that is not
 * storable text, at most `limit` of them.
 * @param prefix path segments to prepend (e.g. none for a REST body)
 * @param limit stop after this many findings (default 20)
 * @returns findings in document order; `[]` when the value is clean. Values nested deeper than 64 levels
 *   are not looked at (the schemas refuse such inputs anyway).
 */
export function findBadText(value: unknown, prefix: readonly string[] = [], limit = 20): BadText[] {
  const out: BadText[] = [];
  const walk = (v: unknown, path: string[], depth: number) => {
    if (out.length >= limit || depth > MAX_DEPTH) return;
    if (typeof v === "string") {
      const p = stringProblem(v);
      if (p) out.push({ path: path.join("."), problem: p });
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...path, String(i)], depth + 1));
      return;
    }
    if (v && typeof v === "object") {
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        const kp = stringProblem(k);
        if (kp) {
          out.push({ path: [...path, k.replace(/[\u0000\ud800-\udfff]/g, "\ufffd")].join("."), problem: kp });
          if (out.length >= limit) return;
          continue;
        }
        walk(item, [...path, k], depth + 1);
      }
    }
  };
  walk(value, [...prefix], 0);
  return out;
}

/** findings → the API error body's `details` (docs/architecture.md, Errors) (`{ field: [message] }`); the root is reported as `body`. */
export function badTextDetails(found: readonly BadText[], root = "body"): Record<string, string[]> {
  const details: Record<string, string[]> = {};
  for (const f of found) (details[f.path || root] ??= []).push(textProblemMessage(f.problem));
  return details;
}

/** A body larger than the limit: answer 413. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`Request body is larger than ${limitBytes} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/** A body that is not UTF-8: answer 400. */
export class BodyEncodingError extends Error {
  constructor() {
    super("Request body must be UTF-8");
    this.name = "BodyEncodingError";
  }
}

/**
 * Reads a request body as bytes, refusing it past `limitBytes` without reading it whole: a declared
 * `Content-Length` over the limit is refused before a byte is read; otherwise the stream is counted chunk
 * by chunk and cancelled as soon as the count passes the limit (a missing or lying `Content-Length`
 * changes nothing).
 * @param limitBytes largest body accepted, in bytes
 * @returns the body (empty when there is none)
 * @throws BodyTooLargeError past the limit (respond 413)
 */
export async function readBodyBytes(request: Request, limitBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared.trim()) > limitBytes) throw new BodyTooLargeError(limitBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limitBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return body;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * {@link readBodyBytes}, decoded as UTF-8.
 * @throws BodyTooLargeError past the limit; BodyEncodingError when the bytes are not UTF-8
 */
export async function readBodyText(request: Request, limitBytes: number): Promise<string> {
  const bytes = await readBodyBytes(request, limitBytes);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new BodyEncodingError();
  }
}

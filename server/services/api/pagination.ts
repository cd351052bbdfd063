import "server-only";
/**
 * Page-number pagination, the HTTP API's contract (docs/requirements.md R15.6: `page`, `page_size`, `count`,
 * `next`, `previous`). Pages are `LIMIT/OFFSET` over an index-ordered query, so their cost grows with depth: the
 * depth is capped at {@link MAX_PAGINATION_DEPTH} rows (page × page_size), beyond which the API answers 400
 * and suggests narrowing with filters. (The app's own inbox uses keyset cursors instead.)
 */
import { env } from "../../env";
import { AppError } from "../errors";
import { intParam } from "./contract";

/** Deepest row a page may reach (page × page_size). */
export const MAX_PAGINATION_DEPTH = 10_000;

/** `page` (≥ 1, default 1) and `page_size` (1–max, default `size`) query parameters. */
export const pageParams = (size: number, max = 100) => ({
  page: intParam(1, 1_000_000, 1),
  page_size: intParam(1, max, size),
});

/**
 * The OFFSET of a page.
 * @throws AppError VALIDATION_ERROR when the page reaches past {@link MAX_PAGINATION_DEPTH} rows.
 */
export function pageOffset(page: number, pageSize: number, hint = "narrow the results with filters"): number {
  if (page * pageSize > MAX_PAGINATION_DEPTH) {
    throw new AppError("VALIDATION_ERROR", `Pages reach at most ${MAX_PAGINATION_DEPTH} results deep (page × page_size); ${hint}.`, {
      page: [`page × page_size must be at most ${MAX_PAGINATION_DEPTH}`],
    });
  }
  return (page - 1) * pageSize;
}

/** An absolute URL on the app's public origin (APP_URL), for links in API answers. */
export function absoluteUrl(pathAndQuery: string): string {
  return new URL(pathAndQuery, env("app").APP_URL).toString();
}

/**
 * Absolute `next` / `previous` links of a page: the request's path and query with `page` replaced (every
 * other parameter kept). `next` is null on the last page; `previous` is null on the first.
 */
export function pageLinks(url: URL, page: number, pageSize: number, count: number): { next: string | null; previous: string | null } {
  const at = (p: number) => {
    const q = new URLSearchParams(url.searchParams);
    q.set("page", String(p));
    return absoluteUrl(`${url.pathname}?${q.toString()}`);
  };
  return {
    next: page * pageSize < count ? at(page + 1) : null,
    previous: page > 1 ? at(Math.min(page - 1, Math.max(1, Math.ceil(count / pageSize)))) : null,
  };
}


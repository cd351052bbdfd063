"use client";
/**
 * Refetching after a change without losing a "Load more" that is under way.
 *
 * TanStack Query's `invalidateQueries` cancels a fetch in flight by default (`cancelRefetch: true`). For an
 * infinite list that fetch may be `fetchNextPage`: it is cancelled and only the pages loaded before it are
 * refetched, so the user's "Load more" click is silently lost (seen when the realtime subscription
 * confirmed while the next page was loading).
 */
import type { QueryClient, QueryKey } from "@tanstack/react-query";

/**
 * Marks every query under `queryKey` stale and refetches the active ones, letting a fetch in flight finish.
 * That fetch may have started before the change that asked for this refresh, so once it has settled the
 * queries are refetched once more (all loaded pages of an infinite list, including the one just added).
 * Resolves when the refetches have settled; never throws (failed refetches show as the query's error).
 * @param opts.exact only the query with exactly `queryKey` (default: every query under it)
 */
export async function refreshQueries(queryClient: QueryClient, queryKey: QueryKey, opts: { exact?: boolean } = {}): Promise<void> {
  const filters = { queryKey, exact: opts.exact ?? false };
  const inFlight = queryClient.isFetching(filters) > 0;
  await queryClient.invalidateQueries(filters, { cancelRefetch: false });
  if (inFlight) await queryClient.invalidateQueries(filters, { cancelRefetch: false });
}

"use client";
/**
 * Applies an inbox signal to TanStack Query's cache with the rules of ./inbox-cache.ts: patch what can be
 * patched exactly, refetch the rest. A query with a fetch in flight is refetched once more after it (that
 * fetch may have read a snapshot older than the signal, and would overwrite a patch).
 */
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { refreshQueries } from "@/components/refresh-queries";
import { countAfter, listAfterNew, type CachedCount, type CachedInfinite, type CachedPage, type ChangeSignal, type ListInput } from "./inbox-cache";
import type { InboxEventName, NewNotificationPayload } from "@/lib/realtime";

/** The query keys the inbox lives under (tRPC `pathKey()`s). */
export interface InboxKeys {
  list: QueryKey;
  count: QueryKey;
  /** Every notifications query (lists, the badge, groups, a notification's details). */
  all: QueryKey;
}

/**
 * Updates the cache for one signal on the user's channel.
 * @param data the event's payload as received (validated here: a malformed one refetches)
 */
export function applyInboxSignal(queryClient: QueryClient, keys: InboxKeys, name: InboxEventName, data: unknown): void {
  const signal = (data ?? {}) as ChangeSignal & Partial<NewNotificationPayload>;
  const cache = queryClient.getQueryCache();
  const refetch = (queryKey: QueryKey) => void refreshQueries(queryClient, queryKey, { exact: true });

  for (const query of cache.findAll({ queryKey: keys.count })) {
    if (query.state.fetchStatus === "fetching") refetch(query.queryKey);
    else {
      const step = countAfter(query.state.data as CachedCount | undefined, signal);
      if (step.kind === "set") queryClient.setQueryData(query.queryKey, step.data);
      else if (step.kind === "refetch") refetch(query.queryKey);
    }
  }

  if (name !== "notification.new" || typeof signal.entry !== "object" || signal.entry === null) {
    // Read, unread, archive, delete: the user's own actions, rare; everything is refetched.
    void refreshQueries(queryClient, keys.all);
    return;
  }
  for (const query of cache.findAll({ queryKey: keys.list })) {
    const meta = query.queryKey[1] as { input?: ListInput; type?: string } | undefined;
    const data = query.state.data as CachedPage | CachedInfinite | undefined;
    if (query.state.fetchStatus === "fetching") {
      refetch(query.queryKey);
      continue;
    }
    const step = listAfterNew(data, meta?.input ?? {}, signal as NewNotificationPayload);
    if (step.kind === "keep") continue;
    // A plain (non-infinite) list, the bell's, holds exactly `limit` entries and the cursor after them:
    // it is refetched rather than patched (only while the bell is open).
    if (step.kind === "refetch" || meta?.type !== "infinite") refetch(query.queryKey);
    else queryClient.setQueryData(query.queryKey, step.data);
  }
}

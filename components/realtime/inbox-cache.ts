/**
 * The live inbox on the client (docs/architecture.md "Live inbox"): how a realtime signal updates the
 * cached inbox list and badge without a request.
 *
 * Every cached list page and the badge carry the user's inbox sequence number (`seq`) of the snapshot
 * they were read from; every signal carries the number of the change it reports. A list at `seq - 1`
 * takes the signal's entry (or, when it already shows the entry, only the number); a list already at `seq`
 * or later ignores it; a list further behind has missed a change (a gap) and is refetched. The badge takes
 * the signal's unread and unseen counts whenever the signal is newer, since those counts are absolute. Whatever cannot be
 * patched exactly (a group whose members are not in the cache, a page without `seq`) is refetched, so the
 * cache never shows anything the server would not.
 *
 * Pure functions over plain data: the realtime provider applies them to TanStack Query's cache, and
 * `bench/live.ts` to its simulated browsers.
 *
 * @module
 */
import type { InboxGroupInfo } from "@/components/inbox/group";
import { entryOfSignal, type NewNotificationPayload } from "@/lib/realtime";

/** A group of similar unread notifications, as the grouped list returns it. */
export type CachedGroup = InboxGroupInfo;

/** An entry of the grouped list (the fields this module reads; the rest are carried as they are). */
export interface CachedEntry {
  id: string;
  type: string;
  readAt: string | null;
  business: { id: string } | null;
  group: CachedGroup | null;
}

/** One page of `notifications.list`. */
export interface CachedPage<E extends CachedEntry = CachedEntry> {
  items: E[];
  nextCursor: string | null;
  seq: number;
}

/** TanStack Query's shape of an infinite query's data. */
export interface CachedInfinite<E extends CachedEntry = CachedEntry> {
  pages: CachedPage<E>[];
  pageParams: unknown[];
}

/** `notifications.unreadCount`: the unread count, the unseen count (the bell's badge) and their `seq`. */
export interface CachedCount {
  count: number;
  unseen: number;
  seq: number;
}

/** The list's input (tRPC `notifications.list`). */
export interface ListInput {
  filter?: "all" | "unread" | "archived";
  type?: string | null;
  grouped?: boolean;
}

/** The fields of `notification.read`, `notifications.changed` and `notifications.bulk_read` the cache uses. */
export interface ChangeSignal {
  seq?: number | null;
  unread_count?: number;
  unseen_count?: number;
}

/** What to do with one cached query. */
export type CacheStep<T> = { kind: "keep" } | { kind: "set"; data: T } | { kind: "refetch" };

/**
 * At most this many member ids travel with a group: the same number as the server's `GROUP_IDS_MAX`
 * (server/services/notifications/list-notifications.ts; a test keeps them equal).
 */
export const GROUP_IDS_MAX = 50;

/**
 * The badge after a signal: the signal's unread and unseen counts when the signal is newer than the cached
 * counts. A signal without a number or a count (an older server) leaves the badge to a refetch.
 */
export function countAfter(data: CachedCount | undefined, signal: ChangeSignal): CacheStep<CachedCount> {
  if (!data) return { kind: "keep" };
  if (typeof signal.seq !== "number" || typeof signal.unread_count !== "number" || typeof signal.unseen_count !== "number") {
    return { kind: "refetch" };
  }
  if (signal.seq <= data.seq) return { kind: "keep" };
  return { kind: "set", data: { count: signal.unread_count, unseen: signal.unseen_count, seq: signal.seq } };
}

/**
 * A list (one page, or an infinite query's pages) after `notification.new`.
 * @returns `keep` when the list already includes the change, `set` with the patched data, or `refetch`
 *   on a gap or when the entry cannot be placed exactly
 */
export function listAfterNew<E extends CachedEntry, D extends CachedPage<E> | CachedInfinite<E>>(
  data: D | undefined,
  input: ListInput,
  signal: NewNotificationPayload,
): CacheStep<D> {
  if (!data) return { kind: "keep" };
  const pages: CachedPage<E>[] = "pages" in data ? data.pages : [data];
  const first = pages[0];
  if (!first) return { kind: "keep" };
  if (typeof first.seq !== "number" || typeof signal.seq !== "number") return { kind: "refetch" };
  if (signal.seq <= first.seq) return { kind: "keep" };
  if (signal.seq !== first.seq + 1) return { kind: "refetch" };

  // The cache holds what `notifications.list` returns, and the signal rebuilds exactly that entry.
  const item = entryOfSignal(signal) as unknown as E;
  const shows = input.filter !== "archived" && (input.type == null || input.type === item.type) && item.readAt === null;
  // Read after the row was written but before it was numbered (a large fan-out numbers its rows right
  // after writing them): the list already shows it, and only its number changes.
  const listed = pages.some((p) => p.items.some((e) => e.id === item.id || e.group?.ids.includes(item.id)));
  let next: CachedPage<E>[];
  if (!shows || listed) {
    next = [{ ...first, seq: signal.seq }, ...pages.slice(1)];
  } else {
    const placed = place(pages, item, input.grouped === true);
    if (!placed) return { kind: "refetch" };
    next = placed.map((p, i) => (i === 0 ? { ...p, seq: signal.seq } : p));
  }
  return { kind: "set", data: ("pages" in data ? { ...data, pages: next } : next[0]) as D };
}

/** The pages with `item` on top; null when the grouped list's group cannot be rebuilt from the cache. */
function place<E extends CachedEntry>(pages: CachedPage<E>[], item: E, grouped: boolean): CachedPage<E>[] | null {
  if (!grouped || !item.group) {
    const entry = { ...item, group: null };
    return pages.map((p, i) => (i === 0 ? { ...p, items: [entry, ...p.items] } : p));
  }
  // The item joins a group: the entry that stands for the group's older members (an unread entry of the
  // same type and business: a group, or a single notification) must be in the cache, with one fewer member.
  const joins = (e: E) => e.readAt === null && e.type === item.type && e.business?.id === item.business?.id;
  const at = pages.findIndex((p) => p.items.some(joins));
  if (at < 0) return null;
  const old = pages[at]!.items.find(joins)!;
  if ((old.group?.count ?? 1) !== item.group.count - 1) return null;
  const ids = [item.id, ...(old.group?.ids ?? [old.id])].slice(0, GROUP_IDS_MAX);
  const entry = { ...item, group: { ...item.group, ids } };
  return pages.map((p, i) => {
    const items = i === at ? p.items.filter((e) => e !== old) : p.items;
    return i === 0 ? { ...p, items: [entry, ...items] } : { ...p, items };
  });
}

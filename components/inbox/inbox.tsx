"use client";
/**
 * The full inbox (/notifications): filters (all / unread / archived, by type), newest first, keyset
 * "load more", and per-item actions. Everything refetches from the server after a change or a realtime
 * signal, so what is shown is what the server has.
 */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { TimeAgo } from "@/components/ui/time-ago";
import { BusinessLogo } from "@/components/businesses/business-logo";
import { formatWindow } from "@/components/listings/format";
import { useNotificationActions } from "./use-notification-actions";
import { DeliveryDetails } from "./delivery-details";

type Filter = "all" | "unread" | "archived";
const FILTERS: { value: Filter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "unread", label: "Unread" },
  { value: "archived", label: "Archived" },
];

export function Inbox(props: { types: { value: string; label: string }[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [filter, setFilter] = useState<Filter>("all");
  const [type, setType] = useState<string>("");
  const [details, setDetails] = useState<string | null>(null);
  const unread = useQuery(trpc.notifications.unreadCount.queryOptions());
  const list = useInfiniteQuery(
    trpc.notifications.list.infiniteQueryOptions(
      { filter, type: type || undefined, limit: 20 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const actions = useNotificationActions();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const busy = Object.values(actions).some((m) => m.isPending);
  const failed = Object.values(actions).find((m) => m.isError);

  return (
    <section aria-labelledby="inbox-title" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 id="inbox-title" className="text-2xl font-semibold tracking-tight">Notifications</h1>
          <p className="text-sm text-slate-600" aria-live="polite">
            {unread.data === undefined ? "\u00a0" : unread.data === 0 ? "No unread notifications" : `${unread.data} unread`}
          </p>
        </div>
        <button
          type="button"
          onClick={() => actions.markAllRead.mutate()}
          disabled={!unread.data || actions.markAllRead.isPending}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50"
        >
          Mark all read
        </button>
      </div>

      <div className="flex flex-wrap items-center gap-3">
        <div role="group" aria-label="Show" className="inline-flex rounded-lg border border-slate-300 bg-white p-0.5">
          {FILTERS.map((f) => (
            <button
              key={f.value}
              type="button"
              aria-pressed={filter === f.value}
              onClick={() => setFilter(f.value)}
              className={`rounded-md px-3 py-1 text-sm ${filter === f.value ? "bg-brand-700 font-medium text-white" : "text-slate-700 hover:bg-slate-100"}`}
            >
              {f.label}
            </button>
          ))}
        </div>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          Type
          <select
            value={type}
            onChange={(e) => setType(e.target.value)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
          >
            <option value="">All types</option>
            {props.types.map((t) => (
              <option key={t.value} value={t.value}>{t.label}</option>
            ))}
          </select>
        </label>
      </div>

      {failed ? (
        <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {failed.error?.message ?? "That did not work."} Please try again.
        </p>
      ) : null}

      {list.isPending ? (
        <ul aria-busy="true" aria-label="Loading notifications" className="space-y-2">
          {[0, 1, 2, 3].map((i) => (
            <li key={i} className="h-20 animate-pulse rounded-xl bg-slate-200/70" />
          ))}
        </ul>
      ) : list.isError ? (
        <p role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-6 text-center text-sm text-rose-800">
          Could not load your notifications. <button className="font-medium underline" onClick={() => void list.refetch()}>Try again</button>
        </p>
      ) : items.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center">
          <p className="font-medium text-slate-800">
            {filter === "unread" ? "You're all caught up" : filter === "archived" ? "Nothing archived" : "No notifications yet"}
          </p>
          <p className="mt-1 text-sm text-slate-600">
            {filter === "all" && !type ? "Follow businesses to hear about their new listings." : "Try another filter."}
          </p>
        </div>
      ) : (
        <ul data-testid="inbox-list" className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white">
          {items.map((n) => {
            const isUnread = !n.readAt;
            return (
              <li key={n.id} data-testid="inbox-item" data-unread={isUnread} className={`flex gap-3 p-3 sm:p-4 ${isUnread ? "bg-brand-50/50" : ""}`}>
                <span aria-hidden className={`mt-2 h-2 w-2 shrink-0 rounded-full ${isUnread ? "bg-brand-600" : "bg-transparent"}`} />
                {n.business ? <BusinessLogo slug={n.business.slug} size={36} /> : <span aria-hidden className="grid h-9 w-9 shrink-0 place-items-center rounded-lg bg-slate-200 text-sm">H</span>}
                <div className="min-w-0 flex-1 sm:flex sm:items-start sm:gap-4">
                  <div className="min-w-0 flex-1">
                    <button
                      type="button"
                      onClick={async () => {
                        if (isUnread) await actions.markRead.mutateAsync({ ids: [n.id] }).catch(() => undefined);
                        if (n.actionUrl) router.push(n.actionUrl);
                      }}
                      className="block w-full text-left"
                    >
                      <span className={`block text-sm sm:text-base ${isUnread ? "font-semibold text-slate-900" : "text-slate-700"}`}>
                        {isUnread ? <span className="sr-only">Unread: </span> : null}
                        {n.title}
                      </span>
                      {n.body ? <span className="mt-0.5 block text-sm text-slate-600">{n.body}</span> : null}
                      <PickupWindow data={n.data} />
                    </button>
                    <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500">
                      <TimeAgo iso={n.createdAt} />
                      {n.business ? <span>{n.business.name}</span> : null}
                      <span className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-600">{props.types.find((t) => t.value === n.type)?.label ?? n.type}</span>
                    </div>
                    {details === n.id ? <DeliveryDetails notificationId={n.id} /> : null}
                  </div>
                  <div className="-ml-2 mt-1.5 flex shrink-0 flex-wrap gap-1 sm:ml-0 sm:mt-0">
                    <ActionButton
                      label={isUnread ? "Mark read" : "Mark unread"}
                      onClick={() => (isUnread ? actions.markRead : actions.markUnread).mutate({ ids: [n.id] })}
                      disabled={busy}
                    />
                    <ActionButton
                      label={n.archivedAt ? "Unarchive" : "Archive"}
                      onClick={() => (n.archivedAt ? actions.unarchive : actions.archive).mutate({ ids: [n.id] })}
                      disabled={busy}
                    />
                    <ActionButton label="Delete" danger onClick={() => actions.remove.mutate({ ids: [n.id] })} disabled={busy} title={n.title} />
                    <ActionButton label={details === n.id ? "Hide details" : "Details"} onClick={() => setDetails(details === n.id ? null : n.id)} expanded={details === n.id} />
                  </div>
                </div>
              </li>
            );
          })}
        </ul>
      )}

      {list.hasNextPage ? (
        <div className="text-center">
          <button
            type="button"
            onClick={() => void list.fetchNextPage()}
            disabled={list.isFetchingNextPage}
            className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60"
          >
            {list.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        </div>
      ) : items.length > 0 ? (
        <p className="text-center text-xs text-slate-500">That&rsquo;s everything.</p>
      ) : null}
    </section>
  );
}

/** A listing's pickup window, from the notification's data (ISO 8601), in the reader's time zone. */
function PickupWindow({ data }: { data: Record<string, unknown> }) {
  const start = typeof data.pickup_start === "string" ? new Date(data.pickup_start) : null;
  const end = typeof data.pickup_end === "string" ? new Date(data.pickup_end) : null;
  if (!start || !end || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return null;
  return (
    <span className="mt-0.5 block text-sm text-slate-600" suppressHydrationWarning>
      Pickup {formatWindow(start, end)}
    </span>
  );
}

function ActionButton(props: { label: string; onClick: () => void; disabled?: boolean; danger?: boolean; title?: string; expanded?: boolean }) {
  return (
    <button
      type="button"
      onClick={props.onClick}
      disabled={props.disabled}
      aria-expanded={props.expanded}
      aria-label={props.title ? `${props.label}: ${props.title}` : undefined}
      className={`rounded px-2 py-1 text-xs font-medium disabled:opacity-50 ${props.danger ? "text-rose-700 hover:bg-rose-50" : "text-slate-600 hover:bg-slate-100"}`}
    >
      {props.label}
    </button>
  );
}

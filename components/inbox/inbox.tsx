"use client";
/**
 * The full inbox (/notifications): filters (all / unread / archived, by type), newest first, keyset
 * "load more", and per-item actions. Similar unread notifications arrive grouped from the server and show
 * as one expandable row. Everything refetches from the server after a change or a realtime signal, so what
 * is shown is what the server has.
 *
 * Keyboard focus never falls to the page: an action keeps it on its button, or, when the row leaves the
 * list (archived, deleted, read under "Unread"), moves it to the next row (the previous one at the end,
 * the heading when none is left). A deleted row is replaced in place by "Deleted · Undo" for
 * {@link UNDO_SHOWN_MS}; Undo restores it (the server allows that for a minute). Snooze opens a menu under
 * the row; a snoozed notification leaves the list until its time and waits under "Snoozed".
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";
import { BusinessLogo } from "@/components/businesses/business-logo";
import type { NotificationType } from "@/server/services/notifications/catalog";
import { useNotificationActions } from "./use-notification-actions";
import { ItemContent, type ItemContext, type RowAction } from "./inbox-item";
import { InboxGroupRow } from "./inbox-group";
import type { InboxNotification } from "./group";
import type { SnoozeChoice } from "./snooze-menu";

/** How long "Deleted · Undo" stays in place of a deleted row, in ms. */
const UNDO_SHOWN_MS = 10_000;

/** A deleted row waiting for Undo: where it stood in the list and what takes focus when it goes. */
interface PendingUndo {
  id: string;
  title: string;
  index: number;
  neighborId: string | null;
}

type Filter = "all" | "unread" | "archived" | "snoozed";
const FILTERS: Filter[] = ["all", "unread", "snoozed", "archived"];

/** The inbox. `types`: the catalog's types with their labels, for the filter and the type tags. */
export function Inbox(props: { types: { value: NotificationType; label: string }[] }) {
  const trpc = useTRPC();
  const t = useTranslations("inbox");
  const tc = useTranslations("common");
  const [filter, setFilter] = useState<Filter>("all");
  const [type, setType] = useState<NotificationType | "">("");
  const [details, setDetails] = useState<string | null>(null);
  const [snoozeMenu, setSnoozeMenu] = useState<string | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const unread = useQuery(trpc.notifications.unreadCount.queryOptions());
  const list = useInfiniteQuery(
    trpc.notifications.list.infiniteQueryOptions(
      { filter, type: type || undefined, limit: 20, grouped: true },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const actions = useNotificationActions();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const snoozeChoices = useQuery({ ...trpc.notifications.snoozeChoices.queryOptions(), enabled: filter === "snoozed" || snoozeMenu !== null });
  const busy = Object.values(actions).some((m) => m.isPending);
  // A snooze's error shows in its menu, next to the time it is about.
  const failed = Object.values(actions).find((m) => m.isError && m !== actions.snooze);
  // After "Mark all read" on a group (the list has been refetched by then), focus moves to the group's
  // newest notification, now a plain entry; when that is not shown (the unread filter), to the heading, so
  // keyboard focus is never dropped on the page.
  const pendingFocus = useRef<string | null>(null);
  const clearFocus = useCallback(() => {
    pendingFocus.current = null;
    setFocusId(null);
  }, []);
  const focusOn = useCallback((id: string) => {
    pendingFocus.current = id;
    setFocusId(id);
    setTimeout(() => {
      if (pendingFocus.current !== id) return;
      pendingFocus.current = null;
      setFocusId(null);
      heading.current?.focus();
    }, 100);
  }, []);
  const [undo, setUndo] = useState<PendingUndo | null>(null);
  const undoRow = useRef<HTMLLIElement>(null);
  const focusNeighbor = useCallback(
    (neighborId: string | null) => (neighborId ? focusOn(neighborId) : heading.current?.focus()),
    [focusOn],
  );
  // The undo offer ends after UNDO_SHOWN_MS; if it held the focus, the next row takes it.
  useEffect(() => {
    if (!undo) return;
    const timer = setTimeout(() => {
      const hadFocus = !!undoRow.current?.contains(document.activeElement);
      setUndo(null);
      if (hadFocus) focusNeighbor(undo.neighborId);
    }, UNDO_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [undo, focusNeighbor]);
  const visible = items.filter((n) => n.id !== undo?.id);

  /** Where `n` stands in the list (a group member where its group does) and which row takes focus after it. */
  const placeOf = (n: InboxNotification) => {
    const at = Math.max(0, visible.findIndex((e) => e.id === n.id || e.group?.ids.includes(n.id)));
    return { at, neighborId: (visible[at + 1] ?? visible[at - 1])?.id ?? null };
  };
  /** Runs a row action on `n`; see the module comment for where focus goes. */
  const act = (n: InboxNotification, action: RowAction) => {
    const { at, neighborId } = placeOf(n);
    const leaves =
      action === "delete" ||
      (action === "archive" && filter !== "archived") ||
      (action === "unarchive" && filter === "archived") ||
      (action === "unsnooze" && filter === "snoozed") ||
      (action === "read" && filter === "unread");
    const mutation = {
      read: actions.markRead,
      unread: actions.markUnread,
      archive: actions.archive,
      unarchive: actions.unarchive,
      delete: actions.remove,
      unsnooze: actions.unsnooze,
    }[action];
    if (action === "delete") setUndo({ id: n.id, title: n.title, index: at, neighborId });
    mutation.mutate(
      { ids: [n.id] },
      {
        onSuccess: () => {
          if (leaves && action !== "delete") focusNeighbor(neighborId);
        },
        onError: () => action === "delete" && setUndo(null),
      },
    );
  };
  /** Snoozes `n`: the menu closes and the row leaves the list, focus moving on as for archive. */
  const snooze = (n: InboxNotification, choice: SnoozeChoice) => {
    const { neighborId } = placeOf(n);
    actions.snooze.mutate(
      { ids: [n.id], ...choice },
      {
        onSuccess: () => {
          setSnoozeMenu(null);
          focusNeighbor(neighborId);
        },
      },
    );
  };
  const restore = (u: PendingUndo) =>
    actions.restore.mutate(
      { ids: [u.id] },
      {
        onSuccess: () => {
          setUndo(null);
          focusOn(u.id);
        },
      },
    );

  const ctx: ItemContext = {
    actions,
    act,
    busy,
    typeLabel: (t) => props.types.find((x) => x.value === t)?.label ?? t,
    details,
    setDetails,
    snoozeMenu,
    setSnoozeMenu: (id) => {
      actions.snooze.reset();
      setSnoozeMenu(id);
    },
    snooze,
    timeZone: snoozeChoices.data?.timeZone ?? null,
    focusId,
    focusOn,
    clearFocus,
  };

  return (
    <section aria-labelledby="inbox-title" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 id="inbox-title" ref={heading} tabIndex={-1} className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
          <p className="text-sm text-slate-600" aria-live="polite">
            {unread.data === undefined ? "\u00a0" : t("unreadCount", { count: unread.data.count })}
          </p>
        </div>
        <button
          type="button"
          onClick={() => actions.markAllRead.mutate()}
          disabled={!unread.data?.count || actions.markAllRead.isPending}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50"
        >
          {t("markAllRead")}
        </button>
      </div>

      <div className="flex flex-wrap items-center gap-3">
        <div role="group" aria-label={t("show")} className="inline-flex max-w-full flex-wrap rounded-lg border border-slate-300 bg-white p-0.5">
          {FILTERS.map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={filter === f}
              onClick={() => setFilter(f)}
              className={`rounded-md px-3 py-1 text-sm ${filter === f ? "bg-brand-700 font-medium text-white" : "text-slate-700 hover:bg-slate-100"}`}
            >
              {t(`filter.${f}`)}
            </button>
          ))}
        </div>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          {t("type")}
          <select
            value={type}
            onChange={(e) => setType(e.target.value as NotificationType | "")}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
          >
            <option value="">{t("allTypes")}</option>
            {props.types.map((t) => (
              <option key={t.value} value={t.value}>{t.label}</option>
            ))}
          </select>
        </label>
      </div>

      {failed ? (
        <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {t("actionFailed", { message: failed.error?.message ?? "" })}
        </p>
      ) : null}

      {list.isPending ? (
        <ul aria-busy="true" aria-label={t("loadingList")} className="space-y-2">
          {[0, 1, 2, 3].map((i) => (
            <li key={i} className="h-20 animate-pulse rounded-xl bg-slate-200/70" />
          ))}
        </ul>
      ) : list.isError ? (
        <p role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-6 text-center text-sm text-rose-800">
          {t("loadError")} <button className="font-medium underline" onClick={() => void list.refetch()}>{tc("tryAgain")}</button>
        </p>
      ) : visible.length === 0 && !undo ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center">
          <p className="font-medium text-slate-800">
            {t(`empty.${filter}`)}
          </p>
          <p className="mt-1 text-sm text-slate-600">
            {t(type ? "emptyHint.other" : filter === "all" ? "emptyHint.all" : filter === "snoozed" ? "emptyHint.snoozed" : "emptyHint.other")}
          </p>
        </div>
      ) : (
        <ul data-testid="inbox-list" className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white">
          {visible.map((n, i) => [
            undo && undo.index === i ? <UndoRow key="undo" ref={undoRow} undo={undo} onUndo={restore} busy={actions.remove.isPending || actions.restore.isPending} /> : null,
            n.group ? (
              <InboxGroupRow key={n.id} entry={n} group={n.group} ctx={ctx} />
            ) : (
              <li key={n.id} data-testid="inbox-item" data-unread={!n.readAt} className={`flex gap-3 p-3 sm:p-4 ${n.readAt ? "" : "bg-brand-50/50"}`}>
                <span aria-hidden className={`mt-2 h-2 w-2 shrink-0 rounded-full ${n.readAt ? "bg-transparent" : "bg-brand-600"}`} />
                {n.business ? (
                  // At the top of the row, beside the title, however tall a photo makes the row.
                  <span className="flex shrink-0 self-start">
                    <BusinessLogo slug={n.business.slug} size={36} />
                  </span>
                ) : (
                  <span aria-hidden className="grid h-9 w-9 shrink-0 place-items-center rounded-lg bg-slate-200 text-sm">H</span>
                )}
                <ItemContent n={n} ctx={ctx} plain />
              </li>
            ),
          ])}
          {undo && undo.index >= visible.length ? <UndoRow ref={undoRow} undo={undo} onUndo={restore} busy={actions.remove.isPending || actions.restore.isPending} /> : null}
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
            {list.isFetchingNextPage ? tc("loading") : t("loadMore")}
          </button>
        </div>
      ) : items.length > 0 ? (
        <p className="text-center text-xs text-slate-500">{t("everything")}</p>
      ) : null}
    </section>
  );
}

/** "Deleted · Undo" in place of a deleted row; it takes keyboard focus when it appears. */
function UndoRow({ ref, undo, onUndo, busy }: { ref: React.Ref<HTMLLIElement>; undo: PendingUndo; onUndo: (u: PendingUndo) => void; busy: boolean }) {
  const button = useRef<HTMLButtonElement>(null);
  const t = useTranslations("inbox");
  useEffect(() => button.current?.focus(), []);
  return (
    <li ref={ref} data-testid="inbox-undo" className="flex flex-wrap items-center justify-between gap-2 bg-slate-50 p-3 text-sm text-slate-700 sm:px-4">
      <span role="status" className="min-w-0 break-words">
        {t("deleted", { title: undo.title })}
      </span>
      <button
        ref={button}
        type="button"
        onClick={() => !busy && onUndo(undo)}
        aria-disabled={busy || undefined}
        aria-label={t("undoLabel", { title: undo.title })}
        className="rounded-md border border-slate-300 bg-white px-3 py-1 text-sm font-medium text-slate-800 hover:bg-slate-100 aria-disabled:opacity-50"
      >
        {t("undo")}
      </button>
    </li>
  );
}

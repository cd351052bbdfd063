"use client";
/**
 * The bell: a badge of unseen notifications (always the server's count) and a dropdown with the latest
 * ones. What the dropdown shows is marked seen, which clears it from the badge; it stays unread in the
 * inbox until it is opened or marked read. Opening an item marks it read and goes to its target. Escape or a click outside closes the dropdown;
 * Escape gives keyboard focus back to the bell.
 * Similar unread notifications come grouped, as in the full inbox: "5 new listings from …" with the
 * newest as the preview, "Show all 5" and "Mark all 5 read".
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { TimeAgo } from "@/components/ui/time-ago";
import { useNotificationActions } from "./use-notification-actions";
import { useTranslations } from "use-intl";
import { useGroupMembers, useGroupWords, type InboxGroupInfo, type InboxNotification } from "./group";

export function NotificationBell() {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  // On phones the panel spans the screen just below the header, whatever the header's height.
  const [top, setTop] = useState<number | undefined>(undefined);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const bell = useRef<HTMLButtonElement>(null);
  const count = useQuery(trpc.notifications.unreadCount.queryOptions());
  const latest = useQuery({ ...trpc.notifications.list.queryOptions({ filter: "all", limit: 6, grouped: true }), enabled: open });
  const { markSeen, markRead, markAllRead } = useNotificationActions();
  const t = useTranslations();
  const unread = count.data?.count ?? 0;
  const unseen = count.data?.unseen ?? 0;
  // What the open dropdown shows is seen: every unseen entry, a group with all its members. Once marked,
  // the refetched list carries `seenAt`, so this runs again only for entries that arrive while it is open.
  const shown = open ? (latest.data?.items ?? []) : [];
  const unseenShown = shown.flatMap((n) => (n.seenAt || n.readAt ? [] : (n.group?.ids ?? [n.id])));
  const toMark = unseenShown.join(",");
  const { mutate: markSeenMutate } = markSeen;
  useEffect(() => {
    if (toMark) markSeenMutate({ ids: toMark.split(",") });
  }, [toMark, markSeenMutate]);
  /** Opens a notification: closes the dropdown, marks it read, goes to its target. */
  const openItem = async (n: InboxNotification) => {
    setOpen(false);
    if (!n.readAt) await markRead.mutateAsync({ ids: [n.id] }).catch(() => undefined);
    router.push(n.actionUrl ?? "/notifications");
  };

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      bell.current?.focus();
    };
    const onClick = (e: MouseEvent) => root.current && !root.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  return (
    <div ref={root} className="relative">
      <button
        ref={bell}
        type="button"
        data-testid="bell"
        aria-label={unseen ? t("bell.labelNew", { count: unseen }) : t("bell.label")}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => {
          setTop(root.current?.closest("header")?.getBoundingClientRect().bottom);
          setOpen((o) => !o);
        }}
        className="relative grid h-9 w-9 place-items-center rounded-full text-slate-600 hover:bg-slate-100 hover:text-slate-900"
      >
        <svg aria-hidden viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth={2}>
          <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" strokeLinecap="round" strokeLinejoin="round" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" strokeLinecap="round" />
        </svg>
        {unseen > 0 ? (
          <span data-testid="unseen-badge" className="absolute -right-0.5 -top-0.5 min-w-5 rounded-full bg-rose-600 px-1.5 text-center text-[11px] font-semibold leading-5 text-white">
            {unseen > 99 ? "99+" : unseen}
          </span>
        ) : null}
      </button>
      {open ? (
        <div
          id={panelId}
          role="region"
          aria-label={t("bell.panel")}
          style={{ "--panel-top": `${(top ?? 56) + 4}px` } as React.CSSProperties}
          className="fixed inset-x-2 top-(--panel-top) z-40 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xl sm:absolute sm:inset-x-auto sm:right-0 sm:top-11 sm:w-96"
        >
          <div className="flex items-center justify-between border-b border-slate-100 px-4 py-2.5">
            <h2 className="text-sm font-semibold">{t("bell.title")}</h2>
            <button
              type="button"
              disabled={unread === 0 || markAllRead.isPending}
              onClick={() => markAllRead.mutate()}
              className="text-xs font-medium text-brand-700 hover:underline disabled:text-slate-400 disabled:no-underline"
            >
              {t("bell.markAllRead")}
            </button>
          </div>
          <ul className="max-h-[60vh] divide-y divide-slate-100 overflow-y-auto">
            {latest.isPending ? (
              <li className="px-4 py-6 text-center text-sm text-slate-500">{t("common.loading")}</li>
            ) : latest.isError ? (
              <li className="px-4 py-6 text-center text-sm text-rose-700">{t("bell.loadError")}</li>
            ) : latest.data.items.length === 0 ? (
              <li className="px-4 py-8 text-center text-sm text-slate-500">{t("bell.empty")}</li>
            ) : (
              latest.data.items.map((n) =>
                n.group ? (
                  <BellGroup key={n.id} entry={n} group={n.group} open={openItem} markAll={(ids) => markRead.mutate({ ids })} busy={markRead.isPending} />
                ) : (
                  <li key={n.id}>
                    <BellItem n={n} open={openItem} />
                  </li>
                ),
              )
            )}
          </ul>
          <Link href="/notifications" onClick={() => setOpen(false)} className="block border-t border-slate-100 px-4 py-2.5 text-center text-sm font-medium text-brand-700 hover:bg-slate-50">
            {t("bell.seeAll")}
          </Link>
        </div>
      ) : null}
    </div>
  );
}

/** One notification in the dropdown: the whole row opens it. */
function BellItem({ n, open, inGroup = false }: { n: InboxNotification; open: (n: InboxNotification) => void; inGroup?: boolean }) {
  const t = useTranslations("inbox");
  // Inside a group the group's row carries the unread tint; the items only darken on hover.
  const tint = inGroup ? "py-2 hover:bg-brand-100/60" : `py-3 hover:bg-slate-50 ${n.readAt ? "" : "bg-brand-50/60"}`;
  return (
    <button type="button" onClick={() => open(n)} className={`flex w-full gap-3 px-4 text-left ${tint}`}>
      <span aria-hidden className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${n.readAt ? "bg-transparent" : "bg-brand-600"}`} />
      <span className="min-w-0 flex-1">
        <span className={`line-clamp-2 block wrap-anywhere text-sm ${n.readAt ? "text-slate-700" : "font-semibold text-slate-900"}`}>
          {n.readAt ? "" : <span className="sr-only">{t("unreadPrefix")}</span>}
          {n.title}
        </span>
        <TimeAgo iso={n.createdAt} className="text-xs text-slate-500" />
      </span>
    </button>
  );
}

/** A group in the dropdown: its summary, the newest as the preview, "Show all" and "Mark all read". */
function BellGroup(props: {
  entry: InboxNotification;
  group: InboxGroupInfo;
  open: (n: InboxNotification) => void;
  markAll: (ids: string[]) => void;
  busy: boolean;
}) {
  const { entry, group } = props;
  const [expanded, setExpanded] = useState(false);
  const summaryId = useId();
  const membersId = useId();
  const members = useGroupMembers(group, expanded);
  const list = members.data?.pages.flatMap((p) => p.items) ?? [];
  const t = useTranslations();
  const words = useGroupWords();
  return (
    <li data-testid="bell-group" className="bg-brand-50/60">
      <p id={summaryId} className="break-words pl-9 pr-4 pt-3 text-sm font-semibold text-brand-800">
        <span className="sr-only">{t("group.unreadGroup")}</span>
        {words.summary(group)}
      </p>
      {expanded ? (
        <div id={membersId}>
          {members.isPending ? (
            <p className="px-4 py-2 text-xs text-slate-500">{t("common.loading")}</p>
          ) : members.isError ? (
            <p role="alert" className="px-4 py-2 text-xs text-rose-700">{t("group.loadError")}</p>
          ) : (
            <ul aria-labelledby={summaryId} className="divide-y divide-brand-100">
              {list.map((n) => (
                <li key={n.id}>
                  <BellItem n={n} open={props.open} inGroup />
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <BellItem n={entry} open={props.open} inGroup />
      )}
      <div className="flex flex-wrap gap-1 pb-2.5 pl-7 pr-4">
        <button
          type="button"
          aria-expanded={expanded}
          aria-controls={expanded ? membersId : undefined}
          aria-describedby={summaryId}
          onClick={() => setExpanded((e) => !e)}
          className="rounded px-2 py-1 text-xs font-medium text-brand-800 hover:bg-brand-100"
        >
          {expanded ? t("group.showLess") : t("group.showAll", { count: group.count })}
        </button>
        <button
          type="button"
          aria-describedby={summaryId}
          disabled={props.busy}
          onClick={() => props.markAll(group.ids)}
          className="rounded px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-50"
        >
          {words.markLabel(group)}
        </button>
      </div>
    </li>
  );
}

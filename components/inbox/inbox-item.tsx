"use client";
/**
 * One notification in the full inbox: its title (opens it, marking it read), body, pickup window, time,
 * business and type, and its actions (read/unread, snooze, archive, delete with undo, delivery details; a
 * snoozed one: unsnooze). Used for plain entries, for a group's preview and for a group's members.
 */
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useLocale, useTranslations } from "use-intl";
import { TimeAgo } from "@/components/ui/time-ago";
import { formatWindow } from "@/components/listings/listing-display";
import { DeliveryDetails } from "./delivery-details";
import { actionsOf, type NotificationActionId } from "@/server/services/notifications/catalog";
import { formatSnoozeTime, SnoozeMenu, type SnoozeChoice } from "./snooze-menu";
import type { InboxNotification } from "./group";
import type { useNotificationActions } from "./use-notification-actions";

/** A row action that changes the notification (details only opens a panel). */
export type RowAction = "read" | "unread" | "archive" | "unarchive" | "delete" | "unsnooze";

export interface ItemContext {
  actions: ReturnType<typeof useNotificationActions>;
  /** Runs a row action; the inbox keeps keyboard focus in place (or on the next row when this one leaves). */
  act: (n: InboxNotification, action: RowAction) => void;
  /** A mutation is running: the row actions wait. */
  busy: boolean;
  /** Type name → label, from the catalog. */
  typeLabel: (type: string) => string;
  /** The notification whose delivery details are open. */
  details: string | null;
  setDetails: (id: string | null) => void;
  /** The notification whose snooze menu is open. */
  snoozeMenu: string | null;
  setSnoozeMenu: (id: string | null) => void;
  /** Snoozes a notification (it leaves the list; focus moves on as for archive). */
  snooze: (n: InboxNotification, choice: SnoozeChoice) => void;
  /** The user's time zone, for "Snoozed until …" (null until known). */
  timeZone: string | null;
  /** A notification whose title should take keyboard focus when it renders (after its group went away). */
  focusId: string | null;
  /** Asks for keyboard focus on a notification's title once it renders as a plain entry. */
  focusOn: (id: string) => void;
  clearFocus: () => void;
}

/**
 * The content of one notification row. `plain`: the row is a plain inbox entry (not inside a group), the
 * one that takes focus when {@link ItemContext.focusId} names it.
 */
export function ItemContent({ n, ctx, plain = false }: { n: InboxNotification; ctx: ItemContext; plain?: boolean }) {
  const router = useRouter();
  const { actions, act, busy, details, setDetails, snoozeMenu, setSnoozeMenu } = ctx;
  const isUnread = !n.readAt;
  const title = useRef<HTMLButtonElement>(null);
  const snoozeButton = useRef<HTMLButtonElement>(null);
  const t = useTranslations("inbox");
  const locale = useLocale();
  const named = (action: string) => t("action.labelled", { action, title: n.title });
  const { focusId, clearFocus } = ctx;
  useEffect(() => {
    if (!plain || focusId !== n.id || !title.current) return;
    title.current.focus();
    clearFocus();
  }, [plain, focusId, n.id, clearFocus]);

  return (
    <div className="min-w-0 flex-1 sm:flex sm:items-start sm:gap-4">
      <div className="min-w-0 flex-1">
        <button
          ref={title}
          type="button"
          onClick={async () => {
            if (isUnread) await actions.markRead.mutateAsync({ ids: [n.id] }).catch(() => undefined);
            if (n.actionUrl) router.push(n.actionUrl);
          }}
          className="block w-full rounded text-left"
        >
          <span className={`block wrap-anywhere text-sm sm:text-base ${isUnread ? "font-semibold text-slate-900" : "text-slate-700"}`}>
            {isUnread ? <span className="sr-only">{t("unreadPrefix")}</span> : null}
            {n.title}
          </span>
          {n.body ? <span className="mt-0.5 block wrap-anywhere text-sm text-slate-600">{n.body}</span> : null}
          <PickupWindow data={n.data} />
          <Photo data={n.data} />
        </button>
        <ActionButtons n={n} ctx={ctx} />
        <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500">
          <TimeAgo iso={n.createdAt} />
          {n.business ? <span>{n.business.name}</span> : null}
          <span className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-600">{ctx.typeLabel(n.type)}</span>
          {n.snoozedUntil ? (
            <span className="font-medium text-amber-800" suppressHydrationWarning>
              {t("snoozedUntil", { time: formatSnoozeTime(n.snoozedUntil, locale, ctx.timeZone ?? undefined) })}
            </span>
          ) : null}
        </div>
        {details === n.id ? <DeliveryDetails notificationId={n.id} /> : null}
        {snoozeMenu === n.id ? (
          <SnoozeMenu
            title={n.title}
            pending={actions.snooze.isPending}
            error={actions.snooze.error?.message ?? null}
            onChoose={(choice) => ctx.snooze(n, choice)}
            onClose={() => {
              setSnoozeMenu(null);
              snoozeButton.current?.focus();
            }}
          />
        ) : null}
      </div>
      <div className="-ml-2 mt-1.5 flex shrink-0 flex-wrap gap-1 sm:ml-0 sm:mt-0">
        <ActionButton label={t(isUnread ? "action.markRead" : "action.markUnread")} onClick={() => act(n, isUnread ? "read" : "unread")} disabled={busy} />
        {n.snoozedUntil ? (
          <ActionButton label={t("action.unsnooze")} ariaLabel={named(t("action.unsnooze"))} onClick={() => act(n, "unsnooze")} disabled={busy} />
        ) : n.archivedAt ? null : (
          <ActionButton
            ref={snoozeButton}
            label={t("action.snooze")}
            ariaLabel={named(t("action.snooze"))}
            onClick={() => setSnoozeMenu(snoozeMenu === n.id ? null : n.id)}
            expanded={snoozeMenu === n.id}
          />
        )}
        <ActionButton label={t(n.archivedAt ? "action.unarchive" : "action.archive")} onClick={() => act(n, n.archivedAt ? "unarchive" : "archive")} disabled={busy} />
        <ActionButton label={t("action.delete")} ariaLabel={named(t("action.delete"))} danger onClick={() => act(n, "delete")} disabled={busy} />
        <ActionButton
          label={t(details === n.id ? "action.hideDetails" : "action.details")}
          onClick={() => setDetails(details === n.id ? null : n.id)}
          expanded={details === n.id}
        />
      </div>
    </div>
  );
}

/**
 * The notification's action buttons (the catalog's, at most two): the click is recorded and reported to the
 * host platform, then the person goes where the server says — the listing in this tab, a map in a new one
 * (opened at the click, so no popup blocker stops it).
 */
function ActionButtons({ n, ctx }: { n: InboxNotification; ctx: ItemContext }) {
  const router = useRouter();
  const t = useTranslations("inbox");
  const ids = actionsOf(n.type);
  if (ids.length === 0) return null;
  const run = (action: NotificationActionId) => {
    if (ctx.busy) return;
    const tab = action === "directions" ? window.open("", "_blank") : null;
    if (tab) tab.opener = null;
    ctx.actions.act.mutate(
      { id: n.id, action },
      {
        onSuccess: ({ url }) => {
          if (url.startsWith("/")) {
            tab?.close();
            router.push(url);
          } else if (tab) tab.location.href = url;
          else window.location.assign(url);
        },
        onError: () => tab?.close(),
      },
    );
  };
  return (
    <div className="mt-2 flex flex-wrap gap-2">
      {ids.map((action) => (
        <button
          key={action}
          type="button"
          onClick={() => run(action)}
          aria-disabled={ctx.busy || undefined}
          aria-label={t("action.labelled", { action: t(`buttons.${action}`), title: n.title })}
          className="rounded-md border border-brand-700/40 bg-white px-3 py-1 text-sm font-medium text-brand-800 hover:bg-brand-50 aria-disabled:opacity-50"
        >
          {t(`buttons.${action}`)}
        </button>
      ))}
    </div>
  );
}

/** A listing's photo, from the notification's data (`image_url`, http(s) only), described by the listing's name. */
function Photo({ data }: { data: Record<string, unknown> }) {
  const url = typeof data.image_url === "string" && /^https?:\/\//.test(data.image_url) ? data.image_url : null;
  if (!url) return null;
  const alt = typeof data.listing_name === "string" ? data.listing_name : "";
  // eslint-disable-next-line @next/next/no-img-element -- an uploaded photo on disk or in a bucket, not a build-time asset
  return <img src={url} alt={alt} loading="lazy" className="mt-2 block aspect-[16/9] w-full max-w-sm rounded-lg object-cover" />;
}

/** A listing's pickup window, from the notification's data (ISO 8601), in the reader's time zone. */
function PickupWindow({ data }: { data: Record<string, unknown> }) {
  const t = useTranslations("inbox");
  const locale = useLocale();
  const start = typeof data.pickup_start === "string" ? new Date(data.pickup_start) : null;
  const end = typeof data.pickup_end === "string" ? new Date(data.pickup_end) : null;
  if (!start || !end || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return null;
  return (
    <span className="mt-0.5 block text-sm text-slate-600" suppressHydrationWarning>
      {t("pickup", { window: formatWindow(start, end, undefined, locale) })}
    </span>
  );
}

/**
 * A row action. While another change runs it is `aria-disabled`, not `disabled`: a disabled button loses
 * keyboard focus to `<body>`, and the button that was just pressed must keep it.
 */
function ActionButton({
  ref,
  ...props
}: {
  ref?: React.Ref<HTMLButtonElement>;
  label: string;
  onClick: () => void;
  disabled?: boolean;
  danger?: boolean;
  /** The accessible name when the visible label needs its notification ("Delete: Soup of the day"). */
  ariaLabel?: string;
  expanded?: boolean;
}) {
  return (
    <button
      ref={ref}
      type="button"
      onClick={() => !props.disabled && props.onClick()}
      aria-disabled={props.disabled || undefined}
      aria-expanded={props.expanded}
      aria-label={props.ariaLabel}
      className={`rounded px-2 py-1 text-xs font-medium aria-disabled:opacity-50 ${props.danger ? "text-rose-700 hover:bg-rose-50" : "text-slate-600 hover:bg-slate-100"}`}
    >
      {props.label}
    </button>
  );
}

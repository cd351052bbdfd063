"use client";
/**
 * A group in the full inbox: "5 new listings from Mario's Trattoria", with the newest one as the preview
 * (a normal notification with its own actions), "Show all 5" to list every member inline, and "Mark all 5
 * read", which marks exactly the ids the server sent with the group.
 */
import { useId, useState } from "react";
import { BusinessLogo } from "@/components/businesses/business-logo";
import { useTranslations } from "use-intl";
import { useGroupMembers, useGroupWords, type InboxEntry, type InboxGroupInfo } from "./group";
import { ItemContent, type ItemContext } from "./inbox-item";

export function InboxGroupRow({ entry, group, ctx }: { entry: InboxEntry; group: InboxGroupInfo; ctx: ItemContext }) {
  const [open, setOpen] = useState(false);
  const summaryId = useId();
  const membersId = useId();
  const members = useGroupMembers(group, open);
  const list = members.data?.pages.flatMap((p) => p.items) ?? [];
  const t = useTranslations();
  const words = useGroupWords();

  return (
    <li data-testid="inbox-item" data-group={group.key} data-unread="true" className="bg-brand-50/50 p-3 sm:p-4">
      <div className="flex items-center gap-3">
        <span aria-hidden className="h-2 w-2 shrink-0 rounded-full bg-brand-600" />
        {entry.business ? (
          <BusinessLogo slug={entry.business.slug} size={36} />
        ) : (
          <span aria-hidden className="grid h-9 w-9 shrink-0 place-items-center rounded-lg bg-slate-200 text-sm">H</span>
        )}
        <p id={summaryId} className="min-w-0 break-words text-sm font-semibold text-brand-800 sm:text-base">
          <span className="sr-only">{t("group.unreadGroup")}</span>
          {words.summary(group)}
        </p>
      </div>
      {/* On phones the cards use the row's full width; from sm up they line up with the text of plain rows. */}
      <div className="sm:pl-17">
        {open ? (
          <div id={membersId} className="mt-2">
            {members.isPending ? (
              <p className="rounded-lg border border-slate-200 bg-white px-3 py-3 text-sm text-slate-600">{t("common.loading")}</p>
            ) : members.isError ? (
              <p role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
                {t("group.loadError")}{" "}
                <button type="button" className="font-medium underline" onClick={() => void members.refetch()}>
                  {t("common.tryAgain")}
                </button>
              </p>
            ) : (
              <ul aria-labelledby={summaryId} className="divide-y divide-slate-200 overflow-hidden rounded-lg border border-slate-200 bg-white">
                {list.map((n) => (
                  <li key={n.id} data-testid="inbox-group-member" className="flex px-3 py-2.5">
                    <ItemContent n={n} ctx={ctx} />
                  </li>
                ))}
                {list.length === 0 ? <li className="px-3 py-3 text-sm text-slate-600">{t("group.allRead")}</li> : null}
              </ul>
            )}
            {members.hasNextPage ? (
              <button
                type="button"
                onClick={() => void members.fetchNextPage()}
                disabled={members.isFetchingNextPage}
                className="mt-2 rounded-md px-2 py-1 text-xs font-medium text-brand-700 hover:bg-brand-50 disabled:opacity-60"
              >
                {members.isFetchingNextPage ? t("common.loading") : t("group.loadMore")}
              </button>
            ) : null}
          </div>
        ) : (
          <div className="mt-2 flex rounded-lg border border-slate-200 bg-white px-3 py-2.5">
            <ItemContent n={entry} ctx={ctx} />
          </div>
        )}

        <div className="mt-2 flex flex-wrap gap-2">
          <button
            type="button"
            aria-expanded={open}
            aria-controls={open ? membersId : undefined}
            aria-describedby={summaryId}
            onClick={() => setOpen((o) => !o)}
            className="inline-flex items-center gap-1 rounded-md border border-brand-700/30 bg-white px-2.5 py-1 text-xs font-medium text-brand-800 hover:bg-brand-50"
          >
            <svg aria-hidden viewBox="0 0 20 20" className={`h-3.5 w-3.5 transition-transform ${open ? "rotate-180" : ""}`} fill="currentColor">
              <path d="M5.3 7.3a1 1 0 0 1 1.4 0L10 10.6l3.3-3.3a1 1 0 1 1 1.4 1.4l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 0 1 0-1.4Z" />
            </svg>
            {open ? t("group.showLess") : t("group.showAll", { count: group.count })}
          </button>
          <button
            type="button"
            aria-describedby={summaryId}
            aria-disabled={ctx.busy || undefined}
            onClick={async () => {
              if (ctx.busy) return;
              const done = await ctx.actions.markRead.mutateAsync({ ids: group.ids }).then(() => true, () => false);
              if (done) ctx.focusOn(entry.id);
            }}
            className="rounded-md px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 aria-disabled:opacity-50"
          >
            {words.markLabel(group)}
          </button>
        </div>
      </div>
    </li>
  );
}

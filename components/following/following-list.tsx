"use client";
/** /following: the businesses you follow; unfollowing keeps the row with an Undo until you leave. */
import Link from "next/link";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";
import { BusinessLogo } from "@/components/businesses/business-logo";
import { TimeAgo } from "@/components/ui/time-ago";

interface Row {
  business: { id: string; name: string; slug: string; address: string; rating: number; followersCount: number };
  followedAt: string;
  notificationCount: number;
}

export function FollowingList({ initial }: { initial: Row[] }) {
  const trpc = useTRPC();
  const t = useTranslations("following");
  const format = useFormatter();
  const [removed, setRemoved] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const unfollow = useMutation(trpc.following.unfollow.mutationOptions());
  const follow = useMutation(trpc.following.follow.mutationOptions());
  const toggle = (id: string, on: boolean) =>
    setRemoved((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return (
    <>
      {error ? <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">{error}</p> : null}
      <ul data-testid="following-list" className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white">
        {initial.map((f) => {
          const gone = removed.has(f.business.id);
          return (
            <li key={f.business.id} className={`flex flex-wrap items-center gap-3 p-4 ${gone ? "bg-slate-50" : ""}`}>
              <BusinessLogo slug={f.business.slug} size={44} />
              <div className="min-w-0 flex-1">
                <Link href={`/businesses/${f.business.slug}`} className={`font-medium hover:underline ${gone ? "text-slate-500" : ""}`}>{f.business.name}</Link>
                {gone ? (
                  <p role="status" className="text-sm text-slate-600">{t("unfollowed", { business: f.business.name })}</p>
                ) : (
                  <>
                    <p className="truncate text-sm text-slate-600">{f.business.address}</p>
                    <p className="text-xs text-slate-500">
                      {t.rich("stats", {
                        rating: format.number(f.business.rating, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
                        followers: f.business.followersCount,
                        notifications: f.notificationCount,
                        ago: () => <TimeAgo iso={f.followedAt} />,
                      })}
                    </p>
                  </>
                )}
              </div>
              <button
                type="button"
                disabled={unfollow.isPending || follow.isPending}
                onClick={async () => {
                  setError(null);
                  try {
                    if (gone) {
                      await follow.mutateAsync({ businessId: f.business.id });
                      toggle(f.business.id, false);
                    } else {
                      await unfollow.mutateAsync({ businessId: f.business.id });
                      toggle(f.business.id, true);
                    }
                  } catch (err) {
                    setError((err as Error).message);
                  }
                }}
                className={gone ? "rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800" : "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"}
                aria-label={t(gone ? "undoLabel" : "unfollowLabel", { business: f.business.name })}
              >
                {gone ? t("undo") : t("unfollow")}
              </button>
            </li>
          );
        })}
      </ul>
    </>
  );
}

"use client";
/**
 * /business: followers (live: a new follower appears without a reload, `business.new_follower`,
 * docs/requirements.md R2.3, R6.2), the 30-day engagement score, and per-post delivery stats (recipients,
 * read, emails sent, delivery rate, click-through rate and unsubscribes: the admin analytics' formulas,
 * server/services/analytics/metrics.ts).
 */
import Link from "next/link";
import { useEffect, useState } from "react";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";
import { refreshQueries } from "@/components/refresh-queries";
import { useRealtime } from "@/components/realtime/realtime-provider";
import { TimeAgo } from "@/components/ui/time-ago";

type Role = "CUSTOMER" | "NGO" | undefined;

export function BusinessDashboard({ businessId }: { businessId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { pusher } = useRealtime();
  const t = useTranslations("business");
  const tr = useTranslations();
  const format = useFormatter();
  /** A count in the reader's language. */
  const num = (n: number) => format.number(n);
  /**
   * A rate (fraction) as a percentage in the reader's language: one decimal from 1 % up, two below, trailing
   * zeros dropped (the admin analytics' rule); "—" when there is no rate (nothing to divide by).
   */
  const pct = (r: number | null | undefined) => {
    if (r === null || r === undefined || !Number.isFinite(r)) return "—";
    return format.number(r, { style: "percent", maximumFractionDigits: r !== 0 && Math.abs(r) < 0.01 ? 2 : 1 });
  };
  const [role, setRole] = useState<Role>(undefined);
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [announce, setAnnounce] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const overview = useQuery(trpc.businessDashboard.overview.queryOptions());
  const stats = useQuery(trpc.businessDashboard.listingStats.queryOptions());
  const followers = useInfiniteQuery(
    trpc.businessDashboard.followers.infiniteQueryOptions({ limit: 25, role, query: query || undefined }, { getNextPageParam: (p) => p.nextCursor ?? undefined }),
  );

  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);

  useEffect(() => {
    if (!pusher) return;
    const channel = pusher.channel(`private-business-${businessId}`) ?? pusher.subscribe(`private-business-${businessId}`);
    const onFollower = (data: { follower?: { name?: string }; total_followers?: number }) => {
      const name = data.follower?.name;
      setAnnounce(name ? t("newFollower", { name }) : t("someoneFollowed"));
      void refreshQueries(queryClient, trpc.businessDashboard.pathKey());
    };
    const onSubscribed = () => setLive(true);
    if (channel.subscribed) queueMicrotask(onSubscribed);
    channel.bind("pusher:subscription_succeeded", onSubscribed);
    channel.bind("business.new_follower", onFollower);
    return () => {
      channel.unbind("pusher:subscription_succeeded", onSubscribed);
      channel.unbind("business.new_follower", onFollower);
    };
  }, [pusher, businessId, queryClient, trpc, t]);

  const items = followers.data?.pages.flatMap((p) => p.items) ?? [];
  const o = overview.data;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{o?.business.name ?? t("title")}</h1>
          <p className="text-sm text-slate-600">
            {t("intro")}{" "}
            {live ? (
              <span data-testid="live" className="ml-1 inline-flex items-center gap-1 text-xs font-medium text-brand-700">
                <span aria-hidden className="h-2 w-2 rounded-full bg-brand-600" /> {t("live")}
              </span>
            ) : null}
          </p>
        </div>
        <Link href="/business/listings/new" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">{t("newListing")}</Link>
      </div>
      <p role="status" aria-live="polite" className="min-h-5 text-sm font-medium text-brand-800" data-testid="new-follower">{announce}</p>

      <div className="grid gap-4 sm:grid-cols-3">
        <Stat label={t("followersTotal")} value={o ? num(o.followers) : "…"} testId="followers-total" />
        <Stat
          label={t("engagement")}
          value={o ? (o.engagement.rate === null ? "—" : format.number(o.engagement.rate, { style: "percent", maximumFractionDigits: 0 })) : "…"}
          hint={t("engagementHint")}
        />
        <Stat label={t("notificationsSent")} value={o ? num(o.engagement.received) : "…"} />
      </div>

      <section aria-labelledby="posts-title" className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="posts-title" className="font-semibold">{t("postsTitle")}</h2>
        {stats.isPending ? (
          <p className="mt-3 text-sm text-slate-500">{t("loading")}</p>
        ) : stats.isError ? (
          <p role="alert" className="mt-3 text-sm text-rose-700">{t("postsError")}</p>
        ) : stats.data.length === 0 ? (
          <p className="mt-3 text-sm text-slate-600">
            {t.rich("noPosts", {
              link: (c) => <Link href="/business/listings/new" className="text-brand-700 hover:underline">{c}</Link>,
            })}
          </p>
        ) : (
          <>
            <div role="region" aria-label={t("postStats")} tabIndex={0} className="mt-3 hidden overflow-x-auto md:block">
              <table className="w-full min-w-[40rem] text-left text-sm">
                <thead className="text-xs uppercase tracking-wide text-slate-500">
                  <tr>
                    <th scope="col" className="py-2 pr-3 font-medium">{t("column.post")}</th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">{t("column.recipients")}</th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">{t("column.read")}</th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">{t("column.sent")}</th>
                    <th scope="col" className="px-3 py-2 text-right font-medium" title={t("column.deliveryTitle")}>{t("column.delivery")}</th>
                    <th scope="col" className="px-3 py-2 text-right font-medium" title={t("column.clickThroughTitle")}>{t("column.clickThrough")}</th>
                    <th scope="col" className="py-2 pl-3 text-right font-medium">{t("column.unsubscribes")}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {stats.data.map((s) => (
                    <tr key={s.listingId} data-testid="post-stats">
                      <td className="py-2 pr-3">
                        <Link href={`/listings/${s.listingId}`} className="font-medium hover:underline">{s.title}</Link>
                        <span className="block text-xs text-slate-500"><TimeAgo iso={s.createdAt} /></span>
                      </td>
                      <td className="px-3 py-2 text-right tabular-nums">{num(s.recipients)}</td>
                      <td className="px-3 py-2 text-right tabular-nums">{num(s.read)}{s.readRate !== null ? <span className="text-slate-500"> ({pct(s.readRate)})</span> : null}</td>
                      <td className="px-3 py-2 text-right tabular-nums">{num(s.sent)}</td>
                      <td className="px-3 py-2 text-right tabular-nums">{pct(s.deliveryRate)}</td>
                      <td className="px-3 py-2 text-right tabular-nums">{pct(s.clickThroughRate)}</td>
                      <td className="py-2 pl-3 text-right tabular-nums">{num(s.unsubscribes)}{s.unsubscribeRate !== null ? <span className="text-slate-500"> ({pct(s.unsubscribeRate)})</span> : null}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <ul aria-label={t("postStats")} className="mt-3 space-y-3 md:hidden">
              {stats.data.map((s) => (
                <li key={s.listingId} data-testid="post-card" className="rounded-xl border border-slate-200 p-3">
                  <Link href={`/listings/${s.listingId}`} className="font-medium hover:underline">{s.title}</Link>
                  <span className="block text-xs text-slate-500"><TimeAgo iso={s.createdAt} /></span>
                  <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
                    {(
                      [
                        [t("column.recipients"), num(s.recipients)],
                        [t("column.read"), s.readRate !== null ? `${num(s.read)} (${pct(s.readRate)})` : num(s.read)],
                        [t("column.sent"), num(s.sent)],
                        [t("column.delivery"), pct(s.deliveryRate)],
                        [t("column.clickThrough"), pct(s.clickThroughRate)],
                        [t("column.unsubscribes"), s.unsubscribeRate !== null ? `${num(s.unsubscribes)} (${pct(s.unsubscribeRate)})` : num(s.unsubscribes)],
                      ] as const
                    ).map(([k, v]) => (
                      <div key={k} className="flex items-baseline justify-between gap-2 border-b border-slate-100 pb-1">
                        <dt className="text-slate-600">{k}</dt>
                        <dd className="font-medium tabular-nums">{v}</dd>
                      </div>
                    ))}
                  </dl>
                </li>
              ))}
            </ul>
            <p className="mt-3 text-xs text-slate-500">{t("legend")}</p>
          </>
        )}
      </section>

      <section aria-labelledby="followers-title" className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="followers-title" className="font-semibold">{t("followersTitle")}</h2>
          <div className="flex flex-wrap items-center gap-2">
            <div role="group" aria-label={t("show")} className="inline-flex rounded-lg border border-slate-300 bg-white p-0.5">
              {([[undefined, t("filter.all")], ["CUSTOMER", t("filter.customers")], ["NGO", t("filter.ngos")]] as const).map(([value, label]) => (
                <button key={label} type="button" aria-pressed={role === value} onClick={() => setRole(value)} className={`rounded-md px-3 py-1 text-sm ${role === value ? "bg-brand-700 font-medium text-white" : "text-slate-700 hover:bg-slate-100"}`}>
                  {label}
                </button>
              ))}
            </div>
            <label className="sr-only" htmlFor="follower-search">{t("searchLabel")}</label>
            <input id="follower-search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t("searchPlaceholder")} className="w-44 rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
          </div>
        </div>
        {followers.isPending ? (
          <p className="mt-3 text-sm text-slate-500">{t("loading")}</p>
        ) : followers.isError ? (
          <p role="alert" className="mt-3 text-sm text-rose-700">{t("followersError")}</p>
        ) : items.length === 0 ? (
          <p className="mt-3 text-sm text-slate-600">{query || role ? t("nobodyMatches") : t("noFollowers")}</p>
        ) : (
          <ul data-testid="followers-list" className="mt-3 divide-y divide-slate-100">
            {items.map((f) => (
              <li key={f.userId} className="flex items-center justify-between gap-3 py-2 text-sm">
                <span className="font-medium text-slate-800">{f.name}</span>
                <span className="flex items-center gap-3 text-xs text-slate-500">
                  <span className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-700">{tr(f.role === "NGO" ? "header.role.NGO" : "header.role.CUSTOMER")}</span>
                  <TimeAgo iso={f.followedAt} />
                </span>
              </li>
            ))}
          </ul>
        )}
        {followers.hasNextPage ? (
          <button type="button" onClick={() => void followers.fetchNextPage()} disabled={followers.isFetchingNextPage} className="mt-3 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-60">
            {followers.isFetchingNextPage ? t("loading") : t("loadMore")}
          </button>
        ) : null}
      </section>
    </div>
  );
}

function Stat(props: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
      <p className="text-sm text-slate-600">{props.label}</p>
      <p data-testid={props.testId} className="mt-1 text-3xl font-semibold tabular-nums text-slate-900">{props.value}</p>
      {props.hint ? <p className="mt-1 text-xs text-slate-500">{props.hint}</p> : null}
    </div>
  );
}

"use client";
/**
 * /business: followers (live: a new follower appears without a reload, seed 001 §4.2
 * `business.new_follower`), the 30-day engagement score, and per-post delivery stats (recipients, read,
 * emails sent, delivery rate, click-through rate and unsubscribes: the admin analytics' formulas,
 * server/services/analytics/metrics.ts).
 */
import Link from "next/link";
import { useEffect, useState } from "react";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { refreshQueries } from "@/components/refresh-queries";
import { useRealtime } from "@/components/realtime/realtime-provider";
import { TimeAgo } from "@/components/ui/time-ago";
import { num, pct } from "@/components/admin/analytics/format";

type Role = "CUSTOMER" | "NGO" | undefined;

export function BusinessDashboard({ businessId }: { businessId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { pusher } = useRealtime();
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
    const t = setTimeout(() => setQuery(search.trim()), 250);
    return () => clearTimeout(t);
  }, [search]);

  useEffect(() => {
    if (!pusher) return;
    const channel = pusher.channel(`private-business-${businessId}`) ?? pusher.subscribe(`private-business-${businessId}`);
    const onFollower = (data: { follower?: { name?: string }; total_followers?: number }) => {
      setAnnounce(`${data.follower?.name ?? "Someone"} started following you`);
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
  }, [pusher, businessId, queryClient, trpc]);

  const items = followers.data?.pages.flatMap((p) => p.items) ?? [];
  const o = overview.data;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{o?.business.name ?? "Dashboard"}</h1>
          <p className="text-sm text-slate-600">
            Your followers and how your posts do.{" "}
            {live ? (
              <span data-testid="live" className="ml-1 inline-flex items-center gap-1 text-xs font-medium text-brand-700">
                <span aria-hidden className="h-2 w-2 rounded-full bg-brand-600" /> Live
              </span>
            ) : null}
          </p>
        </div>
        <Link href="/business/listings/new" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">New listing</Link>
      </div>
      <p role="status" aria-live="polite" className="min-h-5 text-sm font-medium text-brand-800" data-testid="new-follower">{announce}</p>

      <div className="grid gap-4 sm:grid-cols-3">
        <Stat label="Followers" value={o ? o.followers.toLocaleString() : "…"} testId="followers-total" />
        <Stat
          label="Engagement (30 days)"
          value={o ? (o.engagement.rate === null ? "—" : `${Math.round(o.engagement.rate * 100)}%`) : "…"}
          hint="Share of the notifications you caused that were read."
        />
        <Stat label="Notifications sent (30 days)" value={o ? o.engagement.received.toLocaleString() : "…"} />
      </div>

      <section aria-labelledby="posts-title" className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="posts-title" className="font-semibold">Your latest posts</h2>
        {stats.isPending ? (
          <p className="mt-3 text-sm text-slate-500">Loading…</p>
        ) : stats.isError ? (
          <p role="alert" className="mt-3 text-sm text-rose-700">Could not load post stats.</p>
        ) : stats.data.length === 0 ? (
          <p className="mt-3 text-sm text-slate-600">No posts yet. <Link href="/business/listings/new" className="text-brand-700 hover:underline">Post your first listing</Link>.</p>
        ) : (
          <>
            <div role="region" aria-label="Post stats" tabIndex={0} className="mt-3 hidden overflow-x-auto md:block">
              <table className="w-full min-w-[40rem] text-left text-sm">
                <thead className="text-xs uppercase tracking-wide text-slate-500">
                  <tr>
                    <th scope="col" className="py-2 pr-3 font-medium">Post</th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">Recipients</th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">Read</th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">Emails sent</th>
                    <th scope="col" className="px-3 py-2 text-right font-medium" title="Delivered ÷ emails sent">Delivery</th>
                    <th scope="col" className="px-3 py-2 text-right font-medium" title="Clicked ÷ emails sent">Click-through</th>
                    <th scope="col" className="py-2 pl-3 text-right font-medium">Unsubscribes</th>
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
            <ul aria-label="Post stats" className="mt-3 space-y-3 md:hidden">
              {stats.data.map((s) => (
                <li key={s.listingId} data-testid="post-card" className="rounded-xl border border-slate-200 p-3">
                  <Link href={`/listings/${s.listingId}`} className="font-medium hover:underline">{s.title}</Link>
                  <span className="block text-xs text-slate-500"><TimeAgo iso={s.createdAt} /></span>
                  <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
                    {(
                      [
                        ["Recipients", num(s.recipients)],
                        ["Read", s.readRate !== null ? `${num(s.read)} (${pct(s.readRate)})` : num(s.read)],
                        ["Emails sent", num(s.sent)],
                        ["Delivery", pct(s.deliveryRate)],
                        ["Click-through", pct(s.clickThroughRate)],
                        ["Unsubscribes", s.unsubscribeRate !== null ? `${num(s.unsubscribes)} (${pct(s.unsubscribeRate)})` : num(s.unsubscribes)],
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
            <p className="mt-3 text-xs text-slate-500">
              Delivery = delivered ÷ emails sent; click-through = emails with a clicked link ÷ emails sent; unsubscribes came through that post&rsquo;s email. “—” means no email was sent.
            </p>
          </>
        )}
      </section>

      <section aria-labelledby="followers-title" className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="followers-title" className="font-semibold">Followers</h2>
          <div className="flex flex-wrap items-center gap-2">
            <div role="group" aria-label="Show" className="inline-flex rounded-lg border border-slate-300 bg-white p-0.5">
              {([[undefined, "All"], ["CUSTOMER", "Customers"], ["NGO", "NGOs"]] as const).map(([value, label]) => (
                <button key={label} type="button" aria-pressed={role === value} onClick={() => setRole(value)} className={`rounded-md px-3 py-1 text-sm ${role === value ? "bg-brand-700 font-medium text-white" : "text-slate-700 hover:bg-slate-100"}`}>
                  {label}
                </button>
              ))}
            </div>
            <label className="sr-only" htmlFor="follower-search">Search followers</label>
            <input id="follower-search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Search by name" className="w-44 rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
          </div>
        </div>
        {followers.isPending ? (
          <p className="mt-3 text-sm text-slate-500">Loading…</p>
        ) : followers.isError ? (
          <p role="alert" className="mt-3 text-sm text-rose-700">Could not load followers.</p>
        ) : items.length === 0 ? (
          <p className="mt-3 text-sm text-slate-600">{query || role ? "Nobody matches." : "No followers yet. Share your page so people can follow you."}</p>
        ) : (
          <ul data-testid="followers-list" className="mt-3 divide-y divide-slate-100">
            {items.map((f) => (
              <li key={f.userId} className="flex items-center justify-between gap-3 py-2 text-sm">
                <span className="font-medium text-slate-800">{f.name}</span>
                <span className="flex items-center gap-3 text-xs text-slate-500">
                  <span className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-700">{f.role === "NGO" ? "NGO" : "Customer"}</span>
                  <TimeAgo iso={f.followedAt} />
                </span>
              </li>
            ))}
          </ul>
        )}
        {followers.hasNextPage ? (
          <button type="button" onClick={() => void followers.fetchNextPage()} disabled={followers.isFetchingNextPage} className="mt-3 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-60">
            {followers.isFetchingNextPage ? "Loading…" : "Load more"}
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

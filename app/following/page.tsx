import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/server/auth";
import { api } from "@/server/trpc/server";
import { BusinessLogo } from "@/components/businesses/business-logo";
import { FollowButton } from "@/components/following/follow-button";
import { TimeAgo } from "@/components/ui/time-ago";

export const metadata: Metadata = { title: "Following" };

export default async function FollowingPage() {
  await requireUser("/following");
  const following = await (await api()).following.list();
  return (
    <section aria-labelledby="following-title" className="space-y-5">
      <div>
        <h1 id="following-title" className="text-2xl font-semibold tracking-tight">Following</h1>
        <p className="text-sm text-slate-600">
          {following.length === 0 ? "You don't follow any business yet." : `You follow ${following.length} business${following.length === 1 ? "" : "es"}.`}
        </p>
      </div>
      {following.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center">
          <p className="text-slate-700">Businesses you follow tell you when they post food.</p>
          <Link href="/businesses" className="mt-3 inline-block rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">Browse businesses</Link>
        </div>
      ) : (
        <ul data-testid="following-list" className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white">
          {following.map((f) => (
            <li key={f.business.id} className="flex flex-wrap items-center gap-3 p-4">
              <BusinessLogo slug={f.business.slug} size={44} />
              <div className="min-w-0 flex-1">
                <Link href={`/businesses/${f.business.slug}`} className="font-medium hover:underline">{f.business.name}</Link>
                <p className="truncate text-sm text-slate-600">{f.business.address}</p>
                <p className="text-xs text-slate-500">
                  ★ {f.business.rating.toFixed(1)} · {f.business.followersCount} followers · followed <TimeAgo iso={f.followedAt} /> · {f.notificationCount} notification{f.notificationCount === 1 ? "" : "s"}
                </p>
              </div>
              <FollowButton businessId={f.business.id} businessName={f.business.name} following />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

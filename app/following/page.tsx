import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/server/auth";
import { api } from "@/server/trpc/server";
import { FollowingList } from "@/components/following/following-list";

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
        <FollowingList initial={following} />
      )}
    </section>
  );
}

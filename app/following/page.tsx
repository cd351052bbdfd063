import type { Metadata } from "next";
import Link from "next/link";
import { currentUser, requireUser } from "@/server/auth";
import { api } from "@/server/trpc/server";
import { FollowingList } from "@/components/following/following-list";
import { requestTranslator } from "@/server/i18n-request";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("following.title") };
}

export default async function FollowingPage() {
  const user = await requireUser("/following");
  const t = await requestTranslator(user);
  const following = await (await api()).following.list();
  return (
    <section aria-labelledby="following-title" className="space-y-5">
      <div>
        <h1 id="following-title" className="text-2xl font-semibold tracking-tight">{t("following.heading")}</h1>
        <p className="text-sm text-slate-600">
          {following.length === 0 ? t("following.none") : t("following.count", { count: following.length })}
        </p>
      </div>
      {following.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center">
          <p className="text-slate-700">{t("following.emptyHint")}</p>
          <Link href="/businesses" className="mt-3 inline-block rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">{t("following.browse")}</Link>
        </div>
      ) : (
        <FollowingList initial={following} />
      )}
    </section>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { api } from "@/server/trpc/server";
import { currentUser } from "@/server/auth";
import { BusinessLogo } from "@/components/businesses/business-logo";
import { FollowButton } from "@/components/following/follow-button";
import { INTL_LOCALE } from "@/lib/i18n";
import { requestLocale, requestTranslator } from "@/server/i18n-request";
import { translator } from "@/server/i18n";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("businesses.title") };
}

export default async function BusinessesPage(props: { searchParams: Promise<{ q?: string; after?: string }> }) {
  const params = await props.searchParams;
  const q = params.q?.slice(0, 100) ?? "";
  const after = params.after?.slice(0, 400) || null;
  const [caller, user] = [await api(), await currentUser()];
  const page = await caller.businesses.list({ query: q || undefined, after }).catch((err: unknown) => {
    if (err instanceof TRPCError && err.code === "BAD_REQUEST") notFound();
    throw err;
  });
  const businesses = page.items;
  const link = (cursor: string | null) => `/businesses?${new URLSearchParams({ ...(q ? { q } : {}), ...(cursor ? { after: cursor } : {}) })}`;
  const canFollow = user?.role === "CUSTOMER" || user?.role === "NGO";
  const locale = await requestLocale(user);
  const t = translator(locale);
  const rating = new Intl.NumberFormat(INTL_LOCALE[locale], { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return (
    <section aria-labelledby="biz-title" className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 id="biz-title" className="text-2xl font-semibold tracking-tight">{t("businesses.heading")}</h1>
          <p className="text-sm text-slate-600">{t("businesses.intro")}</p>
        </div>
        <form role="search" className="flex gap-2" action="/businesses">
          <label htmlFor="q" className="sr-only">{t("businesses.searchLabel")}</label>
          <input id="q" name="q" defaultValue={q} placeholder={t("businesses.searchPlaceholder")} className="w-56 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm" />
          <button className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50">{t("businesses.search")}</button>
        </form>
      </div>
      {businesses.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center text-sm text-slate-600">
          {t("businesses.noMatch", { query: q })}
        </p>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {businesses.map((b) => (
            <li key={b.id} className="flex flex-col rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
              <div className="flex items-start gap-3">
                <BusinessLogo slug={b.slug} size={48} />
                <div className="min-w-0">
                  <h2 className="font-semibold leading-tight">
                    <Link href={`/businesses/${b.slug}`} className="hover:underline">{b.name}</Link>
                  </h2>
                  <p className="truncate text-sm text-slate-600">{b.address}</p>
                  <p className="mt-0.5 text-xs text-slate-500">
                    <span aria-label={t("businesses.rated", { rating: rating.format(b.rating) })}>★ {rating.format(b.rating)}</span> · {t("businesses.followers", { count: b.followersCount })}
                  </p>
                </div>
              </div>
              <p className="mt-3 line-clamp-2 flex-1 text-sm text-slate-700">{b.description}</p>
              {canFollow ? (
                <div className="mt-3">
                  <FollowButton businessId={b.id} businessName={b.name} following={b.following} />
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {after || page.next ? (
        <nav aria-label={t("businesses.pages")} className="flex justify-between text-sm">
          {after ? <Link href={link(null)} className="font-medium text-brand-700 hover:underline">{t("businesses.firstPage")}</Link> : <span />}
          {page.next ? <Link href={link(page.next)} className="font-medium text-brand-700 hover:underline">{t("businesses.nextPage")}</Link> : null}
        </nav>
      ) : null}
    </section>
  );
}

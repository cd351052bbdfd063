import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { api } from "@/server/trpc/server";
import { currentUser } from "@/server/auth";
import { BusinessLogo } from "@/components/businesses/business-logo";
import { FollowButton } from "@/components/following/follow-button";
import { formatPrice, formatWindow } from "@/components/listings/listing-display";
import { INTL_LOCALE } from "@/lib/i18n";
import { requestLocale } from "@/server/i18n-request";
import { translator } from "@/server/i18n";

type Props = { params: Promise<{ slug: string }> };

async function load(slug: string) {
  try {
    return await (await api()).businesses.bySlug({ slug });
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
    throw err;
  }
}

export async function generateMetadata(props: Props): Promise<Metadata> {
  const { business } = await load((await props.params).slug);
  return { title: business.name };
}

export default async function BusinessPage(props: Props) {
  const { business, listings } = await load((await props.params).slug);
  const user = await currentUser();
  const canFollow = user?.role === "CUSTOMER" || user?.role === "NGO";
  const locale = await requestLocale(user);
  const t = translator(locale);
  const rating = new Intl.NumberFormat(INTL_LOCALE[locale], { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(business.rating);
  return (
    <article className="space-y-6">
      <Link href="/businesses" className="text-sm text-brand-700 hover:underline">{t("businesses.allBusinesses")}</Link>
      <header className="flex flex-wrap items-start gap-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
        <BusinessLogo slug={business.slug} size={72} />
        <div className="min-w-0 flex-1">
          <h1 className="text-2xl font-semibold tracking-tight">{business.name}</h1>
          <p className="text-sm text-slate-600">{business.address}</p>
          <p className="mt-1 text-sm text-slate-600">
            <span aria-label={t("businesses.rated", { rating })}>★ {rating}</span> ·{" "}
            {t.rich("businesses.followersCount", { count: business.followersCount, n: (chunks) => <span data-testid="followers-count">{chunks}</span> })}
          </p>
          <p className="mt-3 max-w-prose text-slate-700">{business.description}</p>
        </div>
        {canFollow ? <FollowButton businessId={business.id} businessName={business.name} following={business.following} /> : null}
      </header>
      <section aria-labelledby="listings-title" className="space-y-3">
        <h2 id="listings-title" className="text-lg font-semibold">{t("businesses.latestListings")}</h2>
        {listings.length === 0 ? (
          <p className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">{t("businesses.noListings")}</p>
        ) : (
          <ul className="grid gap-3 sm:grid-cols-2">
            {listings.map((l) => (
              <li key={l.id} className="rounded-xl border border-slate-200 bg-white p-4">
                <Link href={`/listings/${l.id}`} className="font-medium hover:underline">{l.title}</Link>
                <p className="text-sm text-slate-600">
                  {t("businesses.listingLine", { price: formatPrice(l.priceCents, l.currency, INTL_LOCALE[locale]), window: formatWindow(l.pickupStart, l.pickupEnd, undefined, INTL_LOCALE[locale]) })}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { api } from "@/server/trpc/server";
import { BusinessLogo } from "@/components/businesses/business-logo";
import { formatPrice, formatWindow, isPast } from "@/components/listings/listing-display";
import { currentUser } from "@/server/auth";
import { INTL_LOCALE } from "@/lib/i18n";
import { requestLocale, requestTranslator } from "@/server/i18n-request";
import { translator } from "@/server/i18n";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("listing.title") };
}

export default async function ListingPage(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  let listing;
  try {
    listing = await (await api()).listings.get({ id });
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
    throw err;
  }
  const expired = isPast(listing.expiresAt);
  const locale = await requestLocale(await currentUser());
  const t = translator(locale);
  const intl = INTL_LOCALE[locale];
  return (
    <article className="mx-auto max-w-2xl space-y-4">
      <Link href={`/businesses/${listing.business.slug}`} className="flex items-center gap-3 text-sm text-slate-700 hover:underline">
        <BusinessLogo slug={listing.business.slug} size={32} /> {listing.business.name}
      </Link>
      <div className="overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm">
        {listing.imageUrl ? (
          // eslint-disable-next-line @next/next/no-img-element -- an uploaded photo on disk or in a bucket, not a build-time asset
          <img src={listing.imageUrl} alt={listing.title} className="aspect-[16/9] w-full object-cover" />
        ) : null}
        <div className="p-6">
        <h1 className="text-2xl font-semibold tracking-tight">{listing.title}</h1>
        <p className="mt-1 text-xl font-medium text-brand-700">{formatPrice(listing.priceCents, listing.currency, intl)}</p>
        {listing.description ? <p className="mt-4 whitespace-pre-line text-slate-700">{listing.description}</p> : null}
        <dl className="mt-5 grid gap-3 text-sm sm:grid-cols-2">
          <div><dt className="text-slate-500">{t("listing.pickup")}</dt><dd className="font-medium">{formatWindow(listing.pickupStart, listing.pickupEnd, undefined, intl)}</dd></div>
          <div><dt className="text-slate-500">{t("listing.where")}</dt><dd className="font-medium">{listing.business.address}</dd></div>
          <div><dt className="text-slate-500">{t("listing.availableUntil")}</dt><dd className="font-medium">{listing.expiresAt.toLocaleString(intl, { dateStyle: "medium", timeStyle: "short" })}</dd></div>
          <div><dt className="text-slate-500">{t("listing.status")}</dt><dd className={`font-medium ${expired ? "text-slate-500" : "text-brand-700"}`}>{expired ? t("listing.expired") : t("listing.available")}</dd></div>
        </dl>
        </div>
      </div>
    </article>
  );
}

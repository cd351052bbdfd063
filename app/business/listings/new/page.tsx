import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { currentUser, requireUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { api } from "@/server/trpc/server";
import { ListingComposer } from "@/components/listings/listing-composer";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("composer.title") };
}

export default async function NewListingPage() {
  const user = await requireUser("/business/listings/new");
  if (user.role !== "BUSINESS") forbidden();
  const business = await (await api()).businesses.mine();
  if (!business) forbidden();
  const t = await requestTranslator(user);
  return (
    <section aria-labelledby="composer-title" className="mx-auto max-w-2xl space-y-4">
      <div>
        <h1 id="composer-title" className="text-2xl font-semibold tracking-tight">{t("composer.title")}</h1>
        <p className="text-sm text-slate-600">{t("composer.intro", { business: business.name })}</p>
      </div>
      <ListingComposer />
    </section>
  );
}

import type { Metadata } from "next";
import { NewsletterSignupForm } from "@/components/newsletter/newsletter-forms";
import { currentUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("newsletter.title") };
}

/** The public newsletter signup (issue 6; docs/requirements.md R14.7): no account needed, confirmed by email (double opt-in). */
export default async function NewsletterPage() {
  // Usually signed out: the browser's language; a signed-in person's own (as the layout).
  const t = await requestTranslator(await currentUser());
  return (
    <section aria-labelledby="newsletter-title" className="mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 id="newsletter-title" className="text-2xl font-semibold tracking-tight">{t("newsletter.heading")}</h1>
      <p className="mt-2 text-sm text-slate-600">{t("newsletter.intro")}</p>
      <NewsletterSignupForm />
    </section>
  );
}

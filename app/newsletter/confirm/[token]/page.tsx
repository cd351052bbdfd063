import type { Metadata } from "next";
import Link from "next/link";
import { confirmationState } from "@/server/services/newsletter/newsletter";
import { ConfirmSubscriptionButton } from "@/components/newsletter/newsletter-forms";
import { currentUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("newsletter.confirmTitle"), robots: { index: false } };
}
export const dynamic = "force-dynamic";

/**
 * The double opt-in link's page (issue 6). A GET shows the address and a button; only the click (a POST)
 * confirms, so mail scanners that fetch links subscribe no one.
 */
export default async function ConfirmNewsletterPage(props: { params: Promise<{ token: string }> }) {
  const { token } = await props.params;
  const state = await confirmationState(token);
  // Reached from an email, usually signed out: the browser's language, or the signed-in person's (as the layout).
  const t = await requestTranslator(await currentUser());
  const card = "mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8";
  if (!state || state.expired) {
    return (
      <section className={`${card} text-center`}>
        <h1 className="text-xl font-semibold">{state ? t("newsletter.expired") : t("newsletter.invalid")}</h1>
        <p className="mt-2 text-sm text-slate-600">{t("newsletter.signUpAgain")}</p>
        <Link href="/newsletter" className="mt-5 inline-block text-sm font-medium text-brand-700 hover:underline">{t("newsletter.signupLink")}</Link>
      </section>
    );
  }
  return (
    <section aria-labelledby="confirm-title" className={card}>
      <h1 id="confirm-title" className="text-2xl font-semibold tracking-tight">{t("newsletter.confirmHeading")}</h1>
      <p className="mt-2 text-sm text-slate-600">
        {t.rich("newsletter.for", { email: state.email, b: (chunks) => <span className="font-medium text-slate-800">{chunks}</span> })}
      </p>
      {state.confirmed ? (
        <p role="status" className="mt-6 rounded-xl border border-emerald-200 bg-emerald-50 p-4 text-sm font-medium text-emerald-900">
          {t("newsletter.alreadySubscribed")}
        </p>
      ) : (
        <ConfirmSubscriptionButton token={token} />
      )}
    </section>
  );
}

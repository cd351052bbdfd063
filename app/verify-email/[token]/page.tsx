import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { currentUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { accountFeatures } from "@/server/services/accounts/policy";
import { verificationState } from "@/server/services/accounts/signup";
import { ConfirmEmailButton } from "@/components/accounts/confirm-email-button";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(null);
  return { title: t("verifyEmail.title"), robots: { index: false } };
}
export const dynamic = "force-dynamic";

/**
 * The confirmation link of a sign-up (issue 17): a GET shows the masked address and a button; only the click
 * (a POST) confirms, so mail scanners that fetch links confirm nothing. A used, expired or broken link says so
 * and where to go: sign in, where an unconfirmed account is offered a new link. 404 when the email and
 * password form is off.
 */
export default async function VerifyEmailPage(props: { params: Promise<{ token: string }> }) {
  if (!accountFeatures().verification) notFound();
  const { token } = await props.params;
  const state = await verificationState(token);
  // Reached from an email, usually signed out: the browser's language, or the signed-in person's.
  const t = await requestTranslator(await currentUser());
  const card = "mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8";
  const signIn = (
    <Link href="/signin" className="mt-5 inline-block rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">
      {t("verifyEmail.signIn")}
    </Link>
  );
  if (state.status === "valid") {
    return (
      <section aria-labelledby="verify-title" className={card}>
        <h1 id="verify-title" className="text-2xl font-semibold tracking-tight">{t("verifyEmail.heading")}</h1>
        <p className="mt-2 text-sm text-slate-600">
          {t.rich("verifyEmail.for", { email: state.email, b: (chunks) => <span className="font-medium text-slate-800">{chunks}</span> })}
        </p>
        <p className="mt-2 text-sm text-slate-600">{t("verifyEmail.explain")}</p>
        <ConfirmEmailButton token={token} />
      </section>
    );
  }
  if (state.status === "used" && state.verified) {
    return (
      <section aria-labelledby="verify-title" className={card}>
        <h1 id="verify-title" className="text-2xl font-semibold tracking-tight">{t("verifyEmail.heading")}</h1>
        <p role="status" className="mt-4 rounded-xl border border-emerald-200 bg-emerald-50 p-4 text-sm font-medium text-emerald-900">{t("verifyEmail.alreadyVerified")}</p>
        {signIn}
      </section>
    );
  }
  return (
    <section aria-labelledby="verify-title" className={card}>
      <h1 id="verify-title" className="text-xl font-semibold">{t(`verifyEmail.${state.status}`)}</h1>
      <p className="mt-2 text-sm text-slate-600">{t(`verifyEmail.${state.status}Help`)}</p>
      {signIn}
    </section>
  );
}

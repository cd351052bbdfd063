import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { currentUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { accountFeatures } from "@/server/services/accounts/policy";
import { ForgotPasswordForm } from "@/components/accounts/forgot-password-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(null);
  return { title: t("forgotPassword.title") };
}
export const dynamic = "force-dynamic";

/**
 * "Forgot your password?" (issue 17): an email address; the answer is the same whether or not it has an
 * account (server/services/accounts/password-reset.ts). 404 when password reset is off
 * (HERALD_PASSWORD_RESET_ENABLED); signed-in people change their password at /settings/account.
 */
export default async function ForgotPasswordPage() {
  if (!accountFeatures().passwordReset) notFound();
  if (await currentUser()) redirect("/settings/account#password");
  const t = await requestTranslator(null);
  return (
    <section aria-labelledby="forgot-title" className="mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 id="forgot-title" className="text-2xl font-semibold tracking-tight">{t("forgotPassword.heading")}</h1>
      <p className="mt-1 text-sm text-slate-600">{t("forgotPassword.intro")}</p>
      <ForgotPasswordForm />
      <p className="mt-6 text-sm">
        <Link href="/signin" className="font-medium text-brand-700 hover:underline">{t("forgotPassword.back")}</Link>
      </p>
    </section>
  );
}

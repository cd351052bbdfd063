import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { currentUser } from "@/server/auth";
import { requestLocale, requestTranslator } from "@/server/i18n-request";
import { accountFeatures } from "@/server/services/accounts/policy";
import { SignUpForm } from "@/components/accounts/signup-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(null);
  return { title: t("signup.title") };
}
export const dynamic = "force-dynamic";

/**
 * /signup (issue 17, standalone installs): create an account, confirmed by email before it can sign in
 * (server/services/accounts/signup.ts). 404 when sign-up is off (HERALD_SIGNUP_ENABLED); signed-in people go
 * to their inbox. The language starts as the browser's.
 */
export default async function SignUpPage() {
  if (!accountFeatures().signup) notFound();
  if (await currentUser()) redirect("/notifications");
  const locale = await requestLocale(null);
  const t = await requestTranslator(null);
  return (
    <section aria-labelledby="signup-title" className="mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 id="signup-title" className="text-2xl font-semibold tracking-tight">{t("signup.heading")}</h1>
      <p className="mt-1 text-sm text-slate-600">{t("signup.intro")}</p>
      <SignUpForm defaultLocale={locale} />
      <p className="mt-6 text-sm text-slate-600">
        {t.rich("signup.haveAccount", {
          link: (chunks) => (
            <Link href="/signin" className="font-medium text-brand-700 hover:underline">
              {chunks}
            </Link>
          ),
        })}
      </p>
    </section>
  );
}

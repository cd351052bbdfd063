import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "@/server/auth";
import { safeRedirectPath } from "@/server/http/safe-redirect";
import { DemoSignInButton, SignInForm } from "@/components/ui/sign-in-form";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "@/prisma/demo-accounts";
import { requestTranslator } from "@/server/i18n-request";
import { SsoSignIn } from "@/components/ui/sso-sign-in";
import { SignInLinks } from "@/components/accounts/sign-in-links";
import { oidcErrorKey, signInMethods } from "@/server/auth-oidc";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(null);
  return { title: t("signIn.title") };
}

/** `callbackUrl` as a same-origin path, else /notifications (issue 12 "No open redirect"). */
function safeCallback(raw: string | string[] | undefined): string {
  return safeRedirectPath(raw, { fallback: "/notifications" });
}

export default async function SignInPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const searchParams = await props.searchParams;
  const callbackUrl = safeCallback(searchParams.callbackUrl);
  // next-auth's `?error=` (e.g. `TooManyAttempts:<s>` for a locked sign-in): the form maps it to a fixed sentence.
  const rawError = typeof searchParams.error === "string" ? searchParams.error : "";
  const signInError = /^(CredentialsSignin|TooManyAttempts:\d{1,6})$/.test(rawError) ? rawError : null;
  if (await currentUser()) redirect(callbackUrl);
  const t = await requestTranslator(null);
  // The platform's identity provider and the email and password form, as configured (server/auth-oidc.ts).
  const methods = signInMethods();
  return (
    <div className={methods.credentials ? "mx-auto grid max-w-4xl gap-8 py-4 md:grid-cols-2" : "mx-auto grid max-w-md gap-8 py-4"}>
      <section aria-labelledby="signin-title" className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 id="signin-title" className="text-2xl font-semibold tracking-tight">{t("signIn.heading")}</h1>
        <p className="mt-1 text-sm text-slate-600">{t("signIn.intro")}</p>
        {methods.oidc ? <SsoSignIn name={methods.oidc.name} callbackUrl={callbackUrl} error={oidcErrorKey(rawError)} divider={methods.credentials} /> : null}
        {/* keyed by the error, so a demo button's refusal (a new ?error=) shows in a fresh form */}
        {methods.credentials ? <SignInForm key={signInError ?? ""} callbackUrl={callbackUrl} initialError={signInError} /> : null}
        <SignInLinks />
      </section>
      {methods.credentials ? (
      <section aria-labelledby="demo-title" className="rounded-2xl border border-brand-100 bg-brand-50/60 p-6">
        <h2 id="demo-title" className="text-lg font-semibold text-brand-800">{t("signIn.demo.title")}</h2>
        <p className="mt-1 text-sm text-slate-700">
          {t.rich("signIn.demo.password", {
            password: DEMO_PASSWORD,
            code: (chunks) => <code className="rounded bg-white px-1.5 py-0.5 font-mono text-sm">{chunks}</code>,
          })}
        </p>
        <table className="mt-4 w-full text-left text-sm">
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr><th className="py-1 font-medium">{t("signIn.demo.email")}</th><th className="py-1 font-medium">{t("signIn.demo.role")}</th><th className="py-1"><span className="sr-only">{t("signIn.demo.signIn")}</span></th></tr>
          </thead>
          <tbody className="divide-y divide-brand-100">
            {DEMO_ACCOUNTS.map((a) => (
              <tr key={a.email}>
                <td className="py-2 font-mono text-[13px] text-slate-800">{a.email}</td>
                <td className="py-2 text-slate-700">{a.role === "BUSINESS" ? t("signIn.demo.businessRole", { business: a.business }) : t(`header.role.${a.role}`)}</td>
                <td className="py-2 text-right"><DemoSignInButton email={a.email} password={DEMO_PASSWORD} label={a.name} callbackUrl={callbackUrl} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      ) : null}
    </div>
  );
}

import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { currentUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { accountFeatures } from "@/server/services/accounts/policy";
import { resetLinkState } from "@/server/services/accounts/password-reset";
import { LinkProblemPanel, ResetPasswordForm } from "@/components/accounts/reset-password-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(null);
  return { title: t("resetPassword.title"), robots: { index: false } };
}
export const dynamic = "force-dynamic";

/**
 * A password reset link (issue 17): a GET shows the form for the masked address (nothing is used until it is
 * sent); a used, expired or broken link says so and offers a new one (/forgot-password). 404 when password
 * reset is off. The app's Referrer-Policy (strict-origin-when-cross-origin, next.config.ts) gives other sites
 * only the origin, never this path with its token.
 */
export default async function ResetPasswordPage(props: { params: Promise<{ token: string }> }) {
  if (!accountFeatures().passwordReset) notFound();
  // A token is base64url and a UUID: anything percent-encoded in it is simply not a token (no decoding to fail).
  const { token } = await props.params;
  const state = await resetLinkState(token);
  const t = await requestTranslator(await currentUser());
  return (
    <section aria-labelledby="reset-title" className="mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 id="reset-title" className="text-2xl font-semibold tracking-tight">{t("resetPassword.heading")}</h1>
      {state.status === "valid" ? (
        <>
          <p className="mt-1 text-sm text-slate-600">
            {t.rich("resetPassword.for", { email: state.email, b: (chunks) => <span className="font-medium text-slate-800">{chunks}</span> })}
          </p>
          <ResetPasswordForm token={token} username={state.username} />
        </>
      ) : (
        <LinkProblemPanel problem={state.status} />
      )}
    </section>
  );
}

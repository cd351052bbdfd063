/**
 * Under the sign-in form (issue 17): "Forgot your password?" when password reset is on, and "New to Herald?
 * Create an account" when sign-up is on (server/services/accounts/policy.ts). A server component: the links
 * exist only where their pages do.
 */
import Link from "next/link";
import { accountFeatures } from "@/server/services/accounts/policy";
import { requestTranslator } from "@/server/i18n-request";

export async function SignInLinks() {
  const features = accountFeatures();
  if (!features.signup && !features.passwordReset) return null;
  const t = await requestTranslator(null);
  return (
    <div className="mt-4 space-y-2 text-sm">
      {features.passwordReset ? (
        <p>
          <Link href="/forgot-password" className="font-medium text-brand-700 hover:underline">
            {t("signInAccounts.forgotPassword")}
          </Link>
        </p>
      ) : null}
      {features.signup ? (
        <p className="text-slate-600">
          {t.rich("signInAccounts.noAccount", {
            link: (chunks) => (
              <Link href="/signup" className="font-medium text-brand-700 hover:underline">
                {chunks}
              </Link>
            ),
          })}
        </p>
      ) : null}
    </div>
  );
}

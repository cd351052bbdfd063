import type { Metadata } from "next";
import Link from "next/link";
import { EMAIL_SETTINGS_PATH } from "@/server/services/email/unsubscribe";
import { NEWSLETTER_SIGNUP_PATH } from "@/server/services/newsletter/newsletter";
import { unsubscribeLinkState } from "@/server/services/unsubscribe/unsubscribe-link";
import { UnsubscribeActions } from "@/components/email/unsubscribe-actions";
import { currentUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("unsubscribe.title"), robots: { index: false } };
}

/**
 * What a GET of the List-Unsubscribe URL shows (mail scanners fetch links, so a GET never unsubscribes):
 * one click to leave this topic's email or all non-essential email, and for 10 minutes an undo of what this
 * link turned off. Coming back later happens signed in, in notification settings (issue 12).
 */
export default async function UnsubscribePage(props: { params: Promise<{ token: string }> }) {
  const { token } = await props.params;
  const link = await unsubscribeLinkState(token);
  const state = link?.list === "account" ? link.state : null;
  const newsletter = link?.list === "newsletter" ? link.state : null;
  // Reached from an email, usually signed out: the browser's language, or the signed-in person's (as the layout).
  const t = await requestTranslator(await currentUser());
  const email = (address: string) =>
    t.rich("unsubscribe.for", { email: address, b: (chunks) => <span className="font-medium text-slate-800">{chunks}</span> });
  if (newsletter) {
    return (
      <div className="mx-auto max-w-lg rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <h1 className="text-2xl font-semibold tracking-tight">{t("unsubscribe.newsletterHeading")}</h1>
        <p className="mt-1 text-sm text-slate-600">{email(newsletter.email)}</p>
        <UnsubscribeActions
          token={token}
          newsletter
          signInPath={NEWSLETTER_SIGNUP_PATH}
          initial={{ category: null, categoryLabel: null, unsubscribedFromAll: newsletter.unsubscribed, unsubscribedFromCategory: false, undo: { token: false, all: !!newsletter.undoUntil } }}
        />
      </div>
    );
  }
  if (!state) {
    return (
      <div className="mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-8 text-center">
        <h1 className="text-xl font-semibold">{t("unsubscribe.invalidTitle")}</h1>
        <p className="mt-2 text-sm text-slate-600">{t("unsubscribe.invalidHint")}</p>
        <Link href="/settings/notifications" className="mt-5 inline-block text-sm font-medium text-brand-700 hover:underline">{t("unsubscribe.notificationSettings")}</Link>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-lg rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-2xl font-semibold tracking-tight">{t("unsubscribe.heading")}</h1>
      <p className="mt-1 text-sm text-slate-600">{email(state.email)}</p>
      <UnsubscribeActions token={token} initial={state} signInPath={EMAIL_SETTINGS_PATH} />
      <p className="mt-6 text-xs text-slate-500">
        {t.rich("unsubscribe.alwaysSent", {
          link: (chunks) => <Link href={EMAIL_SETTINGS_PATH} className="text-brand-700 underline underline-offset-2 hover:text-brand-800">{chunks}</Link>,
        })}
      </p>
    </div>
  );
}

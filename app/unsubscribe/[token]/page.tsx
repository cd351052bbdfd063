import type { Metadata } from "next";
import Link from "next/link";
import { EMAIL_SETTINGS_PATH, unsubscribeState } from "@/server/services/email/unsubscribe";
import { NEWSLETTER_SIGNUP_PATH, newsletterUnsubscribeState } from "@/server/services/newsletter/newsletter";
import { UnsubscribeActions } from "@/components/email/unsubscribe-actions";

export const metadata: Metadata = { title: "Email preferences", robots: { index: false } };

/**
 * What a GET of the List-Unsubscribe URL shows (mail scanners fetch links, so a GET never unsubscribes):
 * one click to leave this topic's email or all non-essential email, and for 10 minutes an undo of what this
 * link turned off. Coming back later happens signed in, in notification settings (issue 12).
 */
export default async function UnsubscribePage(props: { params: Promise<{ token: string }> }) {
  const { token } = await props.params;
  const state = await unsubscribeState(token);
  const newsletter = state ? null : await newsletterUnsubscribeState(token);
  if (newsletter) {
    return (
      <div className="mx-auto max-w-lg rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <h1 className="text-2xl font-semibold tracking-tight">Newsletter</h1>
        <p className="mt-1 text-sm text-slate-600">
          For <span className="font-medium text-slate-800">{newsletter.email}</span>. No sign-in needed.
        </p>
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
        <h1 className="text-xl font-semibold">This unsubscribe link is not valid</h1>
        <p className="mt-2 text-sm text-slate-600">It may be incomplete. Open the link from the email again, or manage email in your settings.</p>
        <Link href="/settings/notifications" className="mt-5 inline-block text-sm font-medium text-brand-700 hover:underline">Notification settings</Link>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-lg rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-2xl font-semibold tracking-tight">Email preferences</h1>
      <p className="mt-1 text-sm text-slate-600">
        For <span className="font-medium text-slate-800">{state.email}</span>. No sign-in needed.
      </p>
      <UnsubscribeActions token={token} initial={state} signInPath={EMAIL_SETTINGS_PATH} />
      <p className="mt-6 text-xs text-slate-500">
        Security, account and pickup messages are always sent. More choices in{" "}
        <Link href={EMAIL_SETTINGS_PATH} className="text-brand-700 underline underline-offset-2 hover:text-brand-800">notification settings</Link>.
      </p>
    </div>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { confirmationState } from "@/server/services/newsletter/newsletter";
import { ConfirmSubscriptionButton } from "@/components/newsletter/newsletter-forms";

export const metadata: Metadata = { title: "Confirm your subscription", robots: { index: false } };
export const dynamic = "force-dynamic";

/**
 * The double opt-in link's page (issue 6). A GET shows the address and a button; only the click (a POST)
 * confirms, so mail scanners that fetch links subscribe no one.
 */
export default async function ConfirmNewsletterPage(props: { params: Promise<{ token: string }> }) {
  const { token } = await props.params;
  const state = await confirmationState(token);
  const card = "mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8";
  if (!state || state.expired) {
    return (
      <section className={`${card} text-center`}>
        <h1 className="text-xl font-semibold">{state ? "This link has expired" : "This confirmation link is not valid"}</h1>
        <p className="mt-2 text-sm text-slate-600">Sign up again and we will send you a new link.</p>
        <Link href="/newsletter" className="mt-5 inline-block text-sm font-medium text-brand-700 hover:underline">Newsletter signup</Link>
      </section>
    );
  }
  return (
    <section aria-labelledby="confirm-title" className={card}>
      <h1 id="confirm-title" className="text-2xl font-semibold tracking-tight">Confirm your subscription</h1>
      <p className="mt-2 text-sm text-slate-600">
        The Herald newsletter for <span className="font-medium text-slate-800">{state.email}</span>.
      </p>
      {state.confirmed ? (
        <p role="status" className="mt-6 rounded-xl border border-emerald-200 bg-emerald-50 p-4 text-sm font-medium text-emerald-900">
          This address is already subscribed.
        </p>
      ) : (
        <ConfirmSubscriptionButton token={token} />
      )}
    </section>
  );
}

import type { Metadata } from "next";
import { NewsletterSignupForm } from "@/components/newsletter/newsletter-forms";

export const metadata: Metadata = { title: "Newsletter" };

/** The public newsletter signup (issue 6; seed 000): no account needed, confirmed by email (double opt-in). */
export default function NewsletterPage() {
  return (
    <section aria-labelledby="newsletter-title" className="mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 id="newsletter-title" className="text-2xl font-semibold tracking-tight">The Herald newsletter</h1>
      <p className="mt-2 text-sm text-slate-600">
        News about surplus food near you, new partner businesses and community drives. No account needed. We email you a link to
        confirm first, and every issue has a one-click unsubscribe.
      </p>
      <NewsletterSignupForm />
    </section>
  );
}

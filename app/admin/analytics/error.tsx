"use client";
/** When /admin/analytics fails to render: say so, and offer to try again (no details leak). */
export default function AnalyticsError({ reset }: { error: Error; reset: () => void }) {
  return (
    <section role="alert" aria-labelledby="analytics-error-title" className="rounded-xl border border-rose-200 bg-rose-50 p-6 text-sm text-rose-900">
      <h1 id="analytics-error-title" className="text-lg font-semibold">Analytics could not be loaded</h1>
      <p className="mt-1">It&rsquo;s on our side. Try again in a moment.</p>
      <button type="button" onClick={reset} className="mt-4 rounded-md bg-rose-700 px-3 py-1.5 font-medium text-white hover:bg-rose-800">
        Try again
      </button>
    </section>
  );
}

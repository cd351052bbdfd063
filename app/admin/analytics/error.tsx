"use client";
/** When /admin/analytics fails to render: say so, and offer to try again (no details leak). */
import { useTranslations } from "use-intl";

export default function AnalyticsError({ reset }: { error: Error; reset: () => void }) {
  const t = useTranslations("analytics");
  return (
    <section role="alert" aria-labelledby="analytics-error-title" className="rounded-xl border border-rose-200 bg-rose-50 p-6 text-sm text-rose-900">
      <h1 id="analytics-error-title" className="text-lg font-semibold">{t("error.title")}</h1>
      <p className="mt-1">{t("error.body")}</p>
      <button type="button" onClick={reset} className="mt-4 rounded-md bg-rose-700 px-3 py-1.5 font-medium text-white hover:bg-rose-800">
        {t("tryAgain")}
      </button>
    </section>
  );
}

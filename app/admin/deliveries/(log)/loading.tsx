"use client";
/** While a page of the delivery log loads (new filters, the next page): the heading and a placeholder, announced politely. */
import { useTranslations } from "use-intl";

export default function DeliveryLogLoading() {
  const t = useTranslations("deliveryLog");
  return (
    <section aria-labelledby="log-loading-title" className="space-y-4">
      <h1 id="log-loading-title" className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
      <div role="status" aria-live="polite" className="rounded-xl border border-slate-200 bg-white p-4">
        <p className="text-sm text-slate-600">{t("loading")}</p>
        <div aria-hidden className="mt-3 space-y-2">
          {[0, 1, 2, 3, 4].map((i) => (
            <div key={i} className="h-6 animate-pulse rounded bg-slate-100 motion-reduce:animate-none" />
          ))}
        </div>
      </div>
    </section>
  );
}

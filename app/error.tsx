"use client";
import { useTranslations } from "use-intl";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  const t = useTranslations("errors.error");
  return (
    <div role="alert" className="mx-auto max-w-md rounded-2xl border border-rose-200 bg-white p-8 text-center">
      <h1 className="text-xl font-semibold">{t("title")}</h1>
      <p className="mt-2 text-sm text-slate-600">{t("hint")}</p>
      <button onClick={reset} className="mt-5 rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">{t("retry")}</button>
    </div>
  );
}

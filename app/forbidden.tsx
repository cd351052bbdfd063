import Link from "next/link";
import { currentUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";

export default async function Forbidden() {
  const t = await requestTranslator(await currentUser());
  return (
    <div className="mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-8 text-center">
      <p className="text-sm font-semibold text-rose-700">{t("errors.forbidden.code")}</p>
      <h1 className="mt-2 text-xl font-semibold">{t("errors.forbidden.title")}</h1>
      <p className="mt-2 text-sm text-slate-600">{t("errors.forbidden.hint")}</p>
      <Link href="/notifications" className="mt-5 inline-block text-sm font-medium text-brand-700 hover:underline">{t("errors.forbidden.back")}</Link>
    </div>
  );
}

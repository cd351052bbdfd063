import Link from "next/link";
import { currentUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";

export default async function NotFound() {
  const t = await requestTranslator(await currentUser());
  return (
    <div className="mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-8 text-center">
      <p className="text-sm font-semibold text-slate-500">404</p>
      <h1 className="mt-2 text-xl font-semibold">{t("errors.notFound.title")}</h1>
      <Link href="/" className="mt-5 inline-block text-sm font-medium text-brand-700 hover:underline">{t("errors.notFound.home")}</Link>
    </div>
  );
}

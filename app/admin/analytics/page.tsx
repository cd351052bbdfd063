import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { currentUser, requireUser } from "@/server/auth";
import { requestLocale } from "@/server/i18n-request";
import { translator } from "@/server/i18n";
import { INTL_LOCALE } from "@/lib/i18n";
import { resolveRange, type AnalyticsRange } from "@/server/services/analytics/analytics";
import { analyticsRangeInput } from "@/server/services/analytics/inputs";
import { AppError } from "@/server/services/errors";
import { AnalyticsDashboard } from "@/components/admin/analytics/analytics-dashboard";
import { RangeSelector } from "@/components/admin/analytics/range-selector";
import { longDay } from "@/components/admin/analytics/analytics-display";

export async function generateMetadata(): Promise<Metadata> {
  const t = translator(await requestLocale(await currentUser()));
  return { title: t("analytics.metaTitle") };
}

type SearchParams = Record<string, string | string[] | undefined>;

/** The range asked for in the query string (`from`/`to` UTC days, or `days`), or the problems with it. */
function rangeFrom(sp: SearchParams): { range: AnalyticsRange; problems: null } | { range: null; problems: string[] } {
  const one = (k: string) => {
    const v = sp[k];
    const s = (Array.isArray(v) ? v[0] : v)?.trim();
    return s ? s : undefined;
  };
  const days = one("days");
  const parsed = analyticsRangeInput.safeParse({ from: one("from"), to: one("to"), days: days === undefined ? undefined : /^\d+$/.test(days) ? Number(days) : days });
  if (!parsed.success) return { range: null, problems: [...new Set(parsed.error.issues.map((i) => (i.path.length ? `${String(i.path[0])}: ${i.message}` : i.message)))] };
  try {
    return { range: resolveRange(parsed.data), problems: null };
  } catch (err) {
    if (err instanceof AppError) return { range: null, problems: [err.message] };
    throw err;
  }
}

/**
 * /admin/analytics (issue 6): delivery analytics per campaign and per notification type over a range of
 * UTC days (default the last 30, at most 366), with CSV downloads. Admins only (403 for anyone else).
 */
export default async function AdminAnalyticsPage(props: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser("/admin/analytics");
  if (user.role !== "ADMIN") forbidden();
  const locale = await requestLocale(user);
  const t = translator(locale);
  const tag = INTL_LOCALE[locale];
  const sp = await props.searchParams;
  const { range, problems } = rangeFrom(sp);
  const explicit = sp.from !== undefined || sp.to !== undefined;
  const activePreset = range && !explicit ? range.days : null;
  const csv = (kind: string) => (range ? `/api/admin/analytics.csv?kind=${kind}&from=${range.from}&to=${range.to}` : "");

  return (
    <section aria-labelledby="analytics-title" className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 id="analytics-title" className="text-2xl font-semibold tracking-tight">{t("analytics.title")}</h1>
          <p className="text-sm text-slate-600">
            {range ? t("analytics.range", { from: longDay(range.from, tag), to: longDay(range.to, tag), count: range.days }) : t("analytics.chooseRange")}{" "}
            {t("analytics.intro")}
          </p>
        </div>
        {range ? (
          <div className="flex flex-wrap gap-2 text-sm">
            <a href={csv("campaigns")} download className="rounded-md bg-brand-700 px-3 py-1.5 font-medium text-white hover:bg-brand-800">
              {t.rich("analytics.downloadCampaigns", { hidden: (chunks) => <span className="sr-only">{chunks}</span> })}
            </a>
            <a href={csv("types")} download className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-800 hover:bg-slate-50">
              {t("analytics.downloadTypes")}
            </a>
          </div>
        ) : null}
      </div>
      <RangeSelector from={range?.from ?? ""} to={range?.to ?? ""} activePreset={activePreset} />
      {problems ? (
        <div role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-900">
          <p className="font-medium">{t("analytics.problems.title")}</p>
          <ul className="mt-1 list-disc pl-5">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          <p className="mt-2">
            {t.rich("analytics.problems.fix", {
              link: (chunks) => (
                <Link href="/admin/analytics" className="font-medium underline">
                  {chunks}
                </Link>
              ),
            })}
          </p>
        </div>
      ) : null}
      {range ? <AnalyticsDashboard from={range.from} to={range.to} /> : null}
    </section>
  );
}

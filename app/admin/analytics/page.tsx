import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { requireUser } from "@/server/auth";
import { resolveRange, type AnalyticsRange } from "@/server/services/analytics/analytics";
import { analyticsRangeInput } from "@/server/services/analytics/inputs";
import { AppError } from "@/server/services/errors";
import { AnalyticsDashboard } from "@/components/admin/analytics/analytics-dashboard";
import { RangeSelector } from "@/components/admin/analytics/range-selector";
import { longDay } from "@/components/admin/analytics/format";

export const metadata: Metadata = { title: "Analytics" };

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
  const sp = await props.searchParams;
  const { range, problems } = rangeFrom(sp);
  const explicit = sp.from !== undefined || sp.to !== undefined;
  const activePreset = range && !explicit ? range.days : null;
  const csv = (kind: string) => (range ? `/api/admin/analytics.csv?kind=${kind}&from=${range.from}&to=${range.to}` : "");

  return (
    <section aria-labelledby="analytics-title" className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 id="analytics-title" className="text-2xl font-semibold tracking-tight">Delivery analytics</h1>
          <p className="text-sm text-slate-600">
            {range ? (
              <>
                {longDay(range.from)} – {longDay(range.to)} ({range.days === 1 ? "1 day" : `${range.days} days`}, UTC).
              </>
            ) : (
              "Choose a range of up to 366 days."
            )}{" "}
            How campaigns and notifications reach people: delivery, reads, clicks, unsubscribes, bounces and complaints.
          </p>
        </div>
        {range ? (
          <div className="flex flex-wrap gap-2 text-sm">
            <a href={csv("campaigns")} download className="rounded-md bg-brand-700 px-3 py-1.5 font-medium text-white hover:bg-brand-800">
              Download CSV<span className="sr-only"> of campaigns</span>
            </a>
            <a href={csv("types")} download className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-800 hover:bg-slate-50">
              Daily by type (CSV)
            </a>
          </div>
        ) : null}
      </div>
      <RangeSelector from={range?.from ?? ""} to={range?.to ?? ""} activePreset={activePreset} />
      {problems ? (
        <div role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-900">
          <p className="font-medium">This range can&rsquo;t be used:</p>
          <ul className="mt-1 list-disc pl-5">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          <p className="mt-2">
            Pick other dates above, or <Link href="/admin/analytics" className="font-medium underline">show the last 30 days</Link>.
          </p>
        </div>
      ) : null}
      {range ? <AnalyticsDashboard from={range.from} to={range.to} /> : null}
    </section>
  );
}

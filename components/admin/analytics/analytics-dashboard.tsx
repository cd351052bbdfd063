"use client";
/**
 * /admin/analytics's data (issue 6): the recent complaint rate against the new-campaign limit, totals for
 * the range, the per-campaign table and per-type charts. Loading, error (with retry) and empty states.
 * The range comes from the page (URL); the numbers from the `analytics` tRPC router, which reads
 * server/services/analytics (where every formula is defined). Words from `analytics.*` (type names from
 * `types.*`); numbers and days in the reader's language (./format.ts).
 */
import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";
import { CampaignList, MetricList } from "./campaign-table";
import { TypeCharts } from "./type-charts";
import { longDay, num, pct, type ComplaintStatus, type MetricsOutput, type TypeSeries } from "./analytics-display";

export function AnalyticsDashboard({ from, to }: { from: string; to: string }) {
  const trpc = useTRPC();
  const campaigns = useQuery(trpc.analytics.campaigns.queryOptions({ from, to }));
  const types = useQuery(trpc.analytics.byType.queryOptions({ from, to }));
  const complaints = useQuery(trpc.analytics.complaintStatus.queryOptions());
  const t = useTranslations("analytics");
  const locale = useLocale();

  if (campaigns.isPending || types.isPending) return <AnalyticsLoading />;
  if (campaigns.isError || types.isError) {
    return (
      <div role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-900">
        <p className="font-medium">{t("loadError")}</p>
        <p className="mt-1">{(campaigns.error ?? types.error)?.message ?? t("unknownError")}</p>
        <button
          type="button"
          onClick={() => {
            void campaigns.refetch();
            void types.refetch();
          }}
          className="mt-3 rounded-md bg-rose-700 px-3 py-1.5 font-medium text-white hover:bg-rose-800"
        >
          {t("tryAgain")}
        </button>
      </div>
    );
  }

  const empty = campaigns.data.rows.length === 0 && types.data.types.length === 0;
  return (
    <div className="space-y-8">
      {complaints.data ? <ComplaintBanner status={complaints.data} /> : null}
      {empty ? (
        <div role="status" className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center text-sm text-slate-600">
          <p className="font-medium text-slate-800">{t("empty.title", { from: longDay(from, locale), to: longDay(to, locale) })}</p>
          <p className="mt-1">{t("empty.hint")}</p>
          <Link href="/admin/analytics?days=365" className="mt-3 inline-block font-medium text-brand-700 hover:underline">{t("empty.lastYear")}</Link>
        </div>
      ) : (
        <>
          <Totals totals={types.data.totals} />
          <section aria-labelledby="campaigns-title" className="space-y-3">
            <div>
              <h2 id="campaigns-title" className="text-lg font-semibold">{t("campaigns.title")}</h2>
              <p className="text-sm text-slate-600">{t("campaigns.intro")}</p>
            </div>
            {campaigns.data.rows.length === 0 ? (
              <p role="status" className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">{t("campaigns.none")}</p>
            ) : (
              <CampaignList rows={campaigns.data.rows} warningRate={campaigns.data.warningRate} />
            )}
            {campaigns.data.truncated ? <p className="text-sm text-slate-600">{t("campaigns.truncated", { count: campaigns.data.rows.length })}</p> : null}
          </section>
          <TypeSection types={types.data.types} />
          <Formulas />
        </>
      )}
    </div>
  );
}

function AnalyticsLoading() {
  const t = useTranslations("analytics");
  return (
    <div role="status" aria-live="polite" className="space-y-4">
      <p className="text-sm text-slate-600">{t("loading")}</p>
      <div aria-hidden className="grid gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {[0, 1, 2, 3, 4, 5].map((i) => (
          <div key={i} className="h-20 animate-pulse rounded-xl bg-slate-100 motion-reduce:animate-none" />
        ))}
      </div>
      <div aria-hidden className="h-48 animate-pulse rounded-xl bg-slate-100 motion-reduce:animate-none" />
    </div>
  );
}

function ComplaintBanner({ status }: { status: ComplaintStatus }) {
  const t = useTranslations("analytics.complaints");
  const locale = useLocale();
  const values = {
    days: status.windowDays,
    limit: pct(status.limit, locale),
    rate: pct(status.rate, locale),
    complained: num(status.complained, locale),
    count: status.sent,
    sent: num(status.sent, locale),
  };
  const b = (chunks: React.ReactNode) => <span className="font-medium text-slate-800">{chunks}</span>;
  // `exceeded` means the rate is above the limit, so there is a rate to state.
  if (status.exceeded) {
    return (
      <div role="alert" data-testid="complaint-limit" className="rounded-xl border border-rose-300 bg-rose-50 p-4 text-sm text-rose-900">
        <p className="font-semibold">{t("blocked", values)}</p>
        <p className="mt-1">{t("blockedDetail", values)}</p>
      </div>
    );
  }
  return <p className="text-sm text-slate-600">{status.rate === null ? t.rich("statusNone", { ...values, b }) : t.rich("status", { ...values, b })}</p>;
}

function Totals({ totals }: { totals: MetricsOutput }) {
  const t = useTranslations("analytics");
  const locale = useLocale();
  const cards = [
    { label: t("metric.recipients"), value: num(totals.recipients, locale), hint: t("totals.recipients") },
    { label: t("metric.sent"), value: num(totals.sent, locale), hint: t("totals.sent") },
    { label: t("totals.deliveryRate"), value: pct(totals.deliveryRate, locale), hint: t("totals.delivery") },
    { label: t("totals.readRate"), value: pct(totals.readRate, locale), hint: t("totals.read") },
    { label: t("totals.clickThrough"), value: pct(totals.clickThroughRate, locale), hint: t("totals.ctr") },
    { label: t("metric.unsubscribes"), value: num(totals.unsubscribed, locale), hint: t("totals.unsubscribes", { rate: pct(totals.unsubscribeRate, locale) }) },
  ];
  return (
    <section aria-labelledby="totals-title">
      <h2 id="totals-title" className="sr-only">{t("totals.title")}</h2>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {cards.map((c) => (
          <div key={c.label} className="rounded-xl border border-slate-200 bg-white p-3">
            <dt className="text-xs font-medium text-slate-600">{c.label}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{c.value}</dd>
            <dd className="text-xs text-slate-500">{c.hint}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** A notification type's name in the reader's language (`types.<type>.label`), else the server's label. */
function useTypeLabel() {
  const tr = useTranslations("types");
  return (s: TypeSeries) => (tr.has(`${s.type as "new_listing"}.label`) ? tr(`${s.type as "new_listing"}.label`) : s.label);
}

function TypeSection({ types }: { types: TypeSeries[] }) {
  const [chosen, setChosen] = useState<string | null>(null);
  const series = types.find((t) => t.type === chosen) ?? types[0];
  const t = useTranslations("analytics");
  const m = useTranslations("analytics.metric");
  const locale = useLocale();
  const typeLabel = useTypeLabel();
  return (
    <section aria-labelledby="types-title" className="space-y-3">
      <div>
        <h2 id="types-title" className="text-lg font-semibold">{t("types.title")}</h2>
        <p className="text-sm text-slate-600">{t("types.intro")}</p>
      </div>
      {types.length === 0 || !series ? (
        <p role="status" className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">{t("types.none")}</p>
      ) : (
        <>
          <div role="region" aria-labelledby="types-caption" tabIndex={0} className="hidden overflow-x-auto rounded-xl border border-slate-200 bg-white md:block">
            <table className="w-full min-w-[44rem] text-left text-sm">
              <caption id="types-caption" className="sr-only">{t("types.caption")}</caption>
              <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">{t("types.type")}</th>
                  {[m("recipients"), m("sent"), m("delivery"), m("read"), m("ctr"), m("unsubscribes"), m("bounce"), m("complaint")].map((h) => (
                    <th key={h} scope="col" className="px-3 py-2 text-right font-medium">{h}</th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {types.map((s) => (
                  <tr key={s.type} data-testid="type-row">
                    <th scope="row" className="px-3 py-2 text-left font-medium text-slate-900">{typeLabel(s)}</th>
                    <td className="px-3 py-2 text-right tabular-nums">{num(s.totals.recipients, locale)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{num(s.totals.sent, locale)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{pct(s.totals.deliveryRate, locale)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{pct(s.totals.readRate, locale)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{pct(s.totals.clickThroughRate, locale)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{num(s.totals.unsubscribed, locale)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{pct(s.totals.bounceRate, locale)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{pct(s.totals.complaintRate, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ul aria-label={t("types.list")} className="grid gap-3 sm:grid-cols-2 md:hidden">
            {types.map((s) => (
              <li key={s.type} data-testid="type-card" className="rounded-xl border border-slate-200 bg-white p-4">
                <h3 className="font-medium text-slate-900">{typeLabel(s)}</h3>
                <MetricList m={s.totals} />
              </li>
            ))}
          </ul>
          <div className="flex flex-wrap items-center gap-2">
            <label htmlFor="chart-type" className="text-sm font-medium text-slate-700">{t("types.chartsFor")}</label>
            <select id="chart-type" value={series.type} onChange={(e) => setChosen(e.target.value)} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm">
              {types.map((s) => (
                <option key={s.type} value={s.type}>{typeLabel(s)}</option>
              ))}
            </select>
          </div>
          <TypeCharts key={series.type} series={series} label={typeLabel(series)} />
        </>
      )}
    </section>
  );
}

function Formulas() {
  const t = useTranslations("analytics");
  return (
    <details className="rounded-xl border border-slate-200 bg-white p-4 text-sm text-slate-700">
      <summary className="cursor-pointer select-none font-medium text-slate-900">{t("formulas.title")}</summary>
      <dl className="mt-3 grid gap-x-6 gap-y-2 sm:grid-cols-2">
        {[
          [t("metric.recipients"), t("formulas.recipients")],
          [t("metric.sent"), t("formulas.sent")],
          [t("formulas.deliveryRate"), t("formulas.delivery")],
          [t("formulas.readRate"), t("formulas.read")],
          [t("formulas.ctrTerm"), t("formulas.ctr")],
          [t("metric.unsubscribes"), t("formulas.unsubscribes")],
          [t("formulas.bounceRate"), t("formulas.bounce")],
          [t("formulas.complaintRate"), t("formulas.complaint")],
        ].map(([term, def]) => (
          <div key={term}>
            <dt className="font-medium text-slate-900">{term}</dt>
            <dd>{def}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-slate-600">{t("formulas.dash")}</p>
    </details>
  );
}

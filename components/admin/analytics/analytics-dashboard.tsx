"use client";
/**
 * /admin/analytics's data (issue 6): the recent complaint rate against the new-campaign limit, totals for
 * the range, the per-campaign table and per-type charts. Loading, error (with retry) and empty states.
 * The range comes from the page (URL); the numbers from the `analytics` tRPC router, which reads
 * server/services/analytics (where every formula is defined).
 */
import Link from "next/link";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { CampaignList, MetricList } from "./campaign-table";
import { TypeCharts } from "./type-charts";
import { longDay, num, pct, type ComplaintStatus, type MetricsOutput, type TypeSeries } from "./format";

export function AnalyticsDashboard({ from, to }: { from: string; to: string }) {
  const trpc = useTRPC();
  const campaigns = useQuery(trpc.analytics.campaigns.queryOptions({ from, to }));
  const types = useQuery(trpc.analytics.byType.queryOptions({ from, to }));
  const complaints = useQuery(trpc.analytics.complaintStatus.queryOptions());

  if (campaigns.isPending || types.isPending) return <AnalyticsLoading />;
  if (campaigns.isError || types.isError) {
    return (
      <div role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-900">
        <p className="font-medium">Could not load analytics.</p>
        <p className="mt-1">{(campaigns.error ?? types.error)?.message ?? "Something went wrong."}</p>
        <button
          type="button"
          onClick={() => {
            void campaigns.refetch();
            void types.refetch();
          }}
          className="mt-3 rounded-md bg-rose-700 px-3 py-1.5 font-medium text-white hover:bg-rose-800"
        >
          Try again
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
          <p className="font-medium text-slate-800">No data yet for {longDay(from)} – {longDay(to)}.</p>
          <p className="mt-1">Numbers appear here once campaigns or notifications go out in this range.</p>
          <Link href="/admin/analytics?days=365" className="mt-3 inline-block font-medium text-brand-700 hover:underline">Look at the last 12 months</Link>
        </div>
      ) : (
        <>
          <Totals totals={types.data.totals} />
          <section aria-labelledby="campaigns-title" className="space-y-3">
            <div>
              <h2 id="campaigns-title" className="text-lg font-semibold">Campaigns</h2>
              <p className="text-sm text-slate-600">
                Campaigns that started sending in the range, newest first. Each counts all its notifications and emails, whenever they went out.
              </p>
            </div>
            {campaigns.data.rows.length === 0 ? (
              <p role="status" className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">No campaign was sent in this range.</p>
            ) : (
              <CampaignList rows={campaigns.data.rows} warningRate={campaigns.data.warningRate} />
            )}
            {campaigns.data.truncated ? <p className="text-sm text-slate-600">Showing the newest {campaigns.data.rows.length} campaigns; choose a shorter range (or download the CSV) for the rest.</p> : null}
          </section>
          <TypeSection types={types.data.types} />
          <Formulas />
        </>
      )}
    </div>
  );
}

function AnalyticsLoading() {
  return (
    <div role="status" aria-live="polite" className="space-y-4">
      <p className="text-sm text-slate-600">Loading analytics…</p>
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
  const detail = status.rate === null ? "no campaign email was sent" : `${pct(status.rate)} (${num(status.complained)} of ${num(status.sent)} emails marked as spam)`;
  if (status.exceeded) {
    return (
      <div role="alert" data-testid="complaint-limit" className="rounded-xl border border-rose-300 bg-rose-50 p-4 text-sm text-rose-900">
        <p className="font-semibold">New campaigns are blocked: complaints are above {pct(status.limit)}.</p>
        <p className="mt-1">
          Over the last {status.windowDays} days the campaign complaint rate is {detail}. Sending or scheduling a new campaign needs an explicit override until it falls.
        </p>
      </div>
    );
  }
  return (
    <p className="text-sm text-slate-600">
      Campaign complaint rate, last {status.windowDays} days: <span className="font-medium text-slate-800">{detail}</span>. New campaigns are blocked above {pct(status.limit)}.
    </p>
  );
}

function Totals({ totals }: { totals: MetricsOutput }) {
  const cards = [
    { label: "Recipients", value: num(totals.recipients), hint: "notifications written" },
    { label: "Emails sent", value: num(totals.sent), hint: "accepted by the provider" },
    { label: "Delivery rate", value: pct(totals.deliveryRate), hint: "delivered ÷ sent" },
    { label: "Read rate", value: pct(totals.readRate), hint: "read ÷ in-app" },
    { label: "Click-through", value: pct(totals.clickThroughRate), hint: "clicked ÷ sent" },
    { label: "Unsubscribes", value: num(totals.unsubscribed), hint: `${pct(totals.unsubscribeRate)} of sent` },
  ];
  return (
    <section aria-labelledby="totals-title">
      <h2 id="totals-title" className="sr-only">Totals for the range</h2>
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

function TypeSection({ types }: { types: TypeSeries[] }) {
  const [chosen, setChosen] = useState<string | null>(null);
  const series = types.find((t) => t.type === chosen) ?? types[0];
  return (
    <section aria-labelledby="types-title" className="space-y-3">
      <div>
        <h2 id="types-title" className="text-lg font-semibold">By notification type</h2>
        <p className="text-sm text-slate-600">Every notification, counted on the UTC day it was written (its emails, reads and clicks count on that day too).</p>
      </div>
      {types.length === 0 || !series ? (
        <p role="status" className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">No notifications were written in this range.</p>
      ) : (
        <>
          <div role="region" aria-labelledby="types-caption" tabIndex={0} className="hidden overflow-x-auto rounded-xl border border-slate-200 bg-white md:block">
            <table className="w-full min-w-[44rem] text-left text-sm">
              <caption id="types-caption" className="sr-only">Totals per notification type over the range</caption>
              <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">Type</th>
                  {["Recipients", "Emails sent", "Delivery", "Read", "CTR", "Unsubscribes", "Bounce", "Complaint"].map((h) => (
                    <th key={h} scope="col" className="px-3 py-2 text-right font-medium">{h}</th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {types.map((t) => (
                  <tr key={t.type} data-testid="type-row">
                    <th scope="row" className="px-3 py-2 text-left font-medium text-slate-900">{t.label}</th>
                    <td className="px-3 py-2 text-right tabular-nums">{num(t.totals.recipients)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{num(t.totals.sent)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{pct(t.totals.deliveryRate)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{pct(t.totals.readRate)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{pct(t.totals.clickThroughRate)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{num(t.totals.unsubscribed)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{pct(t.totals.bounceRate)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{pct(t.totals.complaintRate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ul aria-label="Totals per notification type" className="grid gap-3 sm:grid-cols-2 md:hidden">
            {types.map((t) => (
              <li key={t.type} data-testid="type-card" className="rounded-xl border border-slate-200 bg-white p-4">
                <h3 className="font-medium text-slate-900">{t.label}</h3>
                <MetricList m={t.totals} />
              </li>
            ))}
          </ul>
          <div className="flex flex-wrap items-center gap-2">
            <label htmlFor="chart-type" className="text-sm font-medium text-slate-700">Charts for</label>
            <select id="chart-type" value={series.type} onChange={(e) => setChosen(e.target.value)} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm">
              {types.map((t) => (
                <option key={t.type} value={t.type}>{t.label}</option>
              ))}
            </select>
          </div>
          <TypeCharts key={series.type} series={series} />
        </>
      )}
    </section>
  );
}

function Formulas() {
  return (
    <details className="rounded-xl border border-slate-200 bg-white p-4 text-sm text-slate-700">
      <summary className="cursor-pointer select-none font-medium text-slate-900">How these numbers are counted</summary>
      <dl className="mt-3 grid gap-x-6 gap-y-2 sm:grid-cols-2">
        {[
          ["Recipients", "Notifications written, one per person."],
          ["Emails sent", "Emails the provider accepted: sent, delivered, bounced or marked as spam. Held, skipped, queued and failed emails are not sent."],
          ["Delivery rate", "Delivered ÷ emails sent (a spam complaint counts as delivered: it reached the inbox)."],
          ["Read rate", "Read in the inbox ÷ in-app recipients. Email-only sends have no read rate."],
          ["Click-through rate (CTR)", "Emails with a clicked link ÷ emails sent."],
          ["Unsubscribes", "Emails whose recipient unsubscribed through that email's link; the rate is ÷ emails sent."],
          ["Bounce rate", "Bounced ÷ emails sent."],
          ["Complaint rate", "Marked as spam ÷ emails sent. Campaigns above 0.1% are flagged; above 0.3% over 30 days, new campaigns are blocked."],
        ].map(([term, def]) => (
          <div key={term}>
            <dt className="font-medium text-slate-900">{term}</dt>
            <dd>{def}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-slate-600">A rate shows “—” when there is nothing to divide by (for example, no email was sent).</p>
    </details>
  );
}

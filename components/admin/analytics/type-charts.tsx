"use client";
/**
 * One notification type's days as two charts: sends per day (notifications written and emails sent, bars)
 * and rates per day (delivery, read and click-through, lines; a day with nothing to divide leaves a gap).
 * Each chart is a figure with a title, a text summary, and its numbers in a table behind "Show data", so
 * nothing depends on seeing the chart.
 */
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { longDay, num, pct, shortDay, type TypeSeries } from "./format";

/** Legend labels in dark text (the swatch carries the colour; pale series colours are not legible as text). */
const legendText = (value: string) => <span style={{ color: "#334155" }}>{value}</span>;

const COLORS = { recipients: "#64748b", sent: "#047857", delivery: "#047857", read: "#2563eb", ctr: "#b45309" } as const;

function busiest(t: TypeSeries, key: "sent" | "recipients") {
  return t.days.reduce<{ day: string; n: number } | null>((best, d) => (d[key] > (best?.n ?? 0) ? { day: d.day, n: d[key] } : best), null);
}

/** The sends chart's summary in words. */
export function sendsSummary(t: TypeSeries): string {
  const top = busiest(t, "sent") ?? busiest(t, "recipients");
  const what = busiest(t, "sent") ? "emails" : "notifications";
  return (
    `${num(t.totals.recipients)} notifications written and ${num(t.totals.sent)} emails sent over ${t.days.length} days` +
    (top ? `; the busiest day was ${longDay(top.day)} with ${num(top.n)} ${what}.` : ".")
  );
}

/** The rates chart's summary in words. */
export function ratesSummary(t: TypeSeries): string {
  const m = t.totals;
  const email =
    m.sent > 0
      ? `Of ${num(m.sent)} emails sent: ${pct(m.deliveryRate)} delivered, ${pct(m.clickThroughRate)} clicked, ${pct(m.bounceRate)} bounced, ` +
        `${pct(m.complaintRate)} marked as spam and ${pct(m.unsubscribeRate)} unsubscribed.`
      : "No emails were sent, so there are no email rates.";
  const read = m.inApp > 0 ? ` ${pct(m.readRate)} of ${num(m.inApp)} in-app notifications were read.` : "";
  return email + read;
}

function Figure(props: { id: string; title: string; summary: string; children: React.ReactNode; table: React.ReactNode }) {
  return (
    <figure aria-labelledby={`${props.id}-title`} className="min-w-0 rounded-xl border border-slate-200 bg-white p-4">
      <h3 id={`${props.id}-title`} className="font-medium text-slate-900">{props.title}</h3>
      <figcaption id={`${props.id}-summary`} className="mt-1 text-sm text-slate-600">{props.summary}</figcaption>
      <div className="mt-3 h-60 w-full" aria-hidden>
        {props.children}
      </div>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer select-none font-medium text-brand-700 hover:underline">Show data</summary>
        <div role="region" aria-label={`${props.title}: data`} tabIndex={0} className="mt-2 max-h-80 overflow-auto rounded-lg border border-slate-200">
          {props.table}
        </div>
      </details>
    </figure>
  );
}

const cell = "px-2 py-1 text-right tabular-nums";
const head = "sticky top-0 bg-slate-50 px-2 py-1 text-right font-medium";

type Day = TypeSeries["days"][number];

/** A chart's numbers as a table: one row per UTC day, one column per `[heading, value]`. */
function DayTable(props: { caption: string; days: Day[]; columns: [string, (d: Day) => string][] }) {
  return (
    <table className="w-full text-xs">
      <caption className="sr-only">{props.caption}</caption>
      <thead className="text-slate-600">
        <tr>
          <th scope="col" className={`${head} text-left`}>Day (UTC)</th>
          {props.columns.map(([label]) => (
            <th key={label} scope="col" className={head}>{label}</th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {props.days.map((d) => (
          <tr key={d.day}>
            <th scope="row" className="whitespace-nowrap px-2 py-1 text-left font-normal tabular-nums">{d.day}</th>
            {props.columns.map(([label, value]) => (
              <td key={label} className={cell}>{value(d)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TypeCharts({ series }: { series: TypeSeries }) {
  const data = series.days.map((d) => ({
    day: d.day,
    label: shortDay(d.day),
    recipients: d.recipients,
    sent: d.sent,
    delivery: d.deliveryRate === null ? null : d.deliveryRate * 100,
    read: d.readRate === null ? null : d.readRate * 100,
    ctr: d.clickThroughRate === null ? null : d.clickThroughRate * 100,
  }));
  const id = `chart-${series.type}`;
  const axis = { fontSize: 12, fill: "#475569" };
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Figure
        id={`${id}-sends`}
        title={`Sends per day: ${series.label}`}
        summary={sendsSummary(series)}
        table={
          <DayTable
            caption={`Sends per day: ${series.label} (UTC days)`}
            days={series.days}
            columns={[
              ["Recipients", (d) => num(d.recipients)],
              ["Emails sent", (d) => num(d.sent)],
              ["Delivered", (d) => num(d.delivered)],
              ["Bounced", (d) => num(d.bounced)],
              ["Complaints", (d) => num(d.complained)],
              ["Clicked", (d) => num(d.clicked)],
              ["Unsubscribed", (d) => num(d.unsubscribed)],
            ]}
          />
        }
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 12, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="label" tick={axis} interval="preserveStartEnd" minTickGap={16} />
            <YAxis allowDecimals={false} tick={axis} width={48} />
            <Tooltip formatter={(v) => num(Number(v))} labelFormatter={(_, p) => (p?.[0]?.payload as { day?: string } | undefined)?.day ?? ""} />
            <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
            <Bar dataKey="recipients" name="Recipients" fill={COLORS.recipients} isAnimationActive={false} />
            <Bar dataKey="sent" name="Emails sent" fill={COLORS.sent} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </Figure>
      <Figure
        id={`${id}-rates`}
        title={`Rates per day: ${series.label}`}
        summary={ratesSummary(series)}
        table={
          <DayTable
            caption={`Rates per day: ${series.label} (UTC days; — when there was nothing to divide by)`}
            days={series.days}
            columns={[
              ["Delivery", (d) => pct(d.deliveryRate)],
              ["Read", (d) => pct(d.readRate)],
              ["CTR", (d) => pct(d.clickThroughRate)],
              ["Unsubscribe", (d) => pct(d.unsubscribeRate)],
              ["Bounce", (d) => pct(d.bounceRate)],
              ["Complaint", (d) => pct(d.complaintRate)],
            ]}
          />
        }
      >
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 12, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="label" tick={axis} interval="preserveStartEnd" minTickGap={16} />
            <YAxis domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} tick={axis} width={48} />
            <Tooltip formatter={(v) => (v === null || v === undefined ? "—" : pct(Number(v) / 100))} labelFormatter={(_, p) => (p?.[0]?.payload as { day?: string } | undefined)?.day ?? ""} />
            <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
            <Line type="monotone" dataKey="delivery" name="Delivery" stroke={COLORS.delivery} strokeWidth={2} dot={data.length <= 31} isAnimationActive={false} />
            <Line type="monotone" dataKey="read" name="Read" stroke={COLORS.read} strokeWidth={2} strokeDasharray="6 3" dot={data.length <= 31} isAnimationActive={false} />
            <Line type="monotone" dataKey="ctr" name="Click-through" stroke={COLORS.ctr} strokeWidth={2} strokeDasharray="2 3" dot={data.length <= 31} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </Figure>
    </div>
  );
}

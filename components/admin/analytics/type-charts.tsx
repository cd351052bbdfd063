"use client";
/**
 * One notification type's days as two charts: sends per day (notifications written and emails sent, bars)
 * and rates per day (delivery, read and click-through, lines; a day with nothing to divide leaves a gap).
 * Each chart is a figure with a title, a text summary, and its numbers in a table behind "Show data", so
 * nothing depends on seeing the chart. Words from `analytics.charts.*` and `analytics.metric.*`; numbers and
 * days in the reader's language (./format.ts).
 */
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useLocale, useTranslations } from "use-intl";
import { longDay, num, pct, shortDay, type TypeSeries } from "./analytics-display";

/** The `analytics.charts` translator. */
type ChartsT = ReturnType<typeof useTranslations<"analytics.charts">>;

/** Legend labels in dark text (the swatch carries the colour; pale series colours are not legible as text). */
const legendText = (value: string) => <span style={{ color: "#334155" }}>{value}</span>;

const COLORS = { recipients: "#64748b", sent: "#047857", delivery: "#047857", read: "#2563eb", ctr: "#b45309" } as const;

function busiest(t: TypeSeries, key: "sent" | "recipients") {
  return t.days.reduce<{ day: string; n: number } | null>((best, d) => (d[key] > (best?.n ?? 0) ? { day: d.day, n: d[key] } : best), null);
}

/**
 * The sends chart's summary in words.
 * @param tr `analytics.charts` in the reader's language
 * @param locale the reader's `Intl` tag
 */
export function sendsSummary(tr: ChartsT, t: TypeSeries, locale: string): string {
  const sentTop = busiest(t, "sent");
  const top = sentTop ?? busiest(t, "recipients");
  const values = { recipientsCount: t.totals.recipients, recipients: num(t.totals.recipients, locale), sentCount: t.totals.sent, sent: num(t.totals.sent, locale), days: t.days.length };
  if (!top) return tr("sendsSummary", values);
  const busy = { ...values, day: longDay(top.day, locale), topCount: top.n, top: num(top.n, locale) };
  return sentTop ? tr("sendsSummaryEmails", busy) : tr("sendsSummaryNotifications", busy);
}

/**
 * The rates chart's summary in words: the email rates (or that there were none), then the read rate when
 * anything went to the inbox.
 */
export function ratesSummary(tr: ChartsT, t: TypeSeries, locale: string): string {
  const m = t.totals;
  const p = (r: number | null) => pct(r, locale);
  const email =
    m.sent > 0
      ? tr("ratesEmail", {
          count: m.sent,
          sent: num(m.sent, locale),
          delivered: p(m.deliveryRate),
          clicked: p(m.clickThroughRate),
          bounced: p(m.bounceRate),
          complained: p(m.complaintRate),
          unsubscribed: p(m.unsubscribeRate),
        })
      : tr("ratesNoEmail");
  return m.inApp > 0 ? `${email} ${tr("ratesRead", { count: m.inApp, rate: p(m.readRate), inApp: num(m.inApp, locale) })}` : email;
}

function Figure(props: { id: string; title: string; summary: string; children: React.ReactNode; table: React.ReactNode }) {
  const t = useTranslations("analytics.charts");
  return (
    <figure aria-labelledby={`${props.id}-title`} className="min-w-0 rounded-xl border border-slate-200 bg-white p-4">
      <h3 id={`${props.id}-title`} className="font-medium text-slate-900">{props.title}</h3>
      <figcaption id={`${props.id}-summary`} className="mt-1 text-sm text-slate-600">{props.summary}</figcaption>
      <div className="mt-3 h-60 w-full" aria-hidden>
        {props.children}
      </div>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer select-none font-medium text-brand-700 hover:underline">{t("showData")}</summary>
        <div role="region" aria-label={t("data", { title: props.title })} tabIndex={0} className="mt-2 max-h-80 overflow-auto rounded-lg border border-slate-200">
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
  const t = useTranslations("analytics.charts");
  return (
    <table className="w-full text-xs">
      <caption className="sr-only">{props.caption}</caption>
      <thead className="text-slate-600">
        <tr>
          <th scope="col" className={`${head} text-left`}>{t("day")}</th>
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

/**
 * @param series the type's days and totals
 * @param label the type's name in the reader's language
 */
export function TypeCharts({ series, label }: { series: TypeSeries; label: string }) {
  const t = useTranslations("analytics.charts");
  const m = useTranslations("analytics.metric");
  const locale = useLocale();
  const n = (v: number) => num(v, locale);
  const p = (r: number | null) => pct(r, locale);
  const data = series.days.map((d) => ({
    day: d.day,
    label: shortDay(d.day, locale),
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
        title={t("sendsTitle", { type: label })}
        summary={sendsSummary(t, series, locale)}
        table={
          <DayTable
            caption={t("sendsCaption", { type: label })}
            days={series.days}
            columns={[
              [m("recipients"), (d) => n(d.recipients)],
              [m("sent"), (d) => n(d.sent)],
              [t("delivered"), (d) => n(d.delivered)],
              [t("bounced"), (d) => n(d.bounced)],
              [t("complaints"), (d) => n(d.complained)],
              [t("clicked"), (d) => n(d.clicked)],
              [t("unsubscribed"), (d) => n(d.unsubscribed)],
            ]}
          />
        }
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 12, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="label" tick={axis} interval="preserveStartEnd" minTickGap={16} />
            <YAxis allowDecimals={false} tick={axis} width={48} />
            <Tooltip formatter={(v) => n(Number(v))} labelFormatter={(_, p) => (p?.[0]?.payload as { day?: string } | undefined)?.day ?? ""} />
            <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
            <Bar dataKey="recipients" name={m("recipients")} fill={COLORS.recipients} isAnimationActive={false} />
            <Bar dataKey="sent" name={m("sent")} fill={COLORS.sent} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </Figure>
      <Figure
        id={`${id}-rates`}
        title={t("ratesTitle", { type: label })}
        summary={ratesSummary(t, series, locale)}
        table={
          <DayTable
            caption={t("ratesCaption", { type: label })}
            days={series.days}
            columns={[
              [m("delivery"), (d) => p(d.deliveryRate)],
              [m("read"), (d) => p(d.readRate)],
              [m("ctr"), (d) => p(d.clickThroughRate)],
              [t("unsubscribe"), (d) => p(d.unsubscribeRate)],
              [m("bounce"), (d) => p(d.bounceRate)],
              [m("complaint"), (d) => p(d.complaintRate)],
            ]}
          />
        }
      >
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 12, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="label" tick={axis} interval="preserveStartEnd" minTickGap={16} />
            <YAxis domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} tick={axis} width={48} />
            <Tooltip formatter={(v) => (v === null || v === undefined ? "—" : p(Number(v) / 100))} labelFormatter={(_, p) => (p?.[0]?.payload as { day?: string } | undefined)?.day ?? ""} />
            <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
            <Line type="monotone" dataKey="delivery" name={m("delivery")} stroke={COLORS.delivery} strokeWidth={2} dot={data.length <= 31} isAnimationActive={false} />
            <Line type="monotone" dataKey="read" name={m("read")} stroke={COLORS.read} strokeWidth={2} strokeDasharray="6 3" dot={data.length <= 31} isAnimationActive={false} />
            <Line type="monotone" dataKey="ctr" name={t("clickThrough")} stroke={COLORS.ctr} strokeWidth={2} strokeDasharray="2 3" dot={data.length <= 31} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </Figure>
    </div>
  );
}

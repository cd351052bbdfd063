"use client";
/**
 * One row per campaign that started in the range: recipients, delivery, read, click-through, unsubscribes,
 * bounce and complaint rates. A campaign whose complaint rate is above 0.1 % carries a worded warning
 * badge (colour only repeats the words). A table on wide screens (scrolling sideways inside its own
 * focusable region if it must, the campaign name kept in view), cards on phones. Words from `analytics.*`,
 * channel names from `channels.*`, numbers in the reader's language (./format.ts).
 */
import type { ReactNode } from "react";
import { useLocale, useTranslations } from "use-intl";
import { num, pct, utcMinutes, type CampaignRow } from "./analytics-display";

/** A campaign's status in words (`analytics.campaignStatus.*`), or the code for one it does not know. */
function useCampaignStatus() {
  const t = useTranslations("analytics.campaignStatus");
  return (status: string) => (t.has(status as "SENT") ? t(status as "SENT") : status);
}

/** A campaign's channels inline, "in-app + email": `channels.*` in lower case. */
function useChannelsText() {
  const t = useTranslations("channels");
  const locale = useLocale();
  return (channels: string[]) => channels.map((c) => (t.has(c as "EMAIL") ? t(c as "EMAIL").toLocaleLowerCase(locale) : c.toLowerCase())).join(" + ");
}

/** "High complaints" pill shown past the warning threshold (the threshold is in its accessible name). */
export function ComplaintBadge({ threshold }: { threshold: number }) {
  const t = useTranslations("analytics.badge");
  const rate = pct(threshold, useLocale());
  return (
    <span
      data-testid="complaint-warning"
      title={t("title", { rate })}
      className="inline-flex items-center gap-1 whitespace-nowrap rounded-full bg-rose-50 px-2 py-0.5 text-xs font-medium text-rose-800 ring-1 ring-inset ring-rose-200"
    >
      <svg aria-hidden viewBox="0 0 16 16" className="h-3.5 w-3.5 fill-current">
        <path d="M8 1.5a1 1 0 0 1 .87.5l6.5 11.25A1 1 0 0 1 14.5 14.75h-13a1 1 0 0 1-.87-1.5L7.13 2A1 1 0 0 1 8 1.5Zm0 4a.75.75 0 0 0-.75.75v3.5a.75.75 0 0 0 1.5 0v-3.5A.75.75 0 0 0 8 5.5Zm0 6.25a.9.9 0 1 0 0 1.8.9.9 0 0 0 0-1.8Z" />
      </svg>
      {t.rich("text", { rate, hidden: (chunks) => <span className="sr-only">{chunks}</span> })}
    </span>
  );
}

/** The metrics as a compact definition list (phone cards). */
export function MetricList({ m }: { m: CampaignRow["metrics"] }) {
  const t = useTranslations("analytics.metric");
  const locale = useLocale();
  const items: [string, ReactNode][] = [
    [t("recipients"), num(m.recipients, locale)],
    [t("sent"), num(m.sent, locale)],
    [t("delivery"), pct(m.deliveryRate, locale)],
    [t("read"), pct(m.readRate, locale)],
    [t("ctr"), pct(m.clickThroughRate, locale)],
    [t("unsubscribes"), m.unsubscribeRate === null ? num(m.unsubscribed, locale) : <>{num(m.unsubscribed, locale)} <span className="text-xs font-normal text-slate-500">({pct(m.unsubscribeRate, locale)})</span></>],
    [t("bounce"), pct(m.bounceRate, locale)],
    [t("complaint"), pct(m.complaintRate, locale)],
  ];
  return (
    <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
      {items.map(([k, v]) => (
        <div key={k} className="flex items-baseline justify-between gap-2 border-b border-slate-100 pb-1">
          <dt className="text-slate-600">{k}</dt>
          <dd className="font-medium tabular-nums text-slate-900">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A rate, saying what it had nothing of when there is none: emails (the default) or in-app notifications. */
function Rate({ value, of = "emails" }: { value: number | null; of?: "emails" | "inApp" }) {
  const t = useTranslations("analytics.campaigns");
  const locale = useLocale();
  return (
    <span className="tabular-nums" title={value === null ? t(of === "inApp" ? "noInApp" : "noEmails") : undefined}>
      {pct(value, locale)}
      {value === null ? <span className="sr-only"> {t(of === "inApp" ? "noInAppHidden" : "noEmailsHidden")}</span> : null}
    </span>
  );
}

/**
 * The campaigns as a table on wide screens and as cards on narrow ones (the same data; only one is shown,
 * the other is `display: none` and so absent for assistive tech too).
 */
export function CampaignList({ rows, warningRate }: { rows: CampaignRow[]; warningRate: number }) {
  const t = useTranslations("analytics.campaigns");
  const locale = useLocale();
  const status = useCampaignStatus();
  const channelsText = useChannelsText();
  return (
    <>
      <div className="hidden lg:block">
        <CampaignTable rows={rows} warningRate={warningRate} />
      </div>
      <ul aria-label={t("list")} className="grid gap-3 sm:grid-cols-2 lg:hidden">
        {rows.map((r) => (
          <li key={r.id} data-testid="campaign-card" className="rounded-xl border border-slate-200 bg-white p-4">
            <h3 className="break-words font-medium text-slate-900">{r.name}</h3>
            <p className="text-xs text-slate-500">
              {status(r.status)} · {channelsText(r.channels)} · <time dateTime={r.sentAt.toISOString()}>{utcMinutes(r.sentAt)}</time>
            </p>
            {r.complaintWarning ? (
              <p className="mt-2">
                <ComplaintBadge threshold={warningRate} />
              </p>
            ) : null}
            <MetricList m={r.metrics} />
          </li>
        ))}
      </ul>
      {rows.some((r) => r.complaintWarning) ? (
        <p className="text-xs text-slate-600">{t("highComplaints", { rate: pct(warningRate, locale) })}</p>
      ) : null}
    </>
  );
}

export function CampaignTable({ rows, warningRate }: { rows: CampaignRow[]; warningRate: number }) {
  const t = useTranslations("analytics");
  const locale = useLocale();
  const status = useCampaignStatus();
  const channelsText = useChannelsText();
  const th = "px-3 py-2 text-right font-medium";
  return (
    <div role="region" aria-labelledby="campaigns-caption" tabIndex={0} className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
      <table className="w-full min-w-[54rem] text-left text-sm">
        <caption id="campaigns-caption" className="sr-only">{t("campaigns.caption")}</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="sticky left-0 bg-slate-50 px-3 py-2 font-medium">{t("campaigns.campaign")}</th>
            <th scope="col" className="px-3 py-2 font-medium">{t("campaigns.sentAt")}</th>
            <th scope="col" className={th}>{t("metric.recipients")}</th>
            <th scope="col" className={th} title={t("campaigns.deliveryTitle")}>{t("metric.delivery")}</th>
            <th scope="col" className={th} title={t("campaigns.readTitle")}>{t("metric.read")}</th>
            <th scope="col" className={th} title={t("campaigns.ctrTitle")}>{t("metric.ctr")}</th>
            <th scope="col" className={th} title={t("campaigns.unsubscribesTitle")}>{t("metric.unsubscribes")}</th>
            <th scope="col" className={th} title={t("campaigns.bounceTitle")}>{t("metric.bounce")}</th>
            <th scope="col" className={th} title={t("campaigns.complaintTitle")}>{t("metric.complaint")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.id} data-testid="campaign-row" className="align-top">
              <th scope="row" className="sticky left-0 max-w-[16rem] bg-white px-3 py-2 text-left font-medium text-slate-900">
                <span className="block break-words">{r.name}</span>
                <span className="block text-xs font-normal text-slate-500">
                  {status(r.status)} · {channelsText(r.channels)}
                </span>
              </th>
              <td className="whitespace-nowrap px-3 py-2 tabular-nums text-slate-700">
                <time dateTime={r.sentAt.toISOString()}>{utcMinutes(r.sentAt)}</time>
              </td>
              <td className="px-3 py-2 text-right tabular-nums">
                {num(r.metrics.recipients, locale)}
                <span className="block text-xs text-slate-500">{t("campaigns.emailed", { sent: num(r.metrics.sent, locale) })}</span>
              </td>
              <td className="px-3 py-2 text-right"><Rate value={r.metrics.deliveryRate} /></td>
              <td className="px-3 py-2 text-right"><Rate value={r.metrics.readRate} of="inApp" /></td>
              <td className="px-3 py-2 text-right"><Rate value={r.metrics.clickThroughRate} /></td>
              <td className="px-3 py-2 text-right tabular-nums">
                {num(r.metrics.unsubscribed, locale)}
                <span className="block text-xs text-slate-500"><Rate value={r.metrics.unsubscribeRate} /></span>
              </td>
              <td className="px-3 py-2 text-right"><Rate value={r.metrics.bounceRate} /></td>
              <td className="px-3 py-2 text-right">
                <Rate value={r.metrics.complaintRate} />
                {r.complaintWarning ? (
                  <span className="mt-1 block">
                    <ComplaintBadge threshold={warningRate} />
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * One row per campaign that started in the range: recipients, delivery, read, click-through, unsubscribes,
 * bounce and complaint rates. A campaign whose complaint rate is above 0.1 % carries a worded warning
 * badge (colour only repeats the words). A table on wide screens (scrolling sideways inside its own
 * focusable region if it must, the campaign name kept in view), cards on phones.
 */
import type { ReactNode } from "react";
import { num, pct, utcMinutes, type CampaignRow } from "./format";

const STATUS: Record<string, string> = { SENDING: "Sending", PAUSED: "Paused", SENT: "Sent", CANCELLED: "Cancelled", SCHEDULED: "Scheduled", DRAFT: "Draft" };

/** "High complaints" pill shown past the warning threshold (the threshold is in its accessible name). */
export function ComplaintBadge({ threshold }: { threshold: number }) {
  return (
    <span
      data-testid="complaint-warning"
      title={`More than ${pct(threshold)} of the emails sent were marked as spam`}
      className="inline-flex items-center gap-1 whitespace-nowrap rounded-full bg-rose-50 px-2 py-0.5 text-xs font-medium text-rose-800 ring-1 ring-inset ring-rose-200"
    >
      <svg aria-hidden viewBox="0 0 16 16" className="h-3.5 w-3.5 fill-current">
        <path d="M8 1.5a1 1 0 0 1 .87.5l6.5 11.25A1 1 0 0 1 14.5 14.75h-13a1 1 0 0 1-.87-1.5L7.13 2A1 1 0 0 1 8 1.5Zm0 4a.75.75 0 0 0-.75.75v3.5a.75.75 0 0 0 1.5 0v-3.5A.75.75 0 0 0 8 5.5Zm0 6.25a.9.9 0 1 0 0 1.8.9.9 0 0 0 0-1.8Z" />
      </svg>
      High complaints<span className="sr-only"> (more than {pct(threshold)} marked as spam)</span>
    </span>
  );
}

/** The metrics as a compact definition list (phone cards). */
export function MetricList({ m }: { m: CampaignRow["metrics"] }) {
  const items: [string, ReactNode][] = [
    ["Recipients", num(m.recipients)],
    ["Emails sent", num(m.sent)],
    ["Delivery", pct(m.deliveryRate)],
    ["Read", pct(m.readRate)],
    ["CTR", pct(m.clickThroughRate)],
    ["Unsubscribes", m.unsubscribeRate === null ? num(m.unsubscribed) : <>{num(m.unsubscribed)} <span className="text-xs font-normal text-slate-500">({pct(m.unsubscribeRate)})</span></>],
    ["Bounce", pct(m.bounceRate)],
    ["Complaint", pct(m.complaintRate)],
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

function Rate({ value, of }: { value: number | null; of?: string }) {
  return (
    <span className="tabular-nums" title={value === null ? `No ${of ?? "emails"} to measure` : undefined}>
      {pct(value)}
      {value === null ? <span className="sr-only"> (no {of ?? "emails"} to measure)</span> : null}
    </span>
  );
}

/**
 * The campaigns as a table on wide screens and as cards on narrow ones (the same data; only one is shown,
 * the other is `display: none` and so absent for assistive tech too).
 */
export function CampaignList({ rows, warningRate }: { rows: CampaignRow[]; warningRate: number }) {
  return (
    <>
      <div className="hidden lg:block">
        <CampaignTable rows={rows} warningRate={warningRate} />
      </div>
      <ul aria-label="Campaigns sent in the range" className="grid gap-3 sm:grid-cols-2 lg:hidden">
        {rows.map((r) => (
          <li key={r.id} data-testid="campaign-card" className="rounded-xl border border-slate-200 bg-white p-4">
            <h3 className="break-words font-medium text-slate-900">{r.name}</h3>
            <p className="text-xs text-slate-500">
              {STATUS[r.status] ?? r.status} · {channelsText(r.channels)} · <time dateTime={r.sentAt.toISOString()}>{utcMinutes(r.sentAt)}</time>
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
        <p className="text-xs text-slate-600">High complaints: more than {pct(warningRate)} of the emails sent were marked as spam.</p>
      ) : null}
    </>
  );
}

const channelsText = (channels: string[]) => channels.map((c) => (c === "IN_APP" ? "in-app" : c.toLowerCase())).join(" + ");

export function CampaignTable({ rows, warningRate }: { rows: CampaignRow[]; warningRate: number }) {
  const th = "px-3 py-2 text-right font-medium";
  return (
    <div role="region" aria-labelledby="campaigns-caption" tabIndex={0} className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
      <table className="w-full min-w-[54rem] text-left text-sm">
        <caption id="campaigns-caption" className="sr-only">Campaigns sent in the range, newest first, with their delivery metrics</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="sticky left-0 bg-slate-50 px-3 py-2 font-medium">Campaign</th>
            <th scope="col" className="px-3 py-2 font-medium">Sent at</th>
            <th scope="col" className={th}>Recipients</th>
            <th scope="col" className={th} title="Delivered ÷ emails sent">Delivery</th>
            <th scope="col" className={th} title="Read in the inbox ÷ in-app recipients">Read</th>
            <th scope="col" className={th} title="Clicked ÷ emails sent">CTR</th>
            <th scope="col" className={th} title="Unsubscribed through the email ÷ emails sent">Unsubscribes</th>
            <th scope="col" className={th} title="Bounced ÷ emails sent">Bounce</th>
            <th scope="col" className={th} title="Marked as spam ÷ emails sent">Complaint</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.id} data-testid="campaign-row" className="align-top">
              <th scope="row" className="sticky left-0 max-w-[16rem] bg-white px-3 py-2 text-left font-medium text-slate-900">
                <span className="block break-words">{r.name}</span>
                <span className="block text-xs font-normal text-slate-500">
                  {STATUS[r.status] ?? r.status} · {channelsText(r.channels)}
                </span>
              </th>
              <td className="whitespace-nowrap px-3 py-2 tabular-nums text-slate-700">
                <time dateTime={r.sentAt.toISOString()}>{utcMinutes(r.sentAt)}</time>
              </td>
              <td className="px-3 py-2 text-right tabular-nums">
                {num(r.metrics.recipients)}
                <span className="block text-xs text-slate-500">{num(r.metrics.sent)} emailed</span>
              </td>
              <td className="px-3 py-2 text-right"><Rate value={r.metrics.deliveryRate} /></td>
              <td className="px-3 py-2 text-right"><Rate value={r.metrics.readRate} of="in-app notifications" /></td>
              <td className="px-3 py-2 text-right"><Rate value={r.metrics.clickThroughRate} /></td>
              <td className="px-3 py-2 text-right tabular-nums">
                {num(r.metrics.unsubscribed)}
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

"use client";
/**
 * The delivery log's rows: when (UTC, like the date filters), who, what, which channel, and what happened
 * with the pipeline's reason. The title opens the delivery's timeline. Words from `deliveryLog.*`; channel
 * names from `channels.*`.
 */
import Link from "next/link";
import { useTranslations } from "use-intl";
import type { DeliveryLogRow } from "@/server/services/delivery/delivery-log";
import { reasonWords } from "./delivery-log-reason";

/** The `DeliveryStatus` codes, whose meaning in a few words is `deliveryLog.statusMeaning.<code>`. */
type StatusCode = "QUEUED" | "HELD" | "SKIPPED" | "SENT" | "DELIVERED" | "BOUNCED" | "COMPLAINED" | "FAILED";

const STATUS_TONE: Record<string, string> = {
  QUEUED: "bg-sky-50 text-sky-800 ring-sky-200",
  HELD: "bg-amber-50 text-amber-900 ring-amber-200",
  SKIPPED: "bg-slate-100 text-slate-700 ring-slate-200",
  SENT: "bg-brand-50 text-brand-800 ring-brand-100",
  DELIVERED: "bg-brand-50 text-brand-800 ring-brand-100",
  BOUNCED: "bg-rose-50 text-rose-800 ring-rose-200",
  COMPLAINED: "bg-rose-50 text-rose-800 ring-rose-200",
  FAILED: "bg-rose-50 text-rose-800 ring-rose-200",
};

/**
 * A status code as a pill, its meaning in the tooltip (the word carries it; colour only repeats it). The
 * code stays a code: it is what the filter and the URL use.
 */
export function DeliveryStatusBadge({ status }: { status: string }) {
  const t = useTranslations("deliveryLog.statusMeaning");
  return (
    <span title={t.has(status as StatusCode) ? t(status as StatusCode) : undefined} className={`inline-block whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-semibold tracking-wide ring-1 ring-inset ${STATUS_TONE[status] ?? STATUS_TONE.SKIPPED}`}>
      {status}
    </span>
  );
}

/** An address that, when it must wrap, wraps before the "@" first. */
function Email({ address }: { address: string }) {
  const at = address.lastIndexOf("@");
  return at > 0 ? (
    <>
      {address.slice(0, at)}
      <wbr />
      {address.slice(at)}
    </>
  ) : (
    <>{address}</>
  );
}

/** "2030-06-01 10:00" (UTC, minutes). */
function utcMinutes(d: Date): string {
  return d.toISOString().slice(0, 16).replace("T", " ");
}

/** Phones: each cell stacks under its column's name (the header row is then read, not shown). */
const CELL = "px-3 py-2 max-sm:block max-sm:px-0 max-sm:py-0.5";
const CELL_LABEL = "max-sm:before:mr-2 max-sm:before:text-xs max-sm:before:font-medium max-sm:before:uppercase max-sm:before:tracking-wide max-sm:before:text-slate-500 max-sm:before:content-[attr(data-label)]";

/**
 * The rows as a table: five columns from the `sm` breakpoint (scrolling sideways inside its own focusable
 * region if still too narrow), one stacked card per row on phones. The explicit ARIA roles keep the table's
 * semantics when the phone layout changes the elements' `display`.
 * @param back the list's query string, carried to the timeline so its back link returns to this page
 */
export function DeliveryLogTable({ rows, back }: { rows: DeliveryLogRow[]; back: string }) {
  const t = useTranslations("deliveryLog");
  const tr = useTranslations();
  const channel = (c: string) => (tr.has(`channels.${c as "EMAIL"}`) ? tr(`channels.${c as "EMAIL"}`) : c);
  const detail = (id: string) => `/admin/deliveries/${id}${back ? `?back=${encodeURIComponent(back)}` : ""}`;
  return (
    <div role="region" aria-labelledby="log-caption" tabIndex={0} className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
      <table role="table" className="w-full text-left text-sm max-sm:block sm:min-w-[44rem]">
        <caption id="log-caption" className="sr-only">{t("table.caption")}</caption>
        <thead role="rowgroup" className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600 max-sm:sr-only">
          <tr role="row">
            <th role="columnheader" scope="col" className="px-3 py-2 font-medium">{t("table.created")}</th>
            <th role="columnheader" scope="col" className="px-3 py-2 font-medium">{t("table.recipient")}</th>
            <th role="columnheader" scope="col" className="px-3 py-2 font-medium">{t("table.notification")}</th>
            <th role="columnheader" scope="col" className="px-3 py-2 font-medium">{t("table.channel")}</th>
            <th role="columnheader" scope="col" className="px-3 py-2 font-medium">{t("table.status")}</th>
          </tr>
        </thead>
        <tbody role="rowgroup" className="divide-y divide-slate-100 max-sm:block">
          {rows.map((d) => {
            const why = reasonWords((key, values) => t(`reason.${key}`, values), d.reason, d.reasonText, d.channel);
            return (
              <tr role="row" key={d.id} data-testid="delivery-row" className="align-top max-sm:block max-sm:px-4 max-sm:py-3">
                <td role="cell" data-label={t("table.created")} className={`${CELL} ${CELL_LABEL} whitespace-nowrap tabular-nums text-slate-700`}>
                  <time dateTime={d.createdAt.toISOString()}>{utcMinutes(d.createdAt)}</time>
                </td>
                <td role="cell" className={`${CELL} sm:max-w-[14rem]`}>
                  <span className="block text-slate-900">{d.user.name}</span>
                  <Link href={`/admin/deliveries?email=${encodeURIComponent(d.user.email)}`} title={t("table.only", { email: d.user.email })} className="block text-xs text-brand-700 [overflow-wrap:anywhere] hover:underline">
                    <Email address={d.user.email} />
                  </Link>
                </td>
                <td role="cell" className={`${CELL} sm:max-w-[18rem]`}>
                  <Link href={detail(d.id)} className="font-medium text-slate-900 underline decoration-slate-300 underline-offset-2 hover:decoration-brand-700">
                    {d.notification.title}
                  </Link>
                  <span className="block font-mono text-xs text-slate-500">{d.notification.type}</span>
                </td>
                <td role="cell" data-label={t("table.channel")} className={`${CELL} ${CELL_LABEL} whitespace-nowrap`}>{channel(d.channel)}</td>
                <td role="cell" className={CELL}>
                  <DeliveryStatusBadge status={d.status} />
                  {why ? <span className="mt-0.5 block text-xs text-slate-600">{why}</span> : null}
                  {d.status === "HELD" && d.releaseAt ? (
                    <span className="block text-xs text-slate-600">
                      {t.rich("table.until", { when: utcMinutes(d.releaseAt), time: (chunks) => <time dateTime={d.releaseAt?.toISOString()}>{chunks}</time> })}
                    </span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

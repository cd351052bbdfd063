"use client";
/**
 * The analytics range: presets (last 7, 30, 90, 365 UTC days) as links, and a from/to form (UTC days,
 * both included, at most 366 days) that submits as a plain GET, so every range has its own URL.
 */
import Link from "next/link";
import { useTranslations } from "use-intl";

/** The presets: a number of days, named in days or (365) in months. */
const PRESETS = [
  { days: 7, count: 7, unit: "days" },
  { days: 30, count: 30, unit: "days" },
  { days: 90, count: 90, unit: "days" },
  { days: 365, count: 12, unit: "months" },
] as const;

export function RangeSelector(props: { from: string; to: string; activePreset: number | null }) {
  const t = useTranslations("analytics.ranges");
  return (
    <div className="flex flex-wrap items-end gap-x-4 gap-y-3">
      <nav aria-label={t("presets")}>
        <p className="mb-1 text-xs font-medium text-slate-600">{t("last")}</p>
        <ul className="inline-flex rounded-lg border border-slate-300 bg-white p-0.5">
          {PRESETS.map((p) => {
            const active = props.activePreset === p.days;
            return (
              <li key={p.days}>
                <Link
                  href={`/admin/analytics?days=${p.days}`}
                  aria-current={active ? "page" : undefined}
                  className={`block whitespace-nowrap rounded-md px-3 py-1 text-sm ${active ? "bg-brand-700 font-medium text-white" : "text-slate-700 hover:bg-slate-100"}`}
                >
                  {t(p.unit, { count: p.count })}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <form method="get" action="/admin/analytics" aria-label={t("custom")} className="flex flex-wrap items-end gap-2">
        <div>
          <label htmlFor="range-from" className="mb-1 block text-xs font-medium text-slate-600">{t("from")}</label>
          <input id="range-from" name="from" type="date" defaultValue={props.from} required className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm" />
        </div>
        <div>
          <label htmlFor="range-to" className="mb-1 block text-xs font-medium text-slate-600">{t("to")}</label>
          <input id="range-to" name="to" type="date" defaultValue={props.to} required className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm" />
        </div>
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1 text-sm font-medium text-slate-800 hover:bg-slate-50">
          {t("apply")}
        </button>
      </form>
    </div>
  );
}

"use client";
/**
 * The delivery log's filters: a GET form, so the filters live in the query string (a shareable link) and
 * work without JavaScript. With JavaScript, submitting navigates client-side inside a transition, leaving
 * blank fields out of the URL, and says "Loading deliveries…" until the new page is there.
 */
import { useTransition, type FormEvent } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "use-intl";
import { CHANNELS, NOTIFICATION_TYPE_NAMES } from "@/server/services/notifications/catalog";

/** The statuses whose code does not say it get a word (`deliveryLog.statusHint.*`; the select is narrow). */
type HintedStatus = "SKIPPED" | "COMPLAINED" | "FAILED";

/** The raw values of the query string (shown back as typed, even when invalid, so they can be fixed). */
export interface DeliveryLogFilterValues {
  email?: string;
  match?: string;
  type?: string;
  channel?: string;
  status?: string;
  from?: string;
  to?: string;
}

const CONTROL = "rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 focus-visible:border-brand-600";
const FIELD = `mt-1 block w-full ${CONTROL}`;
const LABEL = "block text-xs font-medium text-slate-700";

/**
 * The form's fields as the log's query string: blank fields dropped, `match` only with an email and only
 * when it is not the default ("exact").
 */
export function filterQuery(form: FormData): string {
  const q = new URLSearchParams();
  for (const [key, value] of form) {
    if (typeof value === "string" && value.trim() !== "") q.append(key, value.trim());
  }
  if (!q.get("email") || q.get("match") === "exact") q.delete("match");
  return q.toString();
}

/** The filter form for /admin/deliveries. */
export function DeliveryLogFilters({ values, statuses }: { values: DeliveryLogFilterValues; statuses: readonly string[] }) {
  const one = (v: string | undefined) => v ?? "";
  const t = useTranslations("deliveryLog");
  const tr = useTranslations();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const query = filterQuery(new FormData(e.currentTarget));
    startTransition(() => router.push(query ? `/admin/deliveries?${query}` : "/admin/deliveries"));
  };
  return (
    <form action="/admin/deliveries" method="get" onSubmit={submit} role="search" aria-label={t("filters.label")} aria-busy={pending} className="rounded-xl border border-slate-200 bg-white p-4">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <div className="sm:col-span-2">
          <label htmlFor="f-email" className={LABEL}>{t("filters.email")}</label>
          <div className="mt-1 flex gap-2">
            <input
              id="f-email"
              name="email"
              type="text"
              inputMode="email"
              autoComplete="off"
              spellCheck={false}
              maxLength={320}
              defaultValue={one(values.email)}
              placeholder="name@herald.test"
              aria-describedby="f-email-hint"
              className={`${CONTROL} min-w-0 flex-1`}
            />
            <label htmlFor="f-match" className="sr-only">{t("filters.match")}</label>
            <select id="f-match" name="match" defaultValue={values.match === "prefix" ? "prefix" : "exact"} className={`${CONTROL} shrink-0`}>
              <option value="exact">{t("filters.exact")}</option>
              <option value="prefix">{t("filters.prefix")}</option>
            </select>
          </div>
          <p id="f-email-hint" className="mt-1 text-xs text-slate-500">{t.rich("filters.emailHint", { mono: (chunks) => <span className="font-mono">{chunks}</span> })}</p>
        </div>
        <div>
          <label htmlFor="f-type" className={LABEL}>{t("filters.type")}</label>
          <select id="f-type" name="type" defaultValue={one(values.type)} className={FIELD}>
            <option value="">{t("filters.anyType")}</option>
            {NOTIFICATION_TYPE_NAMES.map((type) => (
              <option key={type} value={type}>{t("filters.typeOption", { label: tr(`types.${type}.label`), type })}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-channel" className={LABEL}>{t("filters.channel")}</label>
          <select id="f-channel" name="channel" defaultValue={one(values.channel)} className={FIELD}>
            <option value="">{t("filters.anyChannel")}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>{tr(`channels.${c}`)}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-status" className={LABEL}>{t("filters.status")}</label>
          <select id="f-status" name="status" defaultValue={one(values.status)} className={FIELD}>
            <option value="">{t("filters.anyStatus")}</option>
            {statuses.map((s) => (
              <option key={s} value={s}>{t.has(`statusHint.${s as HintedStatus}`) ? t("filters.statusOption", { status: s, hint: t(`statusHint.${s as HintedStatus}`) }) : s}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-from" className={LABEL}>{t("filters.from")}</label>
          <input id="f-from" name="from" type="date" defaultValue={one(values.from)} aria-describedby="f-dates-hint" className={FIELD} />
        </div>
        <div>
          <label htmlFor="f-to" className={LABEL}>{t("filters.to")}</label>
          <input id="f-to" name="to" type="date" defaultValue={one(values.to)} aria-describedby="f-dates-hint" className={FIELD} />
        </div>
        <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-1">
          <button type="submit" className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800">{t("filters.apply")}</button>
          <Link href="/admin/deliveries" className="rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100">{t("filters.clear")}</Link>
        </div>
      </div>
      <div className="mt-3 flex flex-wrap items-baseline justify-between gap-2">
        <p id="f-dates-hint" className="text-xs text-slate-500">{t("filters.datesHint")}</p>
        <p role="status" className="text-sm font-medium text-brand-800">
          {pending ? (
            <>
              <span aria-hidden className="mr-1.5 inline-block h-3 w-3 animate-spin rounded-full border-2 border-brand-700 border-t-transparent align-[-1px] motion-reduce:animate-none" />
              {t("loading")}
            </>
          ) : null}
        </p>
      </div>
    </form>
  );
}

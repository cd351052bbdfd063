"use client";
/**
 * /settings/notifications: the language, category × channel matrix, channel master toggles, digest cadence,
 * quiet hours and the email unsubscribe state. Every change saves at once (tRPC `preferences.update`) and the page shows
 * what the server answered; a polite live region says "Saved" or what went wrong. Keyboard: every control
 * is a native checkbox, radio, select or button.
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { useFormatter, useTranslations } from "use-intl";
import { LOCALE_NAMES, LOCALES, type Locale } from "@/lib/i18n";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/root";

type Update = inferRouterInputs<AppRouter>["preferences"]["update"];
type Prefs = inferRouterOutputs<AppRouter>["preferences"]["get"];

/**
 * @param locale the language the page is in (the person's choice, else their browser's), preselected in
 *   the language picker
 */
export function PreferenceCenter({ timeZones, locale }: { timeZones: string[]; locale: Locale }) {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useTranslations("prefs");
  const tr = useTranslations();
  const format = useFormatter();
  const channelLabel = (c: string) => tr(`channels.${c as "EMAIL"}`);
  const categoryLabel = (c: string) => (tr.has(`categories.${c as "listings"}.label`) ? tr(`categories.${c as "listings"}.label`) : c);
  const queryClient = useQueryClient();
  const query = useQuery(trpc.preferences.get.queryOptions());
  const [status, setStatus] = useState<{ kind: "idle" | "saving" | "saved" | "error"; message?: string }>({ kind: "idle" });
  const key = trpc.preferences.get.queryKey();
  const save = useMutation(
    trpc.preferences.update.mutationOptions({
      onMutate: () => setStatus({ kind: "saving" }),
      onSuccess: (data, change) => {
        // A new language: the server renders the pages in it from now on.
        if (change.locale) router.refresh();
        // While a later change is still in flight, its optimistic state is newer than this answer.
        if (queryClient.isMutating({ mutationKey: trpc.preferences.update.mutationKey() }) <= 1) {
          queryClient.setQueryData(key, data);
          setStatus({ kind: "saved" });
        }
      },
      onError: (err) => setStatus({ kind: "error", message: err.message }),
    }),
  );
  /**
   * Optimistic: the control changes in the same event (a controlled input would otherwise snap back until
   * the server answers); the server's answer replaces it, an error rolls it back.
   */
  const update = (change: Update) => {
    const previous = queryClient.getQueryData(key);
    if (previous) queryClient.setQueryData(key, applyLocally(previous, change));
    save.mutate(change, {
      onError: () => {
        if (previous) queryClient.setQueryData(key, previous);
      },
    });
  };

  if (query.isPending) {
    return <div aria-busy="true" aria-label={t("loading")} className="h-96 animate-pulse rounded-2xl bg-slate-200/70" />;
  }
  if (query.isError) {
    return (
      <p role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-6 text-sm text-rose-800">
        {t("loadError")} <button className="font-medium underline" onClick={() => void query.refetch()}>{tr("common.tryAgain")}</button>
      </p>
    );
  }
  const p = query.data;
  const emailOn = p.channels.find((c) => c.channel === "EMAIL")?.enabled ?? false;

  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
          <p className="text-sm text-slate-600">{t("intro")}</p>
        </div>
        <p role="status" aria-live="polite" className={`min-h-5 text-sm ${status.kind === "error" ? "text-rose-700" : "text-slate-600"}`}>
          {status.kind === "saving" ? t("saving") : status.kind === "saved" ? t("saved") : status.kind === "error" ? t("notSaved", { message: status.message ?? "" }) : ""}
        </p>
      </div>

      <Section title={tr("settings.language")} description={tr("settings.languageHint")}>
        <label className="block text-sm">
          <span className="sr-only">{tr("settings.language")}</span>
          <select
            value={p.locale ?? locale}
            disabled={save.isPending}
            onChange={(e) => update({ locale: e.target.value as Locale })}
            className="w-full max-w-sm rounded-md border border-slate-300 bg-white px-2 py-1.5"
          >
            {LOCALES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LOCALE_NAMES[l]}
              </option>
            ))}
          </select>
        </label>
      </Section>

      <Section title={t("channels")} description={t("channelsHint")}>
        <ul className="divide-y divide-slate-100">
          {p.channels.map((c) => (
            <li key={c.channel} className="flex items-center justify-between gap-4 py-3">
              <div>
                <span className="font-medium">{channelLabel(c.channel)}</span>
                <p className="text-xs text-slate-500">
                  {c.locked ? t("inboxCopy") : c.noteCode ? t(`note.${c.noteCode}`) : ""}
                  {c.noteCode && c.channel === "SMS" ? (
                    <>
                      {" "}
                      <Link href="/settings/account#phone" className="font-medium text-brand-700 hover:underline">{t("accountSettings")}</Link>
                    </>
                  ) : null}
                </p>
              </div>
              <Switch
                label={t("channelSwitch", { channel: channelLabel(c.channel) })}
                checked={c.enabled && c.available}
                disabled={!!c.locked || !c.available}
                onChange={(enabled) => update({ channels: [{ channel: c.channel, enabled }] })}
              />
            </li>
          ))}
        </ul>
      </Section>

      <Section title={t("matrix")} description={t("matrixHint")}>
        <div className="-mx-2 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">{t("matrixCaption")}</caption>
            <thead>
              <tr className="text-xs uppercase tracking-wide text-slate-500">
                <th scope="col" className="px-2 py-2 font-medium">{t("topic")}</th>
                {p.channels.map((c) => (
                  <th key={c.channel} scope="col" className="w-12 px-1 py-2 text-center font-medium sm:w-16 sm:px-2">
                    {channelLabel(c.channel)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {p.categories.map((cat) => (
                <tr key={cat.category}>
                  <th scope="row" className="px-2 py-3 align-top font-normal">
                    <span className="font-medium text-slate-900">{categoryLabel(cat.category)}</span>
                    <span className="block text-xs text-slate-500">
                      {tr.has(`categories.${cat.category as "listings"}.description`) ? tr(`categories.${cat.category as "listings"}.description`) : cat.description}
                    </span>
                    {cat.alwaysSent.length > 0 && !cat.cells.some((c) => c.locked && c.channel !== "IN_APP") ? (
                      <span className="block text-xs text-amber-800">
                        {t("alwaysSent", { types: cat.alwaysSentTypes.map((type) => tr(`types.${type as "pickup_reminder"}.label`)).join(", ") })}
                      </span>
                    ) : null}
                  </th>
                  {cat.cells.map((cell) => {
                    const master = p.channels.find((c) => c.channel === cell.channel);
                    const off = !cell.available || (master && !master.enabled);
                    const label = t("cell", { channel: channelLabel(cell.channel), category: categoryLabel(cat.category) });
                    const lockedWhy = t(cell.channel === "IN_APP" ? "inboxCopy" : "critical");
                    return (
                      <td key={cell.channel} className="px-1 py-3 text-center align-top sm:px-2">
                        {cell.locked ? (
                          <span title={lockedWhy} className="inline-flex items-center text-slate-400">
                            <input type="checkbox" checked readOnly disabled aria-label={t("cellLocked", { channel: channelLabel(cell.channel), category: categoryLabel(cat.category), reason: lockedWhy })} className="h-4 w-4 accent-brand-700" />
                            <svg aria-hidden viewBox="0 0 16 16" className="ml-1 h-3.5 w-3.5" fill="currentColor">
                              <path d="M5 7V5a3 3 0 1 1 6 0v2h.5A1.5 1.5 0 0 1 13 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 13.5v-5A1.5 1.5 0 0 1 4.5 7H5Zm1.5 0h3V5a1.5 1.5 0 0 0-3 0v2Z" />
                            </svg>
                          </span>
                        ) : (
                          <input
                            type="checkbox"
                            aria-label={label}
                            title={!cell.available ? t("notSentBy", { channel: channelLabel(cell.channel) }) : off ? t("channelOff", { channel: channelLabel(cell.channel) }) : undefined}
                            checked={cell.enabled && !off}
                            disabled={off}
                            onChange={(e) => update({ categories: [{ category: cat.category, channel: cell.channel, enabled: e.target.checked }] })}
                            className="h-4 w-4 accent-brand-700 disabled:opacity-40"
                          />
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>

      <Section title={t("digest")} description={t("digestHint")}>
        <fieldset className="flex flex-wrap gap-2">
          <legend className="sr-only">{t("digestCadence")}</legend>
          {(["OFF", "DAILY", "WEEKLY"] as const).map((v) => (
            <label key={v} className={`flex cursor-pointer items-center gap-2 rounded-lg border px-3 py-2 text-sm ${p.digestCadence === v ? "border-brand-600 bg-brand-50 font-medium" : "border-slate-300 bg-white"}`}>
              <input type="radio" name="digest" value={v} checked={p.digestCadence === v} onChange={() => update({ digestCadence: v })} className="accent-brand-700" />
              {t(v === "OFF" ? "digestOff" : v === "DAILY" ? "digestDaily" : "digestWeekly")}
            </label>
          ))}
        </fieldset>
      </Section>

      <QuietHours prefs={p} timeZones={timeZones} disabled={save.isPending} onSave={update} />

      <Section title={t("subscription")} description={t("subscriptionHint")}>
        {p.emailUnsubscribedAt ? (
          <div className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-amber-50 px-4 py-3">
            <p className="text-sm text-amber-900">{t("unsubscribedOn", { date: format.dateTime(new Date(p.emailUnsubscribedAt), { dateStyle: "long" }) })}</p>
            <button type="button" disabled={save.isPending} onClick={() => update({ emailUnsubscribed: false })} className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800">
              {t("resubscribe")}
            </button>
          </div>
        ) : (
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p className="text-sm text-slate-700">{t(emailOn ? "emailOnHint" : "emailOffHint")}</p>
            <button type="button" disabled={save.isPending} onClick={() => update({ emailUnsubscribed: true })} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50">
              {t("unsubscribeAll")}
            </button>
          </div>
        )}
      </Section>
    </div>
  );
}

/** The change as the page should show it before the server answers. */
function applyLocally(p: Prefs, change: Update): Prefs {
  return {
    ...p,
    channels: p.channels.map((c) => ({ ...c, enabled: change.channels?.find((x) => x.channel === c.channel)?.enabled ?? c.enabled })),
    categories: p.categories.map((cat) => ({
      ...cat,
      cells: cat.cells.map((cell) => ({
        ...cell,
        enabled: change.categories?.find((x) => x.category === cat.category && x.channel === cell.channel)?.enabled ?? cell.enabled,
      })),
    })),
    digestCadence: change.digestCadence ?? p.digestCadence,
    quietHours: change.quietHours ?? p.quietHours,
    timezone: change.timezone ?? p.timezone,
    locale: change.locale ?? p.locale,
    emailUnsubscribedAt: change.emailUnsubscribed === undefined ? p.emailUnsubscribedAt : change.emailUnsubscribed ? new Date().toISOString() : null,
  };
}

function QuietHours(props: { prefs: Prefs; timeZones: string[]; disabled: boolean; onSave: (u: Update) => void }) {
  const { quietHours, timezone } = props.prefs;
  const [start, setStart] = useState(quietHours.start);
  const [end, setEnd] = useState(quietHours.end);
  const id = useId();
  const dirty = start !== quietHours.start || end !== quietHours.end;
  const t = useTranslations("prefs");
  return (
    <Section title={t("quietHours")} description={t("quietHoursHint")}>
      <div className="space-y-4">
        <div className="flex items-center justify-between gap-4">
          <span id={`${id}-label`} className="text-sm font-medium">{t("quietHoursHold")}</span>
          <Switch
            label={t("quietHours")}
            checked={quietHours.enabled}
            disabled={props.disabled}
            onChange={(enabled) => props.onSave({ quietHours: { enabled, start, end } })}
          />
        </div>
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            props.onSave({ quietHours: { enabled: true, start, end } });
          }}
        >
          <label className="text-sm">
            <span className="block text-slate-700">{t("from")}</span>
            <input type="time" value={start} required onChange={(e) => setStart(e.target.value)} disabled={!quietHours.enabled} className="mt-1 rounded-md border border-slate-300 px-2 py-1.5" />
          </label>
          <label className="text-sm">
            <span className="block text-slate-700">{t("until")}</span>
            <input type="time" value={end} required onChange={(e) => setEnd(e.target.value)} disabled={!quietHours.enabled} className="mt-1 rounded-md border border-slate-300 px-2 py-1.5" />
          </label>
          <button type="submit" disabled={!dirty || !quietHours.enabled || props.disabled} className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-40">
            {t("saveTimes")}
          </button>
        </form>
        <label className="block text-sm">
          <span className="block text-slate-700">{t("timeZone")}</span>
          <select value={timezone} disabled={props.disabled} onChange={(e) => props.onSave({ timezone: e.target.value })} className="mt-1 w-full max-w-sm rounded-md border border-slate-300 bg-white px-2 py-1.5">
            {(props.timeZones.includes(timezone) ? props.timeZones : [timezone, ...props.timeZones]).map((tz) => (
              <option key={tz} value={tz}>{tz.replace(/_/g, " ")}</option>
            ))}
          </select>
        </label>
      </div>
    </Section>
  );
}

function Section(props: { title: string; description: string; children: React.ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id={id} className="font-semibold">{props.title}</h2>
      <p className="mb-3 text-sm text-slate-600">{props.description}</p>
      {props.children}
    </section>
  );
}

function Switch(props: { label: string; checked: boolean; disabled?: boolean; onChange: (v: boolean) => void }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={props.checked}
      aria-label={props.label}
      disabled={props.disabled}
      onClick={() => props.onChange(!props.checked)}
      className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors disabled:cursor-not-allowed disabled:opacity-50 ${props.checked ? "bg-brand-700" : "bg-slate-300"}`}
    >
      <span aria-hidden className={`inline-block h-5 w-5 rounded-full bg-white shadow transition-transform ${props.checked ? "translate-x-5" : "translate-x-0.5"}`} />
    </button>
  );
}

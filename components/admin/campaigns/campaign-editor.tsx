"use client";
/**
 * The campaign editor (/admin/campaigns/new and a draft's or scheduled campaign's page): name and channels,
 * then the in-app card and the email (markdown) — each shown, previewed and sent only when its channel is
 * chosen — the audience with its live size, and the critical flag. A newsletter audience switches the
 * campaign to email only and not critical (subscribers have no account). Every action saves the draft first:
 * "Send test to me", "Schedule…" (a wall-clock time in a time zone; the server converts it and enforces
 * the 30-day limit) and "Send now" (after a confirmation that shows the audience size). "Languages" names
 * the language the texts are written in and takes the same texts in the other languages (optional; readers
 * of a language without them get the main texts, docs/requirements.md R19.4). When recent
 * campaigns' complaint rate blocks sending, the panel explains it and offers an explicit override. Field
 * errors come from the server's validation.
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type ReactNode } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "use-intl";
import { INTL_LOCALE, LOCALE_NAMES, LOCALES, isLocale, type Locale } from "@/lib/i18n";
import { useTRPC } from "@/components/trpc";
import { AudienceField, audienceDraft, missingAudienceChoice, toAudience, type AudienceDraft } from "./audience-field";
import { CancelConfirm } from "./campaign-list";
import { asAudience, browserTimeZone, complaintBlockOf, type AudienceSize, type CampaignRecord, type CategoryOption, type ComplaintBlock } from "./format";
import { EmailPreview, InAppPreview } from "./previews";
import { StatusBadge } from "./progress";
import { useCampaignWording, type CampaignWording } from "./wording";

type FormError = NonNullable<ReturnType<CampaignWording["errorOf"]>>;

/** One language's texts as the editor holds them (all four kept; only the chosen channels' are saved). */
type Texts = { inAppTitle: string; inAppBody: string; emailSubject: string; emailBody: string };
const NO_TEXTS: Texts = { inAppTitle: "", inAppBody: "", emailSubject: "", emailBody: "" };

/** The stored translations (JSON) as editor state, every language present. */
function translationsDraft(stored: unknown): Record<Locale, Texts> {
  const from = (stored && typeof stored === "object" ? stored : {}) as Record<string, Partial<Texts> | undefined>;
  return Object.fromEntries(LOCALES.map((l) => [l, { ...NO_TEXTS, ...from[l] }])) as Record<Locale, Texts>;
}
type Panel = { kind: "schedule" } | { kind: "send"; size: AudienceSize } | { kind: "cancel" } | null;

/** `YYYY-MM-DDTHH:mm` in the browser's local time, for `<input type="datetime-local">`. */
function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export interface CampaignEditorProps {
  /** The saved campaign (DRAFT or SCHEDULED), or null for a new one. */
  campaign: CampaignRecord | null;
  /** The followers audience's business name, when the page knows it. */
  businessName?: string | null;
  /** The segment audience's name, when the page knows it (null: that segment was deleted). */
  segmentName?: string | null;
  categories: CategoryOption[];
  /** IANA zones for the schedule's zone select. */
  timeZones: string[];
  /** The admin's own address (the test goes there). */
  adminEmail: string;
  /** Email is captured at /dev/mailbox (no provider configured). */
  mailbox: boolean;
}

/** The editor form with its previews and actions. */
export function CampaignEditor(props: CampaignEditorProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const id = useId();
  const t = useTranslations("campaignEditor");
  const tc = useTranslations("campaigns");
  const tAudience = useTranslations("audience");
  const w = useCampaignWording();
  const c = props.campaign;

  const [saved, setSaved] = useState<CampaignRecord | null>(c);
  const [dirty, setDirty] = useState(c === null);
  const [name, setName] = useState(c?.name ?? "");
  const [inAppTitle, setInAppTitle] = useState(c?.inAppTitle ?? "");
  const [inAppBody, setInAppBody] = useState(c?.inAppBody ?? "");
  const [emailSubject, setEmailSubject] = useState(c?.emailSubject ?? "");
  const [emailBody, setEmailBody] = useState(c?.emailBody ?? "");
  const [inApp, setInApp] = useState(c ? c.channels.includes("IN_APP") : true);
  const [email, setEmail] = useState(c ? c.channels.includes("EMAIL") : true);
  const [audience, setAudience] = useState<AudienceDraft>(() =>
    audienceDraft(c ? asAudience(c.audience) : null, props.categories, props.businessName, props.segmentName, {
      business: tAudience("theChosenBusiness"),
      segment: tAudience("theChosenSegment"),
    }),
  );
  const [critical, setCritical] = useState(c?.critical ?? false);
  // A new campaign is written in the admin's own language until they say otherwise.
  const intlLocale = useLocale();
  const uiLocale = LOCALES.find((l) => INTL_LOCALE[l] === intlLocale) ?? "en";
  const [mainLocale, setMainLocale] = useState<Locale>(c && isLocale(c.locale) ? c.locale : uiLocale);
  const [translations, setTranslations] = useState(() => translationsDraft(c?.translations));
  const otherLocales = LOCALES.filter((l) => l !== mainLocale);
  const [error, setError] = useState<FormError | null>(null);
  const [notice, setNotice] = useState<ReactNode>(null);
  const [panel, setPanel] = useState<Panel>(null);
  const [when, setWhen] = useState("");
  const [zone, setZone] = useState("UTC");
  /** The complaint-rate refusal of the last send or schedule, and whether the admin chose to override it. */
  const [complaint, setComplaint] = useState<ComplaintBlock | null>(null);
  const [override, setOverride] = useState(false);
  const newsletter = audience.kind === "newsletter";

  const create = useMutation(trpc.campaigns.create.mutationOptions());
  const update = useMutation(trpc.campaigns.update.mutationOptions());
  const sendTest = useMutation(trpc.campaigns.sendTest.mutationOptions());
  const sendNow = useMutation(trpc.campaigns.sendNow.mutationOptions());
  const schedule = useMutation(trpc.campaigns.schedule.mutationOptions());
  const cancel = useMutation(trpc.campaigns.cancel.mutationOptions());
  const busy = create.isPending || update.isPending || sendTest.isPending || sendNow.isPending || schedule.isPending || cancel.isPending;

  /** Wraps a setter so that editing marks the draft unsaved, clears the last notice and the field's own error. */
  const clearErrors = (names: string[]) =>
    setError((e) => {
      if (!e || !names.some((n) => e.fields[n])) return e;
      const fields = { ...e.fields, ...Object.fromEntries(names.map((n) => [n, undefined])) };
      // Nothing left to fix: the summary goes too.
      return Object.values(fields).some((f) => f?.length) ? { ...e, fields } : null;
    });
  const edit =
    <T,>(field: string | string[], set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setDirty(true);
      setNotice(null);
      clearErrors(Array.isArray(field) ? field : [field]);
    };
  /** A channel turned off takes its content's errors with it (that content is no longer sent). */
  const onInApp = edit<boolean>(["channels", "inAppTitle", "inAppBody"], setInApp);
  const onEmail = edit<boolean>(["channels", "emailSubject", "emailBody"], setEmail);
  /** Choosing the newsletter makes the campaign email only and not critical (its subscribers have no inbox). */
  const onAudience = (d: AudienceDraft) => {
    edit("audience", setAudience)(d);
    if (d.kind === "newsletter" && audience.kind !== "newsletter") {
      setInApp(false);
      setEmail(true);
      setCritical(false);
      clearErrors(["channels", "critical", "inAppTitle", "inAppBody"]);
    }
  };
  const fieldError = (f: string) => error?.fields[f]?.[0];
  const status = saved?.status ?? "DRAFT";

  /** Saves (creates or updates) when needed. @returns the campaign id, or null when saving failed (errors shown). */
  async function persist(): Promise<string | null> {
    if (saved && !dirty) return saved.id;
    const a = toAudience(audience);
    const missing = missingAudienceChoice(audience);
    if (!a || missing) {
      const message = missing ? tAudience(missing) : t("chooseAudience");
      setError({ message, fields: { audience: [message] } });
      return null;
    }
    const channels = [...(inApp ? (["IN_APP"] as const) : []), ...(email ? (["EMAIL"] as const) : [])];
    // Only the chosen channels' content is sent: text typed for a channel that is off is kept here (turning
    // it back on restores it) but is neither validated nor saved.
    const input = {
      name,
      inAppTitle: inApp ? inAppTitle : "",
      inAppBody: inApp ? inAppBody : "",
      emailSubject: email ? emailSubject : "",
      emailBody: email ? emailBody : "",
      channels,
      audience: a,
      critical,
      locale: mainLocale,
      translations: Object.fromEntries(
        otherLocales.flatMap((l) => {
          const x = translations[l];
          const kept = {
            inAppTitle: inApp ? x.inAppTitle : "",
            inAppBody: inApp ? x.inAppBody : "",
            emailSubject: email ? x.emailSubject : "",
            emailBody: email ? x.emailBody : "",
          };
          return Object.values(kept).some((v) => v.trim()) ? [[l, kept]] : [];
        }),
      ),
    };
    try {
      const next = saved ? await update.mutateAsync({ id: saved.id, ...input }) : await create.mutateAsync(input);
      if (!saved) window.history.replaceState(null, "", `/admin/campaigns/${next.id}`);
      setSaved(next);
      setDirty(false);
      setError(null);
      void queryClient.invalidateQueries({ queryKey: trpc.campaigns.pathKey() });
      return next.id;
    } catch (err) {
      setError(w.errorOf(err));
      return null;
    }
  }

  async function run(action: () => Promise<void>) {
    setNotice(null);
    try {
      await action();
    } catch (err) {
      setError(w.errorOf(err));
    }
  }

  const onSave = (e: React.FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const wasNew = !saved;
      if (!dirty && saved) return setNotice(t("noChanges"));
      if (await persist()) setNotice(wasNew ? t("draftSaved") : t("changesSaved"));
    });
  };

  const onSendTest = () =>
    run(async () => {
      const cid = await persist();
      if (!cid) return;
      await sendTest.mutateAsync({ id: cid });
      setError(null);
      setNotice(
        <>
          {t("testSent", { email: props.adminEmail, subject: emailSubject.trim() || inAppTitle.trim() })}
          {props.mailbox ? (
            <>
              {" "}
              <Link href="/dev/mailbox" className="font-medium underline">{t("openMailbox")}</Link>
            </>
          ) : null}
        </>,
      );
    });

  /** Opens (or closes) the action panel; a complaint override never carries over from another attempt. */
  const openPanel = (p: Panel) => {
    setPanel(p);
    setComplaint(null);
    setOverride(false);
  };

  /** Runs a send or schedule (with `override` once the admin ticked it), turning the complaint-rate refusal into the override prompt. */
  async function guarded(action: (override: boolean) => Promise<void>): Promise<void> {
    try {
      await action(complaint !== null && override);
    } catch (err) {
      const block = complaintBlockOf(err);
      if (!block) throw err;
      setError(null);
      setComplaint(block);
      setOverride(false);
    }
  }

  const onOpenSchedule = () => {
    const start = saved?.status === "SCHEDULED" && saved.scheduledAt ? null : new Date(Date.now() + 86_400_000);
    if (start) start.setMinutes(0, 0, 0);
    setWhen(saved?.status === "SCHEDULED" && saved.scheduledAt ? "" : localInput(start!));
    setZone(saved?.status === "SCHEDULED" ? saved.timezone : browserTimeZone());
    setError(null);
    openPanel({ kind: "schedule" });
  };

  const onSchedule = (e: React.SyntheticEvent) => {
    e.preventDefault();
    void run(async () => {
      const cid = await persist();
      if (!cid) return;
      await guarded(async (ov) => {
        const next = await schedule.mutateAsync({ id: cid, localDateTime: when, timeZone: zone, ...(ov ? { override: true } : {}) });
        setSaved(next);
        openPanel(null);
        setError(null);
      void queryClient.invalidateQueries({ queryKey: trpc.campaigns.pathKey() });
        setNotice(t(ov ? "scheduledNoticeOverride" : "scheduledNotice", { time: w.dateTime(next.scheduledAt!, next.timezone), zone: next.timezone }));
      });
    });
  };

  const onSendNow = () =>
    run(async () => {
      const cid = await persist();
      if (!cid) return;
      const a = toAudience(audience)!;
      const size = await queryClient.fetchQuery(trpc.campaigns.audienceSize.queryOptions({ audience: a, critical }));
      setError(null);
      openPanel({ kind: "send", size });
    });

  const onConfirmSend = () =>
    run(() =>
      guarded(async (ov) => {
        await sendNow.mutateAsync({ id: saved!.id, ...(ov ? { override: true } : {}) });
        await queryClient.invalidateQueries({ queryKey: trpc.campaigns.pathKey() });
        router.push("/admin/campaigns");
      }),
    );

  const onConfirmCancel = () =>
    run(async () => {
      await cancel.mutateAsync({ id: saved!.id });
      await queryClient.invalidateQueries({ queryKey: trpc.campaigns.pathKey() });
      router.push("/admin/campaigns");
    });

  const zones = props.timeZones.includes(zone) ? props.timeZones : [zone, ...props.timeZones];
  // The last failure, in words (inside the schedule panel while it is open, so it sits by the date it is about).
  const errorBox = error ? (
    <p role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm font-medium text-rose-800">{error.message}</p>
  ) : null;
  const complaintBox = (verb: "Send" | "Schedule") =>
    complaint ? <ComplaintOverride block={complaint} verb={verb} checked={override} onChange={setOverride} /> : null;
  const blocked = complaint !== null && !override;

  return (
    <form onSubmit={onSave} noValidate aria-labelledby={`${id}-h`} className="space-y-6">
      <div className="space-y-2">
        <Link href="/admin/campaigns" className="text-sm font-medium text-brand-700 hover:underline">{tc("back")}</Link>
        <div className="flex flex-wrap items-center gap-3">
          <h1 id={`${id}-h`} className="text-2xl font-semibold tracking-tight">{saved ? t("editTitle") : t("newTitle")}</h1>
          {saved ? <StatusBadge status={status} /> : null}
          {saved && dirty ? <span className="text-xs text-slate-600">{t("unsaved")}</span> : null}
        </div>
        {saved?.status === "SCHEDULED" && saved.scheduledAt ? (
          <p className="rounded-lg border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
            {t.rich("scheduledBanner", { time: w.dateTime(saved.scheduledAt, saved.timezone), zone: saved.timezone, strong: (chunks) => <strong>{chunks}</strong> })}
          </p>
        ) : null}
      </div>

      <Section title={t("sectionCampaign")}>
        <Field id={`${id}-name`} label={t("name")} hint={t("nameHint")} error={fieldError("name")}>
          <input id={`${id}-name`} value={name} onChange={(e) => edit("name", setName)(e.target.value)} maxLength={120} required placeholder={t("namePlaceholder")} className={inputCls(fieldError("name"))} {...describe(`${id}-name`, fieldError("name"))} />
        </Field>
        <fieldset className="space-y-2" aria-describedby={`${id}-channels-hint${fieldError("channels") ? ` ${id}-channels-error` : ""}`}>
          <legend className="text-sm font-medium text-slate-700">{t("channels")}</legend>
          <label className={`flex items-center gap-3 text-sm ${newsletter ? "text-slate-500" : ""}`}>
            <input type="checkbox" checked={inApp} disabled={newsletter} onChange={(e) => onInApp(e.target.checked)} className="h-4 w-4 accent-brand-700" />
            {t("channelInApp")}
          </label>
          <label className="flex items-center gap-3 text-sm">
            <input type="checkbox" checked={email} onChange={(e) => onEmail(e.target.checked)} className="h-4 w-4 accent-brand-700" />
            {t("channelEmail")}
          </label>
          <p id={`${id}-channels-hint`} data-testid="channels-hint" className="text-xs text-slate-600">
            {newsletter ? t("channelsHintNewsletter") : t("channelsHint")}
          </p>
          {fieldError("channels") ? <p id={`${id}-channels-error`} role="alert" className="text-sm text-rose-700">{fieldError("channels")}</p> : null}
        </fieldset>
      </Section>

      {inApp ? (
        <Section title={t("sectionInApp")}>
          <div className="grid grid-cols-1 gap-5 md:grid-cols-2">
            <div className="space-y-4">
              <Field id={`${id}-title`} label={t("title")} hint={t("titleHint")} error={fieldError("inAppTitle")}>
                <input id={`${id}-title`} value={inAppTitle} onChange={(e) => edit("inAppTitle", setInAppTitle)(e.target.value)} maxLength={120} required className={inputCls(fieldError("inAppTitle"))} {...describe(`${id}-title`, fieldError("inAppTitle"))} />
              </Field>
              <Field id={`${id}-message`} label={t("message")} hint={t("messageHint")} error={fieldError("inAppBody")}>
                <textarea id={`${id}-message`} value={inAppBody} onChange={(e) => edit("inAppBody", setInAppBody)(e.target.value)} maxLength={500} rows={3} className={inputCls(fieldError("inAppBody"))} {...describe(`${id}-message`, fieldError("inAppBody"))} />
              </Field>
            </div>
            <InAppPreview title={inAppTitle} body={inAppBody} critical={critical} />
          </div>
        </Section>
      ) : null}

      {email ? (
        <Section title={t("sectionEmail")}>
          <Field id={`${id}-subject`} label={t("subject")} hint={t("subjectHint")} error={fieldError("emailSubject")}>
            <input id={`${id}-subject`} value={emailSubject} onChange={(e) => edit("emailSubject", setEmailSubject)(e.target.value)} maxLength={150} required className={inputCls(fieldError("emailSubject"))} {...describe(`${id}-subject`, fieldError("emailSubject"))} />
          </Field>
          <Field
            id={`${id}-body`}
            label={t("body")}
            hint={t.rich("bodyHint", { code: (chunks) => <code>{chunks}</code> })}
            error={fieldError("emailBody")}
          >
            <textarea id={`${id}-body`} value={emailBody} onChange={(e) => edit("emailBody", setEmailBody)(e.target.value)} maxLength={20_000} rows={8} required className={`${inputCls(fieldError("emailBody"))} font-mono text-sm`} {...describe(`${id}-body`, fieldError("emailBody"))} />
          </Field>
          <EmailPreview subject={emailSubject} body={emailBody} />
        </Section>
      ) : null}

      {!inApp && !email ? (
        <p className="rounded-2xl border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-700">{t("noChannel")}</p>
      ) : (
        <Section title={t("sectionLanguages")}>
          <Field id={`${id}-locale`} label={t("writtenIn")} hint={t("writtenInHint")} error={fieldError("locale")}>
            <select
              id={`${id}-locale`}
              value={mainLocale}
              onChange={(e) => edit(["locale", "translations"], setMainLocale)(e.target.value as Locale)}
              className={`${inputCls(fieldError("locale"))} sm:w-64`}
              {...describe(`${id}-locale`, fieldError("locale"))}
            >
              {LOCALES.map((l) => (
                <option key={l} value={l}>{LOCALE_NAMES[l]}</option>
              ))}
            </select>
          </Field>
          {fieldError("translations") ? <p role="alert" className="text-sm text-rose-700">{fieldError("translations")}</p> : null}
          {otherLocales.map((l) => (
            <TranslationFields
              key={l}
              id={`${id}-${l}`}
              language={LOCALE_NAMES[l]}
              locale={l}
              texts={translations[l]}
              inApp={inApp}
              email={email}
              onChange={(texts) => edit("translations", setTranslations)({ ...translations, [l]: texts })}
            />
          ))}
        </Section>
      )}

      <Section title={t("sectionAudience")}>
        <AudienceField value={audience} onChange={onAudience} critical={critical} categories={props.categories} error={fieldError("audience")} />

        <div className={`rounded-lg border p-3 ${critical ? "border-rose-300 bg-rose-50" : "border-slate-200"} ${newsletter ? "bg-slate-50" : ""}`}>
          <label className={`flex items-start gap-3 text-sm ${newsletter ? "text-slate-500" : ""}`}>
            <input
              type="checkbox"
              checked={critical}
              disabled={newsletter}
              onChange={(e) => edit("critical", setCritical)(e.target.checked)}
              aria-describedby={`${id}-critical-hint${fieldError("critical") ? ` ${id}-critical-error` : ""}`}
              className="mt-0.5 h-4 w-4 accent-rose-700"
            />
            <span>
              <span className={`font-medium ${newsletter ? "text-slate-600" : "text-slate-900"}`}>{t("critical")}</span>
              <span id={`${id}-critical-hint`} className={`block ${newsletter ? "text-slate-600" : "text-slate-700"}`}>
                {newsletter ? t("criticalHintNewsletter") : t("criticalHint")}
              </span>
            </span>
          </label>
          {fieldError("critical") ? <p id={`${id}-critical-error`} role="alert" className="mt-1 text-sm text-rose-700">{fieldError("critical")}</p> : null}
        </div>
      </Section>

      <div className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
        {error && panel?.kind !== "schedule" ? errorBox : null}
        <p role="status" aria-live="polite" data-testid="editor-notice" className={notice ? "rounded-lg bg-brand-50 px-3 py-2 text-sm text-brand-800" : "sr-only"}>
          {notice}
        </p>

        {panel?.kind === "schedule" ? (
          <div
            role="group"
            aria-labelledby={`${id}-sched-h`}
            // Enter in the panel schedules (the panel sits inside the editor's form, whose Enter saves).
            onKeyDown={(e) => {
              if (e.key === "Enter" && e.target instanceof HTMLInputElement && e.target.type !== "checkbox") {
                e.preventDefault();
                if (when && !busy && !blocked) onSchedule(e);
              }
            }}
            className="space-y-3 rounded-lg border border-sky-200 bg-sky-50/60 p-4"
          >
            <h2 id={`${id}-sched-h`} className="font-semibold">{saved?.status === "SCHEDULED" ? t("reschedule") : t("schedule")}</h2>
            <div className="grid gap-3 sm:grid-cols-2">
              <div>
                <label htmlFor={`${id}-when`} className="block text-sm font-medium text-slate-700">{t("dateTime")}</label>
                <input id={`${id}-when`} type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} required autoFocus className={inputCls(fieldError("scheduledAt"))} aria-invalid={fieldError("scheduledAt") ? true : undefined} aria-describedby={`${id}-when-hint`} />
              </div>
              <div>
                <label htmlFor={`${id}-zone`} className="block text-sm font-medium text-slate-700">{t("timeZone")}</label>
                <select id={`${id}-zone`} value={zone} onChange={(e) => setZone(e.target.value)} className={inputCls(fieldError("timezone"))}>
                  {zones.map((z) => (
                    <option key={z} value={z}>{z.replaceAll("_", " ")}</option>
                  ))}
                </select>
              </div>
            </div>
            <p id={`${id}-when-hint`} className="text-xs text-slate-600">
              {t("whenHint")}
            </p>
            {error ? errorBox : null}
            {complaintBox("Schedule")}
            <div className="flex flex-wrap gap-2">
              <button type="button" disabled={busy || !when || blocked} onClick={onSchedule} className={complaint ? danger : primary}>
                {schedule.isPending
                  ? t("scheduling")
                  : complaint
                    ? saved?.status === "SCHEDULED"
                      ? t("rescheduleAnyway")
                      : t("scheduleAnyway")
                    : saved?.status === "SCHEDULED"
                      ? t("reschedule")
                      : t("schedule")}
              </button>
              <button type="button" onClick={() => openPanel(null)} className={secondary}>{t("cancel")}</button>
            </div>
          </div>
        ) : null}

        {panel?.kind === "send" ? (
          <div role="group" aria-labelledby={`${id}-send-h`} className="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4">
            <h2 id={`${id}-send-h`} className="font-semibold text-amber-950">{t("sendTitle", { name: name.trim() })}</h2>
            <p className="text-sm text-amber-950" data-testid="send-confirm-size">
              {t.rich(critical ? "sendSizeCritical" : "sendSize", { ...w.sizeParts(panel.size, critical, newsletter), strong: (chunks) => <strong>{chunks}</strong> })}
            </p>
            {complaintBox("Send")}
            <div className="flex flex-wrap gap-2">
              <button type="button" autoFocus disabled={busy || blocked} onClick={() => void onConfirmSend()} className={complaint ? danger : primary}>
                {sendNow.isPending ? t("sending") : t(complaint ? "sendAnyway" : "yesSend", { count: panel.size.people })}
              </button>
              <button type="button" onClick={() => openPanel(null)} className={secondary}>{t("notYet")}</button>
            </div>
          </div>
        ) : null}

        {panel?.kind === "cancel" && saved ? (
          <CancelConfirm name={saved.name} started={false} pending={cancel.isPending} onConfirm={() => void onConfirmCancel()} onKeep={() => openPanel(null)} />
        ) : null}

        <div className="flex flex-wrap items-center gap-2">
          <button type="submit" disabled={busy} className={secondary}>
            {create.isPending || update.isPending ? t("saving") : saved ? t("saveChanges") : t("saveDraft")}
          </button>
          {email ? (
            <button type="button" disabled={busy} onClick={() => void onSendTest()} className={secondary}>
              {sendTest.isPending ? t("sendingTest") : t("sendTest")}
            </button>
          ) : null}
          <button type="button" disabled={busy} onClick={onOpenSchedule} aria-expanded={panel?.kind === "schedule"} className={secondary}>
            {saved?.status === "SCHEDULED" ? t("rescheduleOpen") : t("scheduleOpen")}
          </button>
          <button type="button" disabled={busy} onClick={() => void onSendNow()} aria-expanded={panel?.kind === "send"} className={primary}>
            {t("sendNow")}
          </button>
          {saved?.status === "SCHEDULED" ? (
            <button type="button" disabled={busy} onClick={() => openPanel({ kind: "cancel" })} className={danger}>{t("cancelCampaign")}</button>
          ) : null}
        </div>
        <p className="text-xs text-slate-600">{email ? t("footer") : t("footerNoEmail")}</p>
      </div>
    </form>
  );
}

/**
 * The complaint-rate refusal in words, with the explicit override: a labelled checkbox the admin must tick
 * before "Send anyway" / "Schedule anyway" is enabled. `verb`: what the override allows.
 */
function ComplaintOverride(props: { block: ComplaintBlock; verb: "Send" | "Schedule"; checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  const t = useTranslations("campaignEditor.complaint");
  const w = useCampaignWording();
  const b = props.block;
  return (
    <div role="alert" data-testid="complaint-block" className="space-y-2 rounded-lg border border-rose-300 bg-rose-50 p-3 text-sm text-rose-950">
      <p className="font-semibold">{t("title")}</p>
      <p id={`${id}-why`}>
        {b.rate !== null
          ? t.rich("why", {
              rate: w.percent(b.rate),
              count: b.sent,
              days: w.count(b.windowDays),
              complaints: t("complaints", { count: b.complained }),
              limit: w.percent(b.limit),
              strong: (chunks) => <strong>{chunks}</strong>,
            })
          : b.message}{" "}
        {t.rich("risk", {
          link: (chunks) => (
            <Link href="/admin/analytics" className="font-medium underline">
              {chunks}
            </Link>
          ),
        })}
      </p>
      <label className="flex items-start gap-2 font-medium">
        <input
          type="checkbox"
          checked={props.checked}
          // The action button is disabled until this is ticked: focus moves here rather than being lost.
          autoFocus
          onChange={(e) => props.onChange(e.target.checked)}
          aria-describedby={`${id}-why`}
          className="mt-0.5 h-4 w-4 shrink-0 accent-rose-700"
        />
        {props.verb === "Send" ? t("overrideSend") : t("overrideSchedule")}
      </label>
    </div>
  );
}

/**
 * One other language's texts, folded away until opened (open when any is written): the chosen channels'
 * fields, and the email's preview in that language.
 */
function TranslationFields(props: {
  id: string;
  language: string;
  locale: Locale;
  texts: Texts;
  inApp: boolean;
  email: boolean;
  onChange: (texts: Texts) => void;
}) {
  const t = useTranslations("campaignEditor");
  const { id, language, texts } = props;
  const set = (k: keyof Texts) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => props.onChange({ ...texts, [k]: e.target.value });
  const written = (props.inApp && texts.inAppTitle.trim() !== "") || (props.email && texts.emailSubject.trim() !== "");
  return (
    <details open={written || undefined} className="group rounded-xl border border-slate-200 p-3 sm:p-4" data-testid={`translation-${props.locale}`}>
      <summary className="cursor-pointer text-sm font-medium text-slate-800">
        {t("translationOf", { language })}{" "}
        <span className="font-normal text-slate-600">· {written ? t("translationFilled", { language }) : t("translationEmpty", { language })}</span>
      </summary>
      <div className="mt-3 space-y-4" lang={props.locale}>
        <p className="text-xs text-slate-600">{t("translationHint", { language })}</p>
        {props.inApp ? (
          <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
            <Field id={`${id}-title`} label={t("inAppTitleIn", { language })}>
              <input id={`${id}-title`} value={texts.inAppTitle} onChange={set("inAppTitle")} maxLength={120} className={inputCls(undefined)} />
            </Field>
            <Field id={`${id}-message`} label={t("inAppMessageIn", { language })}>
              <textarea id={`${id}-message`} value={texts.inAppBody} onChange={set("inAppBody")} maxLength={500} rows={2} className={inputCls(undefined)} />
            </Field>
          </div>
        ) : null}
        {props.email ? (
          <>
            <Field id={`${id}-subject`} label={t("subjectIn", { language })}>
              <input id={`${id}-subject`} value={texts.emailSubject} onChange={set("emailSubject")} maxLength={150} className={inputCls(undefined)} />
            </Field>
            <Field id={`${id}-body`} label={t("bodyIn", { language })}>
              <textarea id={`${id}-body`} value={texts.emailBody} onChange={set("emailBody")} maxLength={20_000} rows={5} className={`${inputCls(undefined)} font-mono text-sm`} />
            </Field>
            <EmailPreview subject={texts.emailSubject} body={texts.emailBody} locale={props.locale} />
          </>
        ) : null}
      </div>
    </details>
  );
}

function Section(props: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="space-y-4 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={id} className="font-semibold">{props.title}</h2>
      </div>
      {props.children}
    </section>
  );
}

function Field(props: { id: string; label: string; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={props.id} className="block text-sm font-medium text-slate-700">{props.label}</label>
      {props.children}
      {props.hint ? <p id={`${props.id}-hint`} className="mt-1 text-xs text-slate-600">{props.hint}</p> : null}
      {props.error ? <p id={`${props.id}-error`} className="mt-1 text-sm text-rose-700">{props.error}</p> : null}
    </div>
  );
}

/** aria-invalid and aria-describedby (hint, and the error when there is one) for a field's control. */
const describe = (fid: string, error?: string) => ({
  "aria-invalid": error ? true : undefined,
  "aria-describedby": error ? `${fid}-hint ${fid}-error` : `${fid}-hint`,
});

const inputCls = (err?: string) =>
  `mt-1 block w-full rounded-lg border px-3 py-2 text-sm ${err ? "border-rose-500 bg-rose-50/40" : "border-slate-300 bg-white"}`;
const primary = "rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60";
const secondary = "rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60";
const danger = "rounded-lg border border-rose-300 bg-white px-4 py-2 text-sm font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-60";

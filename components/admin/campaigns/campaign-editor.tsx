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
 *
 * This file holds the form's state and actions and composes the cards and panels of ./editor/: the name and
 * channels (name-and-channels-section.tsx), the in-app card (in-app-section.tsx), the email
 * (email-section.tsx), the languages and their translations (languages-section.tsx), the audience and the
 * critical flag (audience-section.tsx), the schedule and send panels (schedule-panel.tsx, send-panel.tsx)
 * with the complaint-rate override (complaint-override.tsx), and their shared parts (form-parts.tsx).
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type ReactNode } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "use-intl";
import { INTL_LOCALE, LOCALES, isLocale, type Locale } from "@/lib/i18n";
import { useTRPC } from "@/components/trpc";
import { audienceDraft, missingAudienceChoice, toAudience, type AudienceDraft } from "./audience-field";
import { CancelConfirm } from "./campaign-list";
import { asAudience, browserTimeZone, complaintBlockOf, type AudienceSize, type CampaignRecord, type CategoryOption, type ComplaintBlock } from "./campaign-types";
import { AudienceSection } from "./editor/audience-section";
import { EmailSection } from "./editor/email-section";
import { ErrorAlert, danger, primary, secondary } from "./editor/form-parts";
import { InAppSection } from "./editor/in-app-section";
import { LanguagesSection, translationsDraft } from "./editor/languages-section";
import { NameAndChannelsSection } from "./editor/name-and-channels-section";
import { SchedulePanel, localInput } from "./editor/schedule-panel";
import { SendPanel } from "./editor/send-panel";
import { StatusBadge } from "./progress";
import { useCampaignWording, type CampaignWording } from "./wording";

type FormError = NonNullable<ReturnType<CampaignWording["errorOf"]>>;

type Panel = { kind: "schedule" } | { kind: "send"; size: AudienceSize } | { kind: "cancel" } | null;

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

      <NameAndChannelsSection
        id={id}
        name={name}
        onName={edit("name", setName)}
        inApp={inApp}
        onInApp={onInApp}
        email={email}
        onEmail={onEmail}
        newsletter={newsletter}
        fieldError={fieldError}
      />

      {inApp ? (
        <InAppSection
          id={id}
          title={inAppTitle}
          onTitle={edit("inAppTitle", setInAppTitle)}
          body={inAppBody}
          onBody={edit("inAppBody", setInAppBody)}
          critical={critical}
          fieldError={fieldError}
        />
      ) : null}

      {email ? (
        <EmailSection
          id={id}
          subject={emailSubject}
          onSubject={edit("emailSubject", setEmailSubject)}
          body={emailBody}
          onBody={edit("emailBody", setEmailBody)}
          fieldError={fieldError}
        />
      ) : null}

      {!inApp && !email ? (
        <p className="rounded-2xl border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-700">{t("noChannel")}</p>
      ) : (
        <LanguagesSection
          id={id}
          mainLocale={mainLocale}
          onMainLocale={edit(["locale", "translations"], setMainLocale)}
          otherLocales={otherLocales}
          translations={translations}
          onTranslation={(l, texts) => edit("translations", setTranslations)({ ...translations, [l]: texts })}
          inApp={inApp}
          email={email}
          fieldError={fieldError}
        />
      )}

      <AudienceSection
        id={id}
        audience={audience}
        onAudience={onAudience}
        critical={critical}
        onCritical={edit("critical", setCritical)}
        newsletter={newsletter}
        categories={props.categories}
        fieldError={fieldError}
      />

      <div className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
        {/* The last failure, in words (inside the schedule panel while it is open, so it sits by the date it is about). */}
        {error && panel?.kind !== "schedule" ? <ErrorAlert message={error.message} /> : null}
        <p role="status" aria-live="polite" data-testid="editor-notice" className={notice ? "rounded-lg bg-brand-50 px-3 py-2 text-sm text-brand-800" : "sr-only"}>
          {notice}
        </p>

        {panel?.kind === "schedule" ? (
          <SchedulePanel
            id={id}
            rescheduling={saved?.status === "SCHEDULED"}
            when={when}
            onWhen={setWhen}
            zone={zone}
            onZone={setZone}
            zones={zones}
            fieldError={fieldError}
            errorMessage={error?.message ?? null}
            complaint={complaint}
            override={override}
            onOverride={setOverride}
            busy={busy}
            pending={schedule.isPending}
            onSchedule={onSchedule}
            onClose={() => openPanel(null)}
          />
        ) : null}

        {panel?.kind === "send" ? (
          <SendPanel
            id={id}
            name={name}
            size={panel.size}
            critical={critical}
            newsletter={newsletter}
            complaint={complaint}
            override={override}
            onOverride={setOverride}
            busy={busy}
            pending={sendNow.isPending}
            onConfirm={() => void onConfirmSend()}
            onClose={() => openPanel(null)}
          />
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

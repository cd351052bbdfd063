"use client";
/**
 * A campaign that has started (sending, paused, sent or cancelled), read-only: its facts, live progress
 * (`campaign.progress` events, refetching while it sends), pause/resume/cancel, what recipients see, and
 * the audit trail of every admin action on it.
 */
import Link from "next/link";
import { useState } from "react";
import { useTranslations } from "use-intl";
import { LOCALE_NAMES, LOCALES, isLocale } from "@/lib/i18n";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { TimeAgo } from "@/components/ui/time-ago";
import { CancelConfirm } from "./campaign-list";
import { asAudience, type CampaignDetailData } from "./campaign-types";
import { EmailPreview, InAppPreview } from "./previews";
import { CampaignProgressBar, StatusBadge, useCampaignProgressEvents, useProgressSummary, type ChunkPosition } from "./progress";
import { useCampaignWording, type CampaignWording } from "./wording";

/**
 * One audit entry in words: "Scheduled for Sun, 29 Mar 2026, 10:00 (Europe/Berlin)"; a send or schedule
 * that overrode the complaint-rate limit says so. `t`: the `campaignDetail.audit` messages; `w`: the wording.
 */
export function auditText(t: ReturnType<typeof useTranslations<"campaignDetail.audit">>, w: CampaignWording, action: string, details: unknown): string {
  const d = (details && typeof details === "object" ? details : {}) as Record<string, unknown>;
  const overridden = d.complaintOverride === true;
  switch (action) {
    case "campaign.create":
      return t("created");
    case "campaign.edit":
      return t("edited");
    case "campaign.test_send":
      return typeof d.to === "string" ? t("testSentTo", { to: d.to }) : t("testSent");
    case "campaign.schedule":
      return typeof d.scheduledAt === "string" && typeof d.timezone === "string"
        ? t(overridden ? "scheduledForOverride" : "scheduledFor", { time: w.dateTime(new Date(d.scheduledAt), d.timezone), zone: d.timezone })
        : t(overridden ? "scheduledOverride" : "scheduled");
    case "campaign.send":
      return t(overridden ? "sendingStartedOverride" : "sendingStarted");
    case "campaign.pause":
      return t("paused");
    case "campaign.resume":
      return t("resumed");
    case "campaign.cancel":
      return t("cancelled");
    default:
      return action;
  }
}

/** The detail view. `initial`: the server's `campaigns.get` answer; `userId`: the signed-in admin. */
export function CampaignDetail({ initial, userId }: { initial: CampaignDetailData; userId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const t = useTranslations("campaignDetail");
  const tc = useTranslations("campaigns");
  const tAudit = useTranslations("campaignDetail.audit");
  const w = useCampaignWording();
  const progressSummary = useProgressSummary();
  const id = initial.campaign.id;
  const key = trpc.campaigns.get.queryKey({ id });
  const get = useQuery({
    ...trpc.campaigns.get.queryOptions({ id }),
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.campaign.status === "SENDING" ? 5_000 : false),
  });
  const [chunk, setChunk] = useState<ChunkPosition | null>(null);
  const [announce, setAnnounce] = useState("");
  const [confirming, setConfirming] = useState(false);
  const invalidate = () => void queryClient.invalidateQueries({ queryKey: trpc.campaigns.pathKey() });

  const live = useCampaignProgressEvents(userId, {
    onSubscribed: invalidate,
    onProgress: (e) => {
      if (e.campaign_id !== id) return;
      const cur = queryClient.getQueryData(key);
      if (cur) {
        const progress = { ...cur.progress };
        for (const k of Object.keys(progress) as (keyof typeof progress)[]) if (typeof e[k] === "number") progress[k] = e[k];
        const status = e.status ?? cur.campaign.status;
        queryClient.setQueryData(key, { ...cur, progress, campaign: { ...cur.campaign, status } });
        setAnnounce(progressSummary({ status, email: cur.campaign.channels.includes("EMAIL"), progress, audienceSize: cur.audienceSize }));
      }
      if (e.chunk && e.chunks) setChunk({ chunk: e.chunk, chunks: e.chunks, leg: e.leg });
      invalidate();
    },
  });

  const pause = useMutation(trpc.campaigns.pause.mutationOptions({ onSuccess: invalidate }));
  const resume = useMutation(trpc.campaigns.resume.mutationOptions({ onSuccess: invalidate }));
  const cancel = useMutation(trpc.campaigns.cancel.mutationOptions({ onSuccess: () => { setConfirming(false); invalidate(); } }));
  const error = w.errorOf(pause.error ?? resume.error ?? cancel.error);
  const busy = pause.isPending || resume.isPending || cancel.isPending;

  const { campaign: c, progress, audienceSize, audit, businessName, segmentName } = get.data;
  const main = isLocale(c.locale) ? c.locale : "en";
  // The languages with texts of their own (the stored JSON: { af: { inAppTitle, … }, … }).
  const translated = new Set(Object.keys(c.translations && typeof c.translations === "object" ? c.translations : {}));
  const finished = c.status === "SENT" || c.status === "CANCELLED";

  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <Link href="/admin/campaigns" className="text-sm font-medium text-brand-700 hover:underline">{tc("back")}</Link>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="break-words text-2xl font-semibold tracking-tight">{c.name}</h1>
          <StatusBadge status={c.status} />
          {c.critical ? <span className="rounded-full bg-rose-600 px-2 py-0.5 text-xs font-medium text-white">{tc("critical")}</span> : null}
          {live && !finished ? (
            <span data-testid="live" className="inline-flex items-center gap-1 text-xs font-medium text-brand-700">
              <span aria-hidden className="h-2 w-2 rounded-full bg-brand-600" /> {tc("live")}
            </span>
          ) : null}
        </div>
      </div>
      <p role="status" aria-live="polite" className="sr-only">{announce}</p>

      <section aria-labelledby="progress-h" className="space-y-4 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <h2 id="progress-h" className="font-semibold">{t("progress")}</h2>
          <div className="flex flex-wrap gap-2">
            {c.status === "SENDING" ? (
              <button type="button" disabled={busy} onClick={() => pause.mutate({ id })} className={secondary}>{pause.isPending ? tc("pausing") : tc("pause")}</button>
            ) : null}
            {c.status === "PAUSED" ? (
              <button type="button" disabled={busy} onClick={() => resume.mutate({ id })} className={secondary}>{resume.isPending ? tc("resuming") : tc("resume")}</button>
            ) : null}
            {!finished && !confirming ? (
              <button type="button" disabled={busy} onClick={() => setConfirming(true)} className={danger}>{t("cancelCampaign")}</button>
            ) : null}
          </div>
        </div>
        {confirming && !finished ? <CancelConfirm name={c.name} started pending={cancel.isPending} onConfirm={() => cancel.mutate({ id })} onKeep={() => setConfirming(false)} /> : null}
        {error ? <p role="alert" className="text-sm text-rose-700">{error.message}</p> : null}
        <CampaignProgressBar name={c.name} status={c.status} channels={c.channels} progress={progress} audienceSize={audienceSize} chunk={chunk} />
        {progress.held > 0 ? (
          <p className="text-xs text-slate-600">
            {t.rich("heldNote", {
              link: (chunks) => (
                <Link href="/admin/deliveries" className="font-medium text-brand-700 underline">
                  {chunks}
                </Link>
              ),
            })}
          </p>
        ) : null}
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
          <Fact label={t("audience")}>
            {w.audienceLabel(c.audience, businessName, segmentName)}
            {!finished ? (
              <span className="block text-xs text-slate-600">{t("now", { size: w.sizeText(audienceSize, c.critical, asAudience(c.audience)?.kind === "newsletter") })}</span>
            ) : null}
          </Fact>
          <Fact label={t("channels")}>{w.channels(c.channels)}</Fact>
          <Fact label={t("languages")}>
            {[t("mainLanguage", { language: LOCALE_NAMES[main] }), ...LOCALES.filter((l) => l !== main && translated.has(l)).map((l) => LOCALE_NAMES[l])].join(" · ")}
          </Fact>
          <Fact label={t("created")}><TimeAgo iso={c.createdAt.toISOString()} /></Fact>
          {c.startedAt ? <Fact label={t("started")}><TimeAgo iso={c.startedAt.toISOString()} /></Fact> : null}
          {c.finishedAt ? <Fact label={c.status === "CANCELLED" ? t("cancelled") : t("finished")}><TimeAgo iso={c.finishedAt.toISOString()} /></Fact> : null}
        </dl>
      </section>

      <section aria-labelledby="content-h" className="space-y-4 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
        <h2 id="content-h" className="font-semibold">{t("content")}</h2>
        {c.channels.includes("IN_APP") ? <InAppPreview title={c.inAppTitle} body={c.inAppBody} critical={c.critical} /> : null}
        {c.channels.includes("EMAIL") ? <EmailPreview subject={c.emailSubject} body={c.emailBody} locale={main} /> : null}
      </section>

      <section aria-labelledby="audit-h" className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
        <h2 id="audit-h" className="font-semibold">{t("auditTrail")}</h2>
        {audit.length === 0 ? (
          <p className="text-sm text-slate-600">{t("noActions")}</p>
        ) : (
          <ol className="divide-y divide-slate-100" data-testid="audit-trail">
            {audit.map((a) => (
              <li key={a.id} className="flex flex-col gap-0.5 py-2 text-sm sm:flex-row sm:items-baseline sm:justify-between sm:gap-4">
                <span className="break-words text-slate-900">
                  {auditText(tAudit, w, a.action, a.details)}
                  <span className="text-slate-600"> · {a.actor ? a.actor.name : t("deletedAccount")}</span>
                </span>
                <TimeAgo iso={a.createdAt.toISOString()} className="shrink-0 text-xs text-slate-600" />
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className="text-slate-900">{children}</dd>
    </div>
  );
}

const secondary = "rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60";
const danger = "rounded-lg border border-rose-300 bg-white px-3 py-1.5 text-sm font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-60";

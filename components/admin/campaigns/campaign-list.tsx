"use client";
/**
 * /admin/campaigns: every campaign, newest first, with its status, audience, channels, when it was created
 * or is scheduled, and — once it has started — a progress bar kept live by `campaign.progress` events (and
 * by refetching every few seconds while something is sending, and after every reconnect). Pause, resume and
 * cancel (with an inline confirmation) act on the row. Progress updates are announced politely. A campaign
 * whose complaint rate passed the warning threshold carries the analytics page's "High complaints" badge.
 */
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";
import { TimeAgo } from "@/components/ui/time-ago";
import { ComplaintBadge } from "@/components/admin/analytics/campaign-table";
import { asAudience, type CampaignRow } from "./campaign-types";
import { CampaignProgressBar, StatusBadge, useCampaignProgressEvents, useProgressSummary, type ChunkPosition, type ProgressEvent } from "./progress";
import { useCampaignWording } from "./wording";

type Chunks = Record<string, ChunkPosition>;

/**
 * The campaigns page body. `userId`: the signed-in admin (their private channel carries the progress);
 * `complaintWarningRate`: the fraction past which a campaign's complaints are flagged (0.001 is 0.1 %).
 */
export function CampaignList({ userId, complaintWarningRate }: { userId: string; complaintWarningRate: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const t = useTranslations("campaigns");
  const tr = useTranslations();
  const { percent } = useCampaignWording();
  const progressSummary = useProgressSummary();
  const listKey = trpc.campaigns.list.queryKey();
  const list = useQuery({
    ...trpc.campaigns.list.queryOptions(),
    refetchInterval: (q) => (q.state.data?.some((c) => c.status === "SENDING") ? 5_000 : false),
  });
  const [chunks, setChunks] = useState<Chunks>({});
  const [announce, setAnnounce] = useState("");

  const live = useCampaignProgressEvents(userId, {
    onSubscribed: () => void queryClient.invalidateQueries({ queryKey: trpc.campaigns.pathKey() }),
    onProgress: (e: ProgressEvent) => {
      const rows = queryClient.getQueryData(listKey);
      const row = rows?.find((r) => r.id === e.campaign_id);
      if (rows && row) {
        const next = { ...row, status: e.status ?? row.status, progress: { ...row.progress, ...pickProgress(e) } };
        queryClient.setQueryData(listKey, rows.map((r) => (r.id === row.id ? next : r)));
        setAnnounce(
          t("announce", {
            name: row.name,
            summary: progressSummary({ status: next.status, email: row.channels.includes("EMAIL"), progress: next.progress, audienceSize: row.audienceSize }),
          }),
        );
      }
      if (e.chunk && e.chunks) setChunks((c) => ({ ...c, [e.campaign_id]: { chunk: e.chunk!, chunks: e.chunks!, leg: e.leg } }));
      void queryClient.invalidateQueries({ queryKey: trpc.campaigns.pathKey() });
    },
  });

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
          <p className="text-sm text-slate-600">
            {t("intro")}
            {live ? (
              <span data-testid="live" className="ml-2 inline-flex items-center gap-1 text-xs font-medium text-brand-700">
                <span aria-hidden className="h-2 w-2 rounded-full bg-brand-600" /> {t("live")}
              </span>
            ) : null}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <Link href="/admin/campaigns/new" className="rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">
            {t("newCampaign")}
          </Link>
        </div>
      </div>
      <p role="status" aria-live="polite" className="sr-only" data-testid="progress-announcement">{announce}</p>

      {list.isPending ? (
        <ul aria-busy="true" aria-label={t("loading")} className="space-y-3">
          {[0, 1, 2].map((i) => (
            <li key={i} className="h-24 animate-pulse rounded-2xl bg-slate-200/70" />
          ))}
        </ul>
      ) : list.isError ? (
        <p role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800">
          {t("loadError")}{" "}
          <button type="button" className="font-medium underline" onClick={() => void list.refetch()}>{tr("common.tryAgain")}</button>
        </p>
      ) : list.data.length === 0 ? (
        <div className="rounded-2xl border border-dashed border-slate-300 bg-white p-10 text-center">
          <p className="font-medium text-slate-800">{t("emptyTitle")}</p>
          <p className="mt-1 text-sm text-slate-600">{t("emptyHint")}</p>
          <Link href="/admin/campaigns/new" className="mt-4 inline-block rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">
            {t("newCampaign")}
          </Link>
        </div>
      ) : (
        <ul aria-label={t("title")} className="divide-y divide-slate-100 overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm">
          {list.data.map((c) => (
            <CampaignItem key={c.id} c={c} chunk={chunks[c.id] ?? null} complaintWarningRate={complaintWarningRate} />
          ))}
        </ul>
      )}
      {list.data?.some((c) => c.complaintWarning) ? (
        <p className="text-xs text-slate-600">
          {t.rich("complaintsNote", {
            rate: percent(complaintWarningRate),
            link: (c) => (
              <Link href="/admin/analytics" className="font-medium text-brand-700 underline">
                {c}
              </Link>
            ),
          })}
        </p>
      ) : null}
    </div>
  );
}

/** The counts a progress event carries (it may carry more keys than the progress has). */
function pickProgress(e: ProgressEvent) {
  const keys = ["recipients", "read", "sent", "delivered", "bounced", "complained", "held", "skipped", "failed", "queued"] as const;
  return Object.fromEntries(keys.filter((k) => typeof e[k] === "number").map((k) => [k, e[k]]));
}

function CampaignItem({ c, chunk, complaintWarningRate }: { c: CampaignRow; chunk: ChunkPosition | null; complaintWarningRate: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const t = useTranslations("campaigns");
  const w = useCampaignWording();
  const [confirming, setConfirming] = useState(false);
  const done = { onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.campaigns.pathKey() }) };
  const pause = useMutation(trpc.campaigns.pause.mutationOptions(done));
  const resume = useMutation(trpc.campaigns.resume.mutationOptions(done));
  const cancel = useMutation(trpc.campaigns.cancel.mutationOptions({ onSuccess: () => { setConfirming(false); done.onSuccess(); } }));
  const error = w.errorOf(pause.error ?? resume.error ?? cancel.error);
  const busy = pause.isPending || resume.isPending || cancel.isPending;
  const started = c.status !== "DRAFT" && c.status !== "SCHEDULED";
  const canCancel = c.status === "SCHEDULED" || c.status === "SENDING" || c.status === "PAUSED";

  return (
    <li data-testid="campaign-row" className="space-y-3 p-4 sm:p-5">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0 space-y-1">
          <p className="flex flex-wrap items-center gap-2">
            <Link href={`/admin/campaigns/${c.id}`} className="break-words font-medium text-slate-900 underline-offset-2 hover:underline">
              {c.name}
            </Link>
            <StatusBadge status={c.status} />
            {c.critical ? <span className="rounded-full bg-rose-600 px-2 py-0.5 text-xs font-medium text-white">{t("critical")}</span> : null}
            {c.complaintWarning ? <ComplaintBadge threshold={complaintWarningRate} /> : null}
          </p>
          {c.inAppTitle || c.emailSubject ? <p className="break-words text-sm text-slate-600">{t("quoted", { title: c.inAppTitle || c.emailSubject })}</p> : null}
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs text-slate-600 sm:flex sm:flex-wrap sm:gap-x-4">
            <div className="contents sm:flex sm:gap-1">
              <dt className="font-medium text-slate-700">{t("audience")}</dt>
              <dd>
                {c.audienceSize && !started
                  ? t("audienceWithSize", { audience: w.audienceLabel(c.audience), size: w.sizeText(c.audienceSize, c.critical, asAudience(c.audience)?.kind === "newsletter") })
                  : w.audienceLabel(c.audience)}
              </dd>
            </div>
            <div className="contents sm:flex sm:gap-1">
              <dt className="font-medium text-slate-700">{t("channels")}</dt>
              <dd>{w.channels(c.channels)}</dd>
            </div>
            {c.status === "SCHEDULED" && c.scheduledAt ? (
              <div className="contents sm:flex sm:gap-1">
                <dt className="font-medium text-slate-700">{t("scheduled")}</dt>
                <dd>{t("timeInZone", { time: w.dateTime(c.scheduledAt, c.timezone), zone: c.timezone })}</dd>
              </div>
            ) : (
              <div className="contents sm:flex sm:gap-1">
                <dt className="font-medium text-slate-700">{c.startedAt ? t("started") : t("created")}</dt>
                <dd><TimeAgo iso={(c.startedAt ?? c.createdAt).toISOString()} /></dd>
              </div>
            )}
          </dl>
        </div>
        <div className="flex shrink-0 flex-wrap items-center gap-2">
          {c.status === "DRAFT" || c.status === "SCHEDULED" ? (
            <Link href={`/admin/campaigns/${c.id}`} aria-label={t("editLabel", { name: c.name })} className={secondary}>{t("edit")}</Link>
          ) : (
            <Link href={`/admin/campaigns/${c.id}`} aria-label={t("detailsLabel", { name: c.name })} className={secondary}>{t("details")}</Link>
          )}
          {c.status === "SENDING" ? (
            <button type="button" disabled={busy} onClick={() => pause.mutate({ id: c.id })} aria-label={t("pauseLabel", { name: c.name })} className={secondary}>
              {pause.isPending ? t("pausing") : t("pause")}
            </button>
          ) : null}
          {c.status === "PAUSED" ? (
            <button type="button" disabled={busy} onClick={() => resume.mutate({ id: c.id })} aria-label={t("resumeLabel", { name: c.name })} className={secondary}>
              {resume.isPending ? t("resuming") : t("resume")}
            </button>
          ) : null}
          {canCancel && !confirming ? (
            <button type="button" disabled={busy} onClick={() => setConfirming(true)} aria-label={t("cancelLabel", { name: c.name })} className={danger}>{t("cancel")}</button>
          ) : null}
        </div>
      </div>
      {confirming && canCancel ? (
        <CancelConfirm name={c.name} started={started} pending={cancel.isPending} onConfirm={() => cancel.mutate({ id: c.id })} onKeep={() => setConfirming(false)} />
      ) : null}
      {error ? <p role="alert" className="text-sm text-rose-700">{error.message}</p> : null}
      {started ? <CampaignProgressBar name={c.name} status={c.status} channels={c.channels} progress={c.progress} audienceSize={c.audienceSize} chunk={chunk} /> : null}
    </li>
  );
}

/** The inline "are you sure" for cancelling: says what cancelling does, focuses the choice. */
export function CancelConfirm(props: { name: string; started: boolean; pending: boolean; onConfirm: () => void; onKeep: () => void }) {
  const t = useTranslations("campaigns.cancelConfirm");
  return (
    <div role="group" aria-label={t("label", { name: props.name })} className="flex flex-wrap items-center gap-2 rounded-lg border border-rose-200 bg-rose-50 p-3">
      <span className="text-sm text-rose-900">
        {t(props.started ? "questionStarted" : "questionNotStarted", { name: props.name })}
      </span>
      <button
        type="button"
        autoFocus
        disabled={props.pending}
        onClick={props.onConfirm}
        className="rounded-lg bg-rose-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-rose-800 disabled:opacity-60"
      >
        {props.pending ? t("cancelling") : t("yes")}
      </button>
      <button type="button" onClick={props.onKeep} className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50">
        {t("keep")}
      </button>
    </div>
  );
}

const secondary = "rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60";
const danger = "rounded-lg border border-rose-300 bg-white px-3 py-1.5 text-sm font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-60";

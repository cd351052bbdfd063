"use client";
/**
 * A campaign's status badge and live progress: the bar ("Sent to 1,234 of 5,000 people · 12 emails held ·
 * 0 failed") and {@link useCampaignProgressEvents}, which listens for `campaign.progress` on the admin's
 * private channel (the send run signals the campaign's creator after every chunk and when it finishes).
 */
import { useEffect, useRef, useState } from "react";
import { useTranslations } from "use-intl";
import { useRealtime } from "@/components/realtime/realtime-provider";
import { userChannel } from "@/lib/realtime";
import { STATUS_STYLE, type AudienceSize, type CampaignStatus, type Progress } from "./campaign-types";
import { useCampaignWording } from "./wording";

/** The `campaign.progress` payload (inngest/functions/campaign-send.ts). */
export interface ProgressEvent extends Partial<Progress> {
  campaign_id: string;
  chunk?: number;
  chunks?: number;
  /** Which pass the chunk belongs to: the in-app rows of every chunk go first, then their emails. */
  leg?: "chunk" | "emails";
  status?: CampaignStatus;
}

/** Where a sending campaign is, from the latest event: "in-app batch 2 of 5", "email batch 1 of 5". */
export interface ChunkPosition {
  chunk: number;
  chunks: number;
  leg?: "chunk" | "emails";
}

/** The status as a coloured pill with its name in words. */
export function StatusBadge({ status }: { status: CampaignStatus }) {
  const w = useCampaignWording();
  return (
    <span data-testid="campaign-status" className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLE[status]}`}>
      {w.status(status)}
    </span>
  );
}

/**
 * Calls `onProgress` for every `campaign.progress` event on `private-user-<userId>` (the channel the
 * realtime provider already subscribes), and `onSubscribed` whenever the subscription is (re)confirmed, so
 * the caller can refetch what it may have missed.
 * @returns whether the channel is subscribed (live updates arrive)
 */
export function useCampaignProgressEvents(userId: string, handlers: { onProgress: (e: ProgressEvent) => void; onSubscribed?: () => void }): boolean {
  const { pusher } = useRealtime();
  const latest = useRef(handlers);
  const [live, setLive] = useState(false);
  useEffect(() => {
    latest.current = handlers;
  });
  useEffect(() => {
    if (!pusher) return;
    const name = userChannel(userId);
    const channel = pusher.channel(name) ?? pusher.subscribe(name);
    const onProgress = (data: ProgressEvent) => latest.current.onProgress(data);
    const onSubscribed = () => {
      setLive(true);
      latest.current.onSubscribed?.();
    };
    if (channel.subscribed) queueMicrotask(() => setLive(true));
    channel.bind("campaign.progress", onProgress);
    channel.bind("pusher:subscription_succeeded", onSubscribed);
    return () => {
      channel.unbind("campaign.progress", onProgress);
      channel.unbind("pusher:subscription_succeeded", onSubscribed);
    };
  }, [pusher, userId]);
  return live;
}

type SummaryInput = { status: CampaignStatus; email: boolean; progress: Progress; audienceSize: AudienceSize | null };

/**
 * `progressSummary(p)`: "Sent to 1,234 of 5,000 people · 12 emails held · 0 failed", the main line of the bar
 * (also its accessible value), in the reader's language.
 */
export function useProgressSummary(): (p: SummaryInput) => string {
  const t = useTranslations("campaigns.progress");
  const { count } = useCampaignWording();
  return (p) => {
    const { recipients, held, failed } = p.progress;
    const total = totalOf(p);
    if (p.status === "CANCELLED" && recipients === 0) return t("cancelledBeforeAny");
    const main = p.status === "SENT" || total === recipients ? t("sentTo", { count: recipients }) : t("sentToOf", { done: count(recipients), count: total });
    return p.email ? t("withEmail", { main, held: t("held", { count: held }), failed: t("failed", { failed: count(failed) }) }) : main;
  };
}

const totalOf = (p: { status: CampaignStatus; progress: Progress; audienceSize: AudienceSize | null }) =>
  (p.status === "SENDING" || p.status === "PAUSED") && p.audienceSize ? Math.max(p.audienceSize.people, p.progress.recipients) : p.progress.recipients;

/**
 * The progress bar of a campaign that has started: recipients so far out of the audience (the audience as
 * it is now while sending; whom it reached once finished), the email outcomes and reads.
 */
export function CampaignProgressBar(props: {
  name: string;
  status: CampaignStatus;
  channels: readonly string[];
  progress: Progress;
  audienceSize: AudienceSize | null;
  /** The latest realtime event's position. */
  chunk?: ChunkPosition | null;
}) {
  const t = useTranslations("campaigns.progress");
  const { count } = useCampaignWording();
  const progressSummary = useProgressSummary();
  const email = props.channels.includes("EMAIL");
  const total = totalOf(props);
  const { recipients, sent, queued, skipped, read } = props.progress;
  const fraction = props.status === "SENT" ? 1 : total > 0 ? Math.min(1, recipients / total) : 0;
  const summary = progressSummary({ ...props, email });
  const color = props.status === "PAUSED" ? "bg-orange-500" : props.status === "CANCELLED" ? "bg-slate-400" : "bg-brand-600";
  if (props.status === "CANCELLED" && recipients === 0) {
    return (
      <p className="text-sm text-slate-700" data-testid="campaign-progress">{summary}</p>
    );
  }
  return (
    <div className="space-y-1" data-testid="campaign-progress">
      <div
        role="progressbar"
        aria-label={t("label", { name: props.name })}
        aria-valuemin={0}
        aria-valuemax={Math.max(total, 1)}
        aria-valuenow={props.status === "SENT" ? Math.max(total, 1) : recipients}
        aria-valuetext={summary}
        className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full rounded-full transition-[width] duration-500 ${color}`} style={{ width: `${Math.round(fraction * 100)}%` }} />
      </div>
      <p className="text-sm text-slate-700">{summary}</p>
      <p className="text-xs text-slate-600">
        {email ? `${t("emailCounts", { sent: count(sent), queued: count(queued), skipped: count(skipped) })} · ` : ""}
        {t("readBy", { read: count(read) })}
        {props.chunk && props.status === "SENDING"
          ? ` · ${t(props.chunk.leg === "emails" ? "batchEmail" : "batchInApp", { chunk: count(props.chunk.chunk), chunks: count(props.chunk.chunks) })}`
          : ""}
      </p>
    </div>
  );
}

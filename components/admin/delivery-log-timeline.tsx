"use client";
/**
 * One delivery's timeline: only the steps its row proves happened, oldest first, each with its time in the
 * admin's browser time zone (and UTC). Words from `deliveryLog.step.*` and `deliveryLog.stepDetail.*`.
 */
import { useTranslations } from "use-intl";
import type { TimelineStep, TimelineStepKind } from "@/server/services/delivery/delivery-log";
import { DeliveryLogTime, DeliveryLogTimeZoneNote } from "./delivery-log-time";
import { reasonWords } from "./delivery-log-reason";

const DOT: Record<TimelineStepKind, string> = {
  created: "bg-slate-400",
  queued: "bg-sky-500",
  held: "bg-amber-500",
  skipped: "bg-slate-500",
  sent: "bg-brand-600",
  delivered: "bg-brand-700",
  bounced: "bg-rose-600",
  complained: "bg-rose-600",
  failed: "bg-rose-600",
  clicked: "bg-indigo-500",
  unsubscribed: "bg-slate-600",
  read: "bg-indigo-500",
};

function Detail({ step, channel }: { step: TimelineStep; channel: string }) {
  const t = useTranslations("deliveryLog");
  const why = reasonWords((key, values) => t(`reason.${key}`, values), step.reason, step.reasonText, channel);
  switch (step.kind) {
    case "created":
      return <>{t("stepDetail.created")}</>;
    case "sent":
      return (
        <>
          {t("stepDetail.sent")}
          {step.providerMessageId ? (
            <>
              {" "}
              {t.rich("stepDetail.messageId", { id: step.providerMessageId, mono: (chunks) => <span className="break-all font-mono text-slate-800">{chunks}</span> })}
            </>
          ) : null}
          {why ? <span className="block">{t("stepDetail.why", { reason: why })}</span> : null}
        </>
      );
    case "delivered":
      return <>{t("stepDetail.delivered")}</>;
    case "complained":
      return <>{t("stepDetail.complained")}</>;
    case "clicked":
      return <>{t("stepDetail.clicked")}</>;
    case "unsubscribed":
      return <>{t("stepDetail.unsubscribed")}</>;
    case "read":
      return <>{t("stepDetail.read")}</>;
    default:
      return why ? (
        <>
          {t("stepDetail.why", { reason: why })}
          {step.reason && step.reason !== step.reasonText ? <span className="ml-1 font-mono text-xs text-slate-500">({step.reason})</span> : null}
        </>
      ) : null;
  }
}

/** "Until <time>" under a hold: when it is released. */
function HeldUntil({ until }: { until: Date }) {
  const t = useTranslations("deliveryLog");
  return <span className="mt-0.5 block">{t.rich("stepDetail.until", { time: () => <DeliveryLogTime iso={until.toISOString()} /> })}</span>;
}

/**
 * The timeline as an ordered list labelled "Timeline".
 * @param channel the delivery's channel (the daily cap's reason reads differently for push and SMS)
 */
export function DeliveryLogTimeline({ steps, channel }: { steps: TimelineStep[]; channel: string }) {
  const t = useTranslations("deliveryLog");
  return (
    <div className="space-y-3">
      <DeliveryLogTimeZoneNote />
      <ol aria-label={t("detail.timeline")} className="relative space-y-4 border-l-2 border-slate-200 pl-5">
        {steps.map((s, i) => (
          <li key={`${s.kind}-${i}`} data-testid="timeline-step" data-kind={s.kind} className="relative">
            <span aria-hidden className={`absolute -left-[1.72rem] top-1 h-3 w-3 rounded-full ring-2 ring-white ${DOT[s.kind]}`} />
            <div className="flex flex-col gap-x-4 sm:flex-row sm:items-baseline">
              <h3 className="w-32 shrink-0 text-sm font-semibold text-slate-900">{t(`step.${s.kind}`)}</h3>
              <div className="text-sm text-slate-700">
                <DeliveryLogTime iso={s.at.toISOString()} />
              </div>
            </div>
            <p className="mt-0.5 text-sm text-slate-600">
              <Detail step={s} channel={channel} />
              {s.kind === "held" && s.until ? <HeldUntil until={s.until} /> : null}
            </p>
          </li>
        ))}
      </ol>
    </div>
  );
}

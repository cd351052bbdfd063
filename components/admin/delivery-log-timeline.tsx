/**
 * One delivery's timeline: only the steps its row proves happened, oldest first, each with its time in the
 * admin's browser time zone (and UTC).
 */
import type { TimelineStep, TimelineStepKind } from "@/server/services/delivery/delivery-log";
import { DeliveryLogTime, DeliveryLogTimeZoneNote } from "./delivery-log-time";

const STEP: Record<TimelineStepKind, { label: string; dot: string }> = {
  created: { label: "Created", dot: "bg-slate-400" },
  queued: { label: "Queued to send", dot: "bg-sky-500" },
  held: { label: "Held", dot: "bg-amber-500" },
  skipped: { label: "Not sent", dot: "bg-slate-500" },
  sent: { label: "Sent", dot: "bg-brand-600" },
  delivered: { label: "Delivered", dot: "bg-brand-700" },
  bounced: { label: "Bounced", dot: "bg-rose-600" },
  complained: { label: "Marked as spam", dot: "bg-rose-600" },
  failed: { label: "Failed", dot: "bg-rose-600" },
  clicked: { label: "Clicked", dot: "bg-indigo-500" },
  unsubscribed: { label: "Unsubscribed", dot: "bg-slate-600" },
  read: { label: "Read", dot: "bg-indigo-500" },
};

function Detail({ step }: { step: TimelineStep }) {
  switch (step.kind) {
    case "created":
      return <>The pipeline decided what to do on this channel.</>;
    case "sent":
      return (
        <>
          Accepted by the provider.
          {step.providerMessageId ? (
            <>
              {" "}Message id <span className="break-all font-mono text-slate-800">{step.providerMessageId}</span>
            </>
          ) : null}
          {step.reasonText ? <span className="block">Why: {step.reasonText}</span> : null}
        </>
      );
    case "delivered":
      return <>Reported delivered by the provider&rsquo;s webhook.</>;
    case "complained":
      return <>The recipient reported it as spam (provider&rsquo;s webhook).</>;
    case "clicked":
      return <>First click on a tracked link in it.</>;
    case "unsubscribed":
      return <>The recipient unsubscribed through this message&rsquo;s one-click link.</>;
    case "read":
      return <>The notification was marked read in Herald.</>;
    default:
      return step.reasonText ? (
        <>
          Why: {step.reasonText}
          {step.reason && step.reason !== step.reasonText ? <span className="ml-1 font-mono text-xs text-slate-500">({step.reason})</span> : null}
        </>
      ) : null;
  }
}

/** The timeline as an ordered list labelled "Timeline". */
export function DeliveryLogTimeline({ steps }: { steps: TimelineStep[] }) {
  return (
    <div className="space-y-3">
      <DeliveryLogTimeZoneNote />
      <ol aria-label="Timeline" className="relative space-y-4 border-l-2 border-slate-200 pl-5">
        {steps.map((s, i) => (
          <li key={`${s.kind}-${i}`} data-testid="timeline-step" data-kind={s.kind} className="relative">
            <span aria-hidden className={`absolute -left-[1.72rem] top-1 h-3 w-3 rounded-full ring-2 ring-white ${STEP[s.kind].dot}`} />
            <div className="flex flex-col gap-x-4 sm:flex-row sm:items-baseline">
              <h3 className="w-32 shrink-0 text-sm font-semibold text-slate-900">{STEP[s.kind].label}</h3>
              <div className="text-sm text-slate-700">
                <DeliveryLogTime iso={s.at.toISOString()} />
              </div>
            </div>
            <p className="mt-0.5 text-sm text-slate-600">
              <Detail step={s} />
              {s.kind === "held" && s.until ? (
                <span className="mt-0.5 block">
                  Until <DeliveryLogTime iso={s.until.toISOString()} />
                </span>
              ) : null}
            </p>
          </li>
        ))}
      </ol>
    </div>
  );
}

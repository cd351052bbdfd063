"use client";
/** "Details" of one notification: channel by channel, where it went and why others were held or skipped. */
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";

const CHANNEL = { IN_APP: "In-app", EMAIL: "Email", PUSH: "Push", SMS: "SMS" } as const;
const STATUS: Record<string, string> = {
  delivered: "Delivered",
  sent: "Sent",
  queued: "Sending",
  held: "Held",
  skipped: "Not sent",
  failed: "Failed",
  bounced: "Bounced",
  complained: "Marked as spam",
  not_used: "Not used",
  unavailable: "Not available",
};

export function DeliveryDetails({ notificationId }: { notificationId: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.notifications.deliveries.queryOptions({ id: notificationId }));
  if (q.isPending) return <p className="mt-2 text-xs text-slate-500">Loading details…</p>;
  if (q.isError) return <p role="alert" className="mt-2 text-xs text-rose-700">Could not load details.</p>;
  return (
    <ul aria-label="Where this notification went" className="mt-2 space-y-1 rounded-lg bg-slate-50 p-2 text-xs">
      {q.data.map((c) => (
        <li key={c.channel} className="flex flex-wrap gap-x-2">
          <span className="w-14 font-medium text-slate-700">{CHANNEL[c.channel]}</span>
          <span className={c.status === "sent" || c.status === "delivered" ? "text-brand-700" : c.status === "held" ? "text-amber-800" : "text-slate-600"}>
            {STATUS[c.status] ?? c.status}
          </span>
          {c.reason ? <span className="text-slate-600">— {c.reason}</span> : null}
          {c.at ? (
            <time dateTime={c.at} className="text-slate-500" suppressHydrationWarning>
              {c.status === "held" ? "until " : ""}
              {new Date(c.at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}
            </time>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

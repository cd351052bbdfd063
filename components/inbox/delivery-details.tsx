"use client";
/** "Details" of one notification: channel by channel, where it went and why others were held or skipped. */
import { useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";

/** The delivery statuses the log reports (server/services/delivery/delivery-log.ts), each with a catalog entry. */
const STATUSES = ["delivered", "sent", "queued", "held", "skipped", "failed", "bounced", "complained", "not_used", "unavailable"] as const;
type Status = (typeof STATUSES)[number];
const isStatus = (s: string): s is Status => (STATUSES as readonly string[]).includes(s);

export function DeliveryDetails({ notificationId }: { notificationId: string }) {
  const trpc = useTRPC();
  const t = useTranslations("deliveryDetails");
  const channels = useTranslations("channels");
  const format = useFormatter();
  const q = useQuery(trpc.notifications.deliveries.queryOptions({ id: notificationId }));
  if (q.isPending) return <p className="mt-2 text-xs text-slate-500">{t("loading")}</p>;
  if (q.isError) return <p role="alert" className="mt-2 text-xs text-rose-700">{t("loadError")}</p>;
  return (
    <ul aria-label={t("label")} className="mt-2 space-y-1 rounded-lg bg-slate-50 p-2 text-xs">
      {q.data.map((c) => {
        const time = c.at ? format.dateTime(new Date(c.at), { dateStyle: "medium", timeStyle: "short" }) : null;
        return (
          <li key={c.channel} className="flex flex-wrap gap-x-2">
            <span className="w-14 font-medium text-slate-700">{channels(c.channel)}</span>
            <span className={c.status === "sent" || c.status === "delivered" ? "text-brand-700" : c.status === "held" ? "text-amber-800" : "text-slate-600"}>
              {isStatus(c.status) ? t(`status.${c.status}`) : c.status}
            </span>
            {c.reason ? <span className="text-slate-600">— {c.reason}</span> : null}
            {c.at ? (
              <time dateTime={c.at} className="text-slate-500" suppressHydrationWarning>
                {c.status === "held" ? t("until", { time: time! }) : time}
              </time>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

"use client";
/**
 * The complaint-rate refusal of a send or schedule, in words, with its explicit override (shown inside the
 * send and schedule panels when recent campaigns' complaint rate blocks a new one).
 */
import Link from "next/link";
import { useId } from "react";
import { useTranslations } from "use-intl";
import type { ComplaintBlock } from "../campaign-types";
import { useCampaignWording } from "../wording";

/**
 * The complaint-rate refusal in words, with the explicit override: a labelled checkbox the admin must tick
 * before "Send anyway" / "Schedule anyway" is enabled. `verb`: what the override allows.
 */
export function ComplaintOverride(props: { block: ComplaintBlock; verb: "Send" | "Schedule"; checked: boolean; onChange: (v: boolean) => void }) {
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

"use client";
/**
 * The campaign editor's send confirmation ("Send now"): the campaign's name and how many people it reaches
 * (and how many by email), the complaint-rate override when that blocks sending, and the final Send button.
 */
import { useTranslations } from "use-intl";
import type { AudienceSize, ComplaintBlock } from "../campaign-types";
import { useCampaignWording } from "../wording";
import { ComplaintOverride } from "./complaint-override";
import { danger, primary, secondary } from "./form-parts";

export interface SendPanelProps {
  /** The editor's id prefix: the heading is `${id}-send-h`. */
  id: string;
  /** The campaign's name as typed. */
  name: string;
  /** The audience's size, counted when the panel opened. */
  size: AudienceSize;
  critical: boolean;
  /** The audience is the newsletter (its people are subscribers, not accounts). */
  newsletter: boolean;
  /** The complaint-rate refusal of the last attempt, or null; `override`: whether the admin ticked the override. */
  complaint: ComplaintBlock | null;
  override: boolean;
  onOverride: (override: boolean) => void;
  /** Some action is under way (every button waits). */
  busy: boolean;
  /** Sending is under way. */
  pending: boolean;
  onConfirm: () => void;
  onClose: () => void;
}

/** The send confirmation (a labelled group inside the editor's form). */
export function SendPanel(props: SendPanelProps) {
  const t = useTranslations("campaignEditor");
  const w = useCampaignWording();
  const { id, size, critical, complaint } = props;
  const blocked = complaint !== null && !props.override;
  return (
    <div role="group" aria-labelledby={`${id}-send-h`} className="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4">
      <h2 id={`${id}-send-h`} className="font-semibold text-amber-950">{t("sendTitle", { name: props.name.trim() })}</h2>
      <p className="text-sm text-amber-950" data-testid="send-confirm-size">
        {t.rich(critical ? "sendSizeCritical" : "sendSize", { ...w.sizeParts(size, critical, props.newsletter), strong: (chunks) => <strong>{chunks}</strong> })}
      </p>
      {complaint ? <ComplaintOverride block={complaint} verb="Send" checked={props.override} onChange={props.onOverride} /> : null}
      <div className="flex flex-wrap gap-2">
        <button type="button" autoFocus disabled={props.busy || blocked} onClick={props.onConfirm} className={complaint ? danger : primary}>
          {props.pending ? t("sending") : t(complaint ? "sendAnyway" : "yesSend", { count: size.people })}
        </button>
        <button type="button" onClick={props.onClose} className={secondary}>{t("notYet")}</button>
      </div>
    </div>
  );
}

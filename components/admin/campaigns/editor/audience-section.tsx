"use client";
/**
 * The campaign editor's "Audience" card: who receives it (the audience picker, ../audience-field.tsx, with
 * its live size) and the critical flag (sent on every chosen channel despite preferences, unsubscribes and
 * quiet hours). The newsletter's subscribers have no account, so a newsletter campaign cannot be critical:
 * the flag is then locked.
 */
import { useTranslations } from "use-intl";
import { AudienceField, type AudienceDraft } from "../audience-field";
import type { CategoryOption } from "../campaign-types";
import { Section, type FieldError } from "./form-parts";

export interface AudienceSectionProps {
  /** The editor's id prefix: the flag's hint is `${id}-critical-hint`, its error `${id}-critical-error`. */
  id: string;
  audience: AudienceDraft;
  onAudience: (audience: AudienceDraft) => void;
  critical: boolean;
  onCritical: (critical: boolean) => void;
  /** The audience is the newsletter (the flag is off and disabled). */
  newsletter: boolean;
  categories: CategoryOption[];
  fieldError: FieldError;
}

/** The audience picker and the critical checkbox. */
export function AudienceSection({ id, audience, onAudience, critical, onCritical, newsletter, categories, fieldError }: AudienceSectionProps) {
  const t = useTranslations("campaignEditor");
  return (
    <Section title={t("sectionAudience")}>
      <AudienceField value={audience} onChange={onAudience} critical={critical} categories={categories} error={fieldError("audience")} />

      <div className={`rounded-lg border p-3 ${critical ? "border-rose-300 bg-rose-50" : "border-slate-200"} ${newsletter ? "bg-slate-50" : ""}`}>
        <label className={`flex items-start gap-3 text-sm ${newsletter ? "text-slate-500" : ""}`}>
          <input
            type="checkbox"
            checked={critical}
            disabled={newsletter}
            onChange={(e) => onCritical(e.target.checked)}
            aria-describedby={`${id}-critical-hint${fieldError("critical") ? ` ${id}-critical-error` : ""}`}
            className="mt-0.5 h-4 w-4 accent-rose-700"
          />
          <span>
            <span className={`font-medium ${newsletter ? "text-slate-600" : "text-slate-900"}`}>{t("critical")}</span>
            <span id={`${id}-critical-hint`} className={`block ${newsletter ? "text-slate-600" : "text-slate-700"}`}>
              {newsletter ? t("criticalHintNewsletter") : t("criticalHint")}
            </span>
          </span>
        </label>
        {fieldError("critical") ? <p id={`${id}-critical-error`} role="alert" className="mt-1 text-sm text-rose-700">{fieldError("critical")}</p> : null}
      </div>
    </Section>
  );
}

"use client";
/**
 * The campaign editor's first card, "Campaign": the campaign's name (for admins only) and the channels it is
 * sent on (in-app, email). A newsletter audience has no inbox: the in-app channel is then off and locked.
 */
import { useTranslations } from "use-intl";
import { Field, Section, describe, inputCls, type FieldError } from "./form-parts";

export interface NameAndChannelsSectionProps {
  /** The editor's id prefix: the controls are `${id}-name`, `${id}-channels-hint`… */
  id: string;
  name: string;
  onName: (name: string) => void;
  inApp: boolean;
  onInApp: (on: boolean) => void;
  email: boolean;
  onEmail: (on: boolean) => void;
  /** The audience is the newsletter (email only). */
  newsletter: boolean;
  fieldError: FieldError;
}

/** The name field and the channel checkboxes. */
export function NameAndChannelsSection({ id, name, onName, inApp, onInApp, email, onEmail, newsletter, fieldError }: NameAndChannelsSectionProps) {
  const t = useTranslations("campaignEditor");
  return (
    <Section title={t("sectionCampaign")}>
      <Field id={`${id}-name`} label={t("name")} hint={t("nameHint")} error={fieldError("name")}>
        <input id={`${id}-name`} value={name} onChange={(e) => onName(e.target.value)} maxLength={120} required placeholder={t("namePlaceholder")} className={inputCls(fieldError("name"))} {...describe(`${id}-name`, fieldError("name"))} />
      </Field>
      <fieldset className="space-y-2" aria-describedby={`${id}-channels-hint${fieldError("channels") ? ` ${id}-channels-error` : ""}`}>
        <legend className="text-sm font-medium text-slate-700">{t("channels")}</legend>
        <label className={`flex items-center gap-3 text-sm ${newsletter ? "text-slate-500" : ""}`}>
          <input type="checkbox" checked={inApp} disabled={newsletter} onChange={(e) => onInApp(e.target.checked)} className="h-4 w-4 accent-brand-700" />
          {t("channelInApp")}
        </label>
        <label className="flex items-center gap-3 text-sm">
          <input type="checkbox" checked={email} onChange={(e) => onEmail(e.target.checked)} className="h-4 w-4 accent-brand-700" />
          {t("channelEmail")}
        </label>
        <p id={`${id}-channels-hint`} data-testid="channels-hint" className="text-xs text-slate-600">
          {newsletter ? t("channelsHintNewsletter") : t("channelsHint")}
        </p>
        {fieldError("channels") ? <p id={`${id}-channels-error`} role="alert" className="text-sm text-rose-700">{fieldError("channels")}</p> : null}
      </fieldset>
    </Section>
  );
}

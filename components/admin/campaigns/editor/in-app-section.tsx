"use client";
/**
 * The campaign editor's in-app card: its title and message, beside a preview of the card as the inbox shows
 * it (critical campaigns in their critical style). Shown only while the in-app channel is chosen.
 */
import { useTranslations } from "use-intl";
import { InAppPreview } from "../previews";
import { Field, Section, describe, inputCls, type FieldError } from "./form-parts";

export interface InAppSectionProps {
  /** The editor's id prefix: the controls are `${id}-title` and `${id}-message`. */
  id: string;
  title: string;
  onTitle: (title: string) => void;
  body: string;
  onBody: (body: string) => void;
  critical: boolean;
  fieldError: FieldError;
}

/** The in-app card's fields and preview. */
export function InAppSection({ id, title, onTitle, body, onBody, critical, fieldError }: InAppSectionProps) {
  const t = useTranslations("campaignEditor");
  return (
    <Section title={t("sectionInApp")}>
      <div className="grid grid-cols-1 gap-5 md:grid-cols-2">
        <div className="space-y-4">
          <Field id={`${id}-title`} label={t("title")} hint={t("titleHint")} error={fieldError("inAppTitle")}>
            <input id={`${id}-title`} value={title} onChange={(e) => onTitle(e.target.value)} maxLength={120} required className={inputCls(fieldError("inAppTitle"))} {...describe(`${id}-title`, fieldError("inAppTitle"))} />
          </Field>
          <Field id={`${id}-message`} label={t("message")} hint={t("messageHint")} error={fieldError("inAppBody")}>
            <textarea id={`${id}-message`} value={body} onChange={(e) => onBody(e.target.value)} maxLength={500} rows={3} className={inputCls(fieldError("inAppBody"))} {...describe(`${id}-message`, fieldError("inAppBody"))} />
          </Field>
        </div>
        <InAppPreview title={title} body={body} critical={critical} />
      </div>
    </Section>
  );
}

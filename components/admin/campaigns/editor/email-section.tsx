"use client";
/**
 * The campaign editor's email: its subject and markdown body, above a preview of the email as the server
 * renders it. Shown only while the email channel is chosen.
 */
import { useTranslations } from "use-intl";
import { EmailPreview } from "../previews";
import { Field, Section, describe, inputCls, type FieldError } from "./form-parts";

export interface EmailSectionProps {
  /** The editor's id prefix: the controls are `${id}-subject` and `${id}-body`. */
  id: string;
  subject: string;
  onSubject: (subject: string) => void;
  /** Markdown. */
  body: string;
  onBody: (body: string) => void;
  fieldError: FieldError;
}

/** The email's fields and preview. */
export function EmailSection({ id, subject, onSubject, body, onBody, fieldError }: EmailSectionProps) {
  const t = useTranslations("campaignEditor");
  return (
    <Section title={t("sectionEmail")}>
      <Field id={`${id}-subject`} label={t("subject")} hint={t("subjectHint")} error={fieldError("emailSubject")}>
        <input id={`${id}-subject`} value={subject} onChange={(e) => onSubject(e.target.value)} maxLength={150} required className={inputCls(fieldError("emailSubject"))} {...describe(`${id}-subject`, fieldError("emailSubject"))} />
      </Field>
      <Field
        id={`${id}-body`}
        label={t("body")}
        hint={t.rich("bodyHint", { code: (chunks) => <code>{chunks}</code> })}
        error={fieldError("emailBody")}
      >
        <textarea id={`${id}-body`} value={body} onChange={(e) => onBody(e.target.value)} maxLength={20_000} rows={8} required className={`${inputCls(fieldError("emailBody"))} font-mono text-sm`} {...describe(`${id}-body`, fieldError("emailBody"))} />
      </Field>
      <EmailPreview subject={subject} body={body} />
    </Section>
  );
}

"use client";
/**
 * The campaign editor's "Languages" card: the language the texts are written in, and the same texts in each
 * other language (optional; readers of a language without them get the main texts, docs/requirements.md
 * R19.4), each folded away until opened ({@link TranslationFields}).
 */
import { useTranslations } from "use-intl";
import { LOCALE_NAMES, LOCALES, type Locale } from "@/lib/i18n";
import { EmailPreview } from "../previews";
import { Field, Section, describe, inputCls, type FieldError } from "./form-parts";

/** One language's texts as the editor holds them (all four kept; only the chosen channels' are saved). */
export type Texts = { inAppTitle: string; inAppBody: string; emailSubject: string; emailBody: string };
const NO_TEXTS: Texts = { inAppTitle: "", inAppBody: "", emailSubject: "", emailBody: "" };

/** The stored translations (JSON) as editor state, every language present. */
export function translationsDraft(stored: unknown): Record<Locale, Texts> {
  const from = (stored && typeof stored === "object" ? stored : {}) as Record<string, Partial<Texts> | undefined>;
  return Object.fromEntries(LOCALES.map((l) => [l, { ...NO_TEXTS, ...from[l] }])) as Record<Locale, Texts>;
}

export interface LanguagesSectionProps {
  /** The editor's id prefix: the select is `${id}-locale`, a translation's fields `${id}-<locale>-title`… */
  id: string;
  mainLocale: Locale;
  onMainLocale: (locale: Locale) => void;
  /** Every language but the main one, in {@link LOCALES} order. */
  otherLocales: readonly Locale[];
  translations: Record<Locale, Texts>;
  onTranslation: (locale: Locale, texts: Texts) => void;
  /** The chosen channels: only their fields are shown. */
  inApp: boolean;
  email: boolean;
  fieldError: FieldError;
}

/** The main language's select and the other languages' texts. */
export function LanguagesSection({ id, mainLocale, onMainLocale, otherLocales, translations, onTranslation, inApp, email, fieldError }: LanguagesSectionProps) {
  const t = useTranslations("campaignEditor");
  return (
    <Section title={t("sectionLanguages")}>
      <Field id={`${id}-locale`} label={t("writtenIn")} hint={t("writtenInHint")} error={fieldError("locale")}>
        <select
          id={`${id}-locale`}
          value={mainLocale}
          onChange={(e) => onMainLocale(e.target.value as Locale)}
          className={`${inputCls(fieldError("locale"))} sm:w-64`}
          {...describe(`${id}-locale`, fieldError("locale"))}
        >
          {LOCALES.map((l) => (
            <option key={l} value={l}>{LOCALE_NAMES[l]}</option>
          ))}
        </select>
      </Field>
      {fieldError("translations") ? <p role="alert" className="text-sm text-rose-700">{fieldError("translations")}</p> : null}
      {otherLocales.map((l) => (
        <TranslationFields
          key={l}
          id={`${id}-${l}`}
          language={LOCALE_NAMES[l]}
          locale={l}
          texts={translations[l]}
          inApp={inApp}
          email={email}
          onChange={(texts) => onTranslation(l, texts)}
        />
      ))}
    </Section>
  );
}

/**
 * One other language's texts, folded away until opened (open when any is written): the chosen channels'
 * fields, and the email's preview in that language.
 */
export function TranslationFields(props: {
  id: string;
  language: string;
  locale: Locale;
  texts: Texts;
  inApp: boolean;
  email: boolean;
  onChange: (texts: Texts) => void;
}) {
  const t = useTranslations("campaignEditor");
  const { id, language, texts } = props;
  const set = (k: keyof Texts) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => props.onChange({ ...texts, [k]: e.target.value });
  const written = (props.inApp && texts.inAppTitle.trim() !== "") || (props.email && texts.emailSubject.trim() !== "");
  return (
    <details open={written || undefined} className="group rounded-xl border border-slate-200 p-3 sm:p-4" data-testid={`translation-${props.locale}`}>
      <summary className="cursor-pointer text-sm font-medium text-slate-800">
        {t("translationOf", { language })}{" "}
        <span className="font-normal text-slate-600">· {written ? t("translationFilled", { language }) : t("translationEmpty", { language })}</span>
      </summary>
      <div className="mt-3 space-y-4" lang={props.locale}>
        <p className="text-xs text-slate-600">{t("translationHint", { language })}</p>
        {props.inApp ? (
          <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
            <Field id={`${id}-title`} label={t("inAppTitleIn", { language })}>
              <input id={`${id}-title`} value={texts.inAppTitle} onChange={set("inAppTitle")} maxLength={120} className={inputCls(undefined)} />
            </Field>
            <Field id={`${id}-message`} label={t("inAppMessageIn", { language })}>
              <textarea id={`${id}-message`} value={texts.inAppBody} onChange={set("inAppBody")} maxLength={500} rows={2} className={inputCls(undefined)} />
            </Field>
          </div>
        ) : null}
        {props.email ? (
          <>
            <Field id={`${id}-subject`} label={t("subjectIn", { language })}>
              <input id={`${id}-subject`} value={texts.emailSubject} onChange={set("emailSubject")} maxLength={150} className={inputCls(undefined)} />
            </Field>
            <Field id={`${id}-body`} label={t("bodyIn", { language })}>
              <textarea id={`${id}-body`} value={texts.emailBody} onChange={set("emailBody")} maxLength={20_000} rows={5} className={`${inputCls(undefined)} font-mono text-sm`} />
            </Field>
            <EmailPreview subject={texts.emailSubject} body={texts.emailBody} locale={props.locale} />
          </>
        ) : null}
      </div>
    </details>
  );
}

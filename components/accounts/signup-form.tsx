"use client";
/**
 * /signup (issue 17): name, email, password and language, sent to POST /api/accounts/signup. The answer is
 * the same for every address ("check your inbox"), so the page never says whether one has an account.
 * Checked here first in the reader's language (the server checks again); the first field in error takes the
 * focus. Autocomplete hints let password managers offer a new password for this address.
 */
import { useId, useRef, useState } from "react";
import { useTranslations } from "use-intl";
import { LOCALE_NAMES, LOCALES, type Locale } from "@/lib/i18n";
import { MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH, NAME_MAX } from "@/lib/accounts";
import { DonePanel, Field, FormAlert, SubmitButton, fieldsInError, inputClass, postJson, retryAfterOf, useFocusFirstError } from "./form-parts";

type FieldName = "name" | "email" | "password";
const ORDER: readonly FieldName[] = ["name", "email", "password"];
type Errors = Partial<Record<FieldName, string>>;

/** A plausible address (the server's check is stricter). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function SignUpForm({ defaultLocale }: { defaultLocale: Locale }) {
  const t = useTranslations("signup");
  const id = useId();
  const refs = { name: useRef<HTMLInputElement>(null), email: useRef<HTMLInputElement>(null), password: useRef<HTMLInputElement>(null) };
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [pending, setPending] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  useFocusFirstError(attempt, errors, ORDER, refs);

  const fail = (e: Errors, message: string | null = null) => {
    setErrors(e);
    setFormError(message);
    setAttempt((n) => n + 1);
  };

  if (sentTo) {
    return (
      <DonePanel title={t("checkInbox")}>
        <p>{t.rich("sent", { email: sentTo, b: (chunks) => <span className="font-medium">{chunks}</span> })}</p>
        <p>{t("notReceived")}</p>
      </DonePanel>
    );
  }

  return (
    <form
      className="mt-6 space-y-4"
      noValidate
      onSubmit={async (ev) => {
        ev.preventDefault();
        const form = new FormData(ev.currentTarget);
        const values = {
          name: String(form.get("name") ?? "").trim(),
          email: String(form.get("email") ?? "").trim(),
          password: String(form.get("password") ?? ""),
          locale: String(form.get("locale") ?? defaultLocale),
        };
        const e: Errors = {};
        if (!values.name) e.name = t("errors.nameMissing");
        else if (values.name.length > NAME_MAX) e.name = t("errors.nameTooLong", { max: NAME_MAX });
        if (!EMAIL.test(values.email)) e.email = t("errors.emailInvalid");
        if (values.password.length < MIN_PASSWORD_LENGTH) e.password = t("errors.tooShort", { min: MIN_PASSWORD_LENGTH });
        else if (new TextEncoder().encode(values.password).length > MAX_PASSWORD_BYTES) e.password = t("errors.tooLong", { max: MAX_PASSWORD_BYTES });
        if (Object.keys(e).length) return fail(e);
        setPending(true);
        setErrors({});
        setFormError(null);
        const website = String(form.get("website") ?? "");
        const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        const answer = await postJson("/api/accounts/signup", { ...values, ...(timezone ? { timezone } : {}), ...(website ? { website } : {}) });
        setPending(false);
        if (answer.ok) return setSentTo(values.email);
        if (answer.status === 429) return fail({}, t("errors.rateLimited", { count: retryAfterOf(answer) }));
        const bad = fieldsInError(answer);
        const server: Errors = {};
        if (bad.has("name")) server.name = t("errors.nameMissing");
        if (bad.has("email")) server.email = t("errors.emailInvalid");
        if (bad.has("password")) server.password = t("errors.tooShort", { min: MIN_PASSWORD_LENGTH });
        fail(server, Object.keys(server).length ? null : t("errors.failed"));
      }}
    >
      <Field id={`${id}-name`} label={t("name")} error={errors.name}>
        {(aria) => <input ref={refs.name} id={`${id}-name`} name="name" type="text" autoComplete="name" required maxLength={NAME_MAX} className={inputClass} {...aria} />}
      </Field>
      <Field id={`${id}-email`} label={t("email")} error={errors.email}>
        {(aria) => <input ref={refs.email} id={`${id}-email`} name="email" type="email" autoComplete="email" required maxLength={254} className={inputClass} {...aria} />}
      </Field>
      <Field id={`${id}-password`} label={t("password")} hint={t("passwordHint", { min: MIN_PASSWORD_LENGTH })} error={errors.password}>
        {(aria) => <input ref={refs.password} id={`${id}-password`} name="password" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} className={inputClass} {...aria} />}
      </Field>
      <Field id={`${id}-locale`} label={t("language")} hint={t("languageHint")}>
        {(aria) => (
          <select id={`${id}-locale`} name="locale" defaultValue={defaultLocale} className={`${inputClass} bg-white`} {...aria}>
            {LOCALES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LOCALE_NAMES[l]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div aria-hidden="true" className="absolute -left-[9999px] h-px w-px overflow-hidden">
        <label htmlFor={`${id}-website`}>{t("honeypot")}</label>
        <input id={`${id}-website`} name="website" type="text" tabIndex={-1} autoComplete="off" />
      </div>
      <FormAlert message={formError} />
      <SubmitButton pending={pending} label={t("submit")} pendingLabel={t("submitting")} />
    </form>
  );
}

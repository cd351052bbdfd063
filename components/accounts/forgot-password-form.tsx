"use client";
/**
 * /forgot-password (issue 17): an email address, sent to POST /api/accounts/forgot-password. The answer is the
 * same whether or not the address has an account ("if an account exists, we sent a link").
 */
import { useId, useRef, useState } from "react";
import { useTranslations } from "use-intl";
import { DonePanel, Field, FormAlert, SubmitButton, fieldsInError, inputClass, postJson, retryAfterOf, useFocusFirstError } from "./form-parts";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ORDER = ["email"] as const;

export function ForgotPasswordForm() {
  const t = useTranslations("forgotPassword");
  const id = useId();
  const refs = { email: useRef<HTMLInputElement>(null) };
  const [errors, setErrors] = useState<{ email?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [pending, setPending] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  useFocusFirstError(attempt, errors, ORDER, refs);

  const fail = (e: { email?: string }, message: string | null = null) => {
    setErrors(e);
    setFormError(message);
    setAttempt((n) => n + 1);
  };

  if (sentTo) {
    return (
      <DonePanel title={t("checkInbox")}>
        <p>{t.rich("sent", { email: sentTo, b: (chunks) => <span className="font-medium">{chunks}</span> })}</p>
      </DonePanel>
    );
  }
  return (
    <form
      className="mt-6 space-y-4"
      noValidate
      onSubmit={async (ev) => {
        ev.preventDefault();
        const email = String(new FormData(ev.currentTarget).get("email") ?? "").trim();
        if (!EMAIL.test(email)) return fail({ email: t("errors.emailInvalid") });
        setPending(true);
        setErrors({});
        setFormError(null);
        const answer = await postJson("/api/accounts/forgot-password", { email });
        setPending(false);
        if (answer.ok) return setSentTo(email);
        if (answer.status === 429) return fail({}, t("errors.rateLimited", { count: retryAfterOf(answer) }));
        if (fieldsInError(answer).has("email")) return fail({ email: t("errors.emailInvalid") });
        fail({}, t("errors.failed"));
      }}
    >
      <Field id={`${id}-email`} label={t("email")} error={errors.email}>
        {(aria) => <input ref={refs.email} id={`${id}-email`} name="email" type="email" autoComplete="email" required maxLength={254} className={inputClass} {...aria} />}
      </Field>
      <FormAlert message={formError} />
      <SubmitButton pending={pending} label={t("submit")} pendingLabel={t("submitting")} />
    </form>
  );
}

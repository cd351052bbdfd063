"use client";
/**
 * /reset-password/<token> (issue 17): the new password twice, sent with the link's token to POST
 * /api/accounts/reset-password. On success every session of the account has ended; the page signs the person
 * in with the new password (next-auth's credentials sign-in) and goes to the inbox. A link that stopped
 * working meanwhile says so and offers a new one.
 */
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useId, useRef, useState } from "react";
import { useTranslations } from "use-intl";
import { MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH } from "@/lib/accounts";
import { DonePanel, Field, FormAlert, SubmitButton, inputClass, postJson, retryAfterOf, useFocusFirstError } from "./form-parts";

type FieldName = "password" | "confirmPassword";
const ORDER: readonly FieldName[] = ["password", "confirmPassword"];
type Errors = Partial<Record<FieldName, string>>;
type LinkProblem = "used" | "expired" | "invalid";

export function ResetPasswordForm({ token, username }: { token: string; username: string }) {
  const t = useTranslations("resetPassword");
  const id = useId();
  const refs = { password: useRef<HTMLInputElement>(null), confirmPassword: useRef<HTMLInputElement>(null) };
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [pending, setPending] = useState(false);
  const [done, setDone] = useState<"signing_in" | "sign_in" | null>(null);
  const [problem, setProblem] = useState<LinkProblem | null>(null);
  useFocusFirstError(attempt, errors, ORDER, refs);

  const fail = (e: Errors, message: string | null = null) => {
    setErrors(e);
    setFormError(message);
    setAttempt((n) => n + 1);
  };

  if (problem) return <LinkProblemPanel problem={problem} />;
  if (done) {
    return (
      <DonePanel title={done === "signing_in" ? t("done") : t("doneSignIn")}>
        {done === "sign_in" ? (
          <Link href="/signin" className="font-medium text-emerald-900 underline">
            {t("signIn")}
          </Link>
        ) : null}
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
        const password = String(form.get("password") ?? "");
        const confirmPassword = String(form.get("confirmPassword") ?? "");
        const e: Errors = {};
        if (password.length < MIN_PASSWORD_LENGTH) e.password = t("errors.tooShort", { min: MIN_PASSWORD_LENGTH });
        else if (new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES) e.password = t("errors.tooLong", { max: MAX_PASSWORD_BYTES });
        if (!e.password && confirmPassword !== password) e.confirmPassword = t("errors.mismatch");
        if (Object.keys(e).length) return fail(e);
        setPending(true);
        setErrors({});
        setFormError(null);
        const answer = await postJson("/api/accounts/reset-password", { token, password, confirmPassword });
        if (answer.ok && answer.body.email) {
          setDone("signing_in");
          const res = await signIn("credentials", { email: answer.body.email, password, redirect: false });
          // A full load, as the sign-in form does, so the layout (header, live inbox) starts with the new session.
          // eslint-disable-next-line @next/next/no-location-assign-relative-destination
          if (res?.ok) return window.location.assign("/notifications");
          return setDone("sign_in");
        }
        setPending(false);
        if (answer.status === 429) return fail({}, t("errors.rateLimited", { count: retryAfterOf(answer) }));
        const outcome = answer.body.error?.details?.outcome;
        if (outcome === "used" || outcome === "expired" || outcome === "invalid") return setProblem(outcome);
        fail({}, t("errors.failed"));
      }}
    >
      {/* Lets password managers file the new password under the account. */}
      <input type="email" name="username" autoComplete="username" hidden readOnly value={username} />
      <Field id={`${id}-password`} label={t("password")} hint={t("passwordHint", { min: MIN_PASSWORD_LENGTH })} error={errors.password}>
        {(aria) => <input ref={refs.password} id={`${id}-password`} name="password" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} className={inputClass} {...aria} />}
      </Field>
      <Field id={`${id}-again`} label={t("again")} error={errors.confirmPassword}>
        {(aria) => <input ref={refs.confirmPassword} id={`${id}-again`} name="confirmPassword" type="password" autoComplete="new-password" required className={inputClass} {...aria} />}
      </Field>
      <FormAlert message={formError} />
      <SubmitButton pending={pending} label={t("submit")} pendingLabel={t("submitting")} />
    </form>
  );
}

/** A reset link that does not work: which way, and the way to a new one. Also rendered by the page itself. */
export function LinkProblemPanel({ problem }: { problem: LinkProblem }) {
  const t = useTranslations("resetPassword");
  return (
    <div role="alert" className="mt-4 space-y-3">
      <p className="font-medium text-slate-900">{t(problem)}</p>
      <p className="text-sm text-slate-600">{t(`${problem}Help`)}</p>
      <Link href="/forgot-password" className="inline-block rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">
        {t("newLink")}
      </Link>
    </div>
  );
}

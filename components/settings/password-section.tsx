"use client";
/**
 * /settings/account#password: change the password (current one, new one of at least 12 characters, the new
 * one again). On success every other device is signed out and this one stays signed in; the page says so.
 * Native labelled controls with autocomplete hints for password managers; each error sits under its field
 * (role="alert", aria-invalid) and focus moves to the first field in error; the outcome is announced in a
 * polite live region.
 */
import { useEffect, useId, useRef, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";

/** Mirrors server/services/users/change-password.ts (the server checks again). */
const MIN_LENGTH = 12;
const MAX_BYTES = 72;

type Field = "currentPassword" | "newPassword" | "confirmPassword";
type Errors = Partial<Record<Field, string>>;
const FIELDS: Field[] = ["currentPassword", "newPassword", "confirmPassword"];

const input = "mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 text-sm aria-[invalid=true]:border-rose-500 sm:max-w-xs";

/** What is wrong with the form before asking the server, per field, in the words of `t` (`password.errors`). */
function check(v: Record<Field, string>, t: ReturnType<typeof useTranslations<"password.errors">>): Errors {
  const e: Errors = {};
  if (!v.currentPassword) e.currentPassword = t("currentMissing");
  if (v.newPassword.length < MIN_LENGTH) e.newPassword = t("tooShort", { min: MIN_LENGTH });
  else if (new TextEncoder().encode(v.newPassword).length > MAX_BYTES) e.newPassword = t("tooLong", { max: MAX_BYTES });
  else if (v.newPassword === v.currentPassword) e.newPassword = t("sameAsCurrent");
  if (!e.newPassword && v.confirmPassword !== v.newPassword) e.confirmPassword = t("mismatch");
  return e;
}

export function PasswordSection() {
  const trpc = useTRPC();
  const t = useTranslations("password");
  const tErrors = useTranslations("password.errors");
  const id = useId();
  const refs = { currentPassword: useRef<HTMLInputElement>(null), newPassword: useRef<HTMLInputElement>(null), confirmPassword: useRef<HTMLInputElement>(null) };
  const email = useQuery(trpc.account.summary.queryOptions()).data?.email ?? "";
  const [values, setValues] = useState<Record<Field, string>>({ currentPassword: "", newPassword: "", confirmPassword: "" });
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string>("");
  /** Bumped with every failed submit, so focus moves to the first field in error even when errors repeat. */
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    if (failures === 0) return;
    const first = FIELDS.find((f) => errors[f]);
    if (first) refs[first].current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- refs are stable; run once per failed submit
  }, [failures]);

  const fail = (e: Errors, message: string | null = null) => {
    setErrors(e);
    setFormError(message);
    setFailures((n) => n + 1);
  };

  const change = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: (r) => {
        setValues({ currentPassword: "", newPassword: "", confirmPassword: "" });
        setErrors({});
        setFormError(null);
        setDone(r.sessionsRevoked === 0 ? t("changed") : t("changedOthersOut", { count: r.sessionsRevoked }));
      },
      onError: (err) => {
        const details = (err.data?.details ?? {}) as Record<string, unknown>;
        const e: Errors = {};
        for (const f of FIELDS) {
          const m = details[f];
          if (Array.isArray(m) && typeof m[0] === "string") e[f] = `${m[0]}.`.replace(/\.\.$/, ".");
        }
        fail(e, Object.keys(e).length ? null : err.message);
      },
    }),
  );

  const submit = (ev: React.FormEvent) => {
    ev.preventDefault();
    setDone("");
    const e = check(values, tErrors);
    if (Object.keys(e).length) return fail(e);
    setErrors({});
    setFormError(null);
    change.mutate(values);
  };

  const field = (f: Field, label: string, autoComplete: string, hint?: string) => {
    const describedBy = [hint ? `${id}-${f}-hint` : null, errors[f] ? `${id}-${f}-error` : null].filter(Boolean).join(" ") || undefined;
    return (
      <div>
        <label htmlFor={`${id}-${f}`} className="block text-sm font-medium">
          {label}
        </label>
        <input
          ref={refs[f]}
          id={`${id}-${f}`}
          name={f}
          type="password"
          autoComplete={autoComplete}
          value={values[f]}
          onChange={(e) => setValues((v) => ({ ...v, [f]: e.target.value }))}
          aria-invalid={errors[f] ? true : undefined}
          aria-describedby={describedBy}
          className={input}
        />
        {hint && (
          <p id={`${id}-${f}-hint`} className="mt-1 text-xs text-slate-500">
            {hint}
          </p>
        )}
        {errors[f] && (
          <p id={`${id}-${f}-error`} role="alert" className="mt-2 rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
            {errors[f]}
          </p>
        )}
      </div>
    );
  };

  return (
    <section id="password" aria-labelledby={`${id}-h`} className="space-y-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
      <div>
        <h2 id={`${id}-h`} className="font-semibold">
          {t("heading")}
        </h2>
        <p className="mt-1 text-sm text-slate-600">{t("intro")}</p>
      </div>
      <form onSubmit={submit} noValidate className="space-y-3">
        {/* Lets password managers pair the new password with the account. */}
        <input type="email" name="username" autoComplete="username" hidden readOnly value={email} />
        {field("currentPassword", t("current"), "current-password")}
        {field("newPassword", t("new"), "new-password", t("newHint", { min: MIN_LENGTH }))}
        {field("confirmPassword", t("again"), "new-password")}
        {formError && (
          <p role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
            {formError}
          </p>
        )}
        <button
          type="submit"
          disabled={change.isPending}
          className="rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:cursor-not-allowed disabled:opacity-60"
        >
          {change.isPending ? t("changing") : t("submit")}
        </button>
      </form>
      <p role="status" aria-live="polite" className={done ? "rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900" : "sr-only"}>
        {done}
      </p>
    </section>
  );
}

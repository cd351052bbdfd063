"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useTranslations } from "use-intl";
import { EMAIL_NOT_VERIFIED } from "@/lib/accounts";
import { UnverifiedNotice } from "@/components/accounts/unverified-notice";

/**
 * The sentence for next-auth's sign-in `error` (the `signIn()` result or `/signin?error=`), in the reader's
 * language (`t`: the `signIn` messages). A lock arrives as `TooManyAttempts:<seconds>`
 * (server/services/security/login-throttle.ts: thrown by `authorize()`, or the 429 of the callback route);
 * any other error reads as a wrong pair. Null when there is no error. Only these fixed sentences are shown,
 * never the raw parameter.
 */
export function signInErrorMessage(error: string | null | undefined, t: ReturnType<typeof useTranslations<"signIn">>): string | null {
  if (!error) return null;
  const locked = /^TooManyAttempts:(\d{1,6})$/.exec(error);
  if (locked) return t("locked", { count: Number(locked[1]) });
  return t("wrongPassword");
}

export function SignInForm({ callbackUrl, initialError = null }: { callbackUrl: string; initialError?: string | null }) {
  const t = useTranslations("signIn");
  const [error, setError] = useState<string | null>(() => signInErrorMessage(initialError, t));
  const [pending, setPending] = useState(false);
  // The right password of an account whose address is not confirmed yet (sign-up, issue 17): a notice with "Send the link again".
  const [unverified, setUnverified] = useState(0);
  const alertRef = useRef<HTMLParagraphElement>(null);
  // A new error takes the focus, so keyboard and screen-reader users land on it (it is also role="alert").
  useEffect(() => {
    if (error) alertRef.current?.focus();
  }, [error]);
  return (
    <form
      className="mt-6 space-y-4"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        setPending(true);
        setError(null);
        setUnverified(0);
        const res = await signIn("credentials", { email: form.get("email"), password: form.get("password"), redirect: false });
        if (res?.ok) {
          window.location.assign(callbackUrl);
        } else if (res?.error === EMAIL_NOT_VERIFIED) {
          setPending(false);
          setUnverified((n) => n + 1);
        } else {
          setPending(false);
          setError(signInErrorMessage(res?.error ?? "CredentialsSignin", t));
        }
      }}
    >
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-700">{t("email")}</label>
        <input id="email" name="email" type="email" autoComplete="email" required className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2" />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-700">{t("password")}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2" />
      </div>
      {error ? (
        <p ref={alertRef} role="alert" tabIndex={-1} className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-rose-400">
          {error}
        </p>
      ) : null}
      {unverified ? <UnverifiedNotice key={unverified} /> : null}
      <button type="submit" disabled={pending} className="w-full rounded-md bg-brand-700 px-4 py-2 font-medium text-white hover:bg-brand-800 disabled:opacity-60">
        {pending ? t("submitting") : t("submit")}
      </button>
    </form>
  );
}

/** One click signs in as a demo account (the demo seed's shared password). */
export function DemoSignInButton(props: { email: string; password: string; label: string; callbackUrl: string }) {
  const { email, password, label, callbackUrl } = props;
  const router = useRouter();
  const t = useTranslations("signIn.demo");
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      aria-label={t("signInAs", { name: label })}
      onClick={async () => {
        setPending(true);
        const res = await signIn("credentials", { email, password, redirect: false });
        if (res?.ok) window.location.assign(callbackUrl);
        else {
          // A refusal (e.g. a lock) shows its message in the form (app/signin/page.tsx reads `?error=`).
          setPending(false);
          router.replace(`/signin?${new URLSearchParams({ error: res?.error ?? "CredentialsSignin", callbackUrl })}`);
        }
      }}
      className="rounded-md border border-brand-600/40 bg-white px-2.5 py-1 text-xs font-medium text-brand-800 hover:bg-brand-50 disabled:opacity-60"
    >
      {pending ? "…" : t("use")}
    </button>
  );
}

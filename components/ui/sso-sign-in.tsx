"use client";
import { signIn } from "next-auth/react";
import { useEffect, useRef, useState } from "react";
import { useTranslations } from "use-intl";
import type { OidcErrorKey } from "@/server/auth-oidc";

/**
 * "Sign in with <provider>" on /signin (issue 17 "Accounts the platform already has"): next-auth's
 * `signIn("oidc")` POSTs to /api/auth/signin/oidc with its CSRF token and sends the browser to the platform's
 * provider (server/auth-oidc.ts). Above it, the sentence for a refused or failed sign-in (`error`: a catalog
 * key from `oidcErrorKey`, never the raw `?error=`), which takes the focus like the form's errors. Below it,
 * when the email and password form follows, a divider.
 */
export function SsoSignIn(props: { name: string | null; callbackUrl: string; error: OidcErrorKey | null; divider: boolean }) {
  const t = useTranslations("sso");
  const name = props.name ?? t("defaultName");
  const [pending, setPending] = useState(false);
  const alertRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (props.error) alertRef.current?.focus();
  }, [props.error]);
  return (
    <div className="mt-6 space-y-4">
      {props.error ? (
        <p ref={alertRef} role="alert" tabIndex={-1} className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-rose-400">
          {t(`error.${props.error}`, { name })}
        </p>
      ) : null}
      <button
        type="button"
        disabled={pending}
        onClick={() => {
          setPending(true);
          void signIn("oidc", { callbackUrl: props.callbackUrl });
        }}
        className="flex w-full items-center justify-center gap-2 rounded-md border border-slate-300 bg-white px-4 py-2 font-medium text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700 disabled:opacity-60"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="h-5 w-5 text-brand-700" fill="none" stroke="currentColor" strokeWidth="1.6">
          <path d="M10 2.5 3.5 5v4.6c0 3.9 2.7 6.9 6.5 7.9 3.8-1 6.5-4 6.5-7.9V5L10 2.5Z" strokeLinejoin="round" />
          <path d="m7.2 10 2 2 3.8-4" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        {pending ? t("redirecting", { name }) : t("signInWith", { name })}
      </button>
      {props.divider ? (
        <div className="flex items-center gap-3 text-xs text-slate-600">
          <span aria-hidden="true" className="h-px flex-1 bg-slate-200" />
          {t("or")}
          <span aria-hidden="true" className="h-px flex-1 bg-slate-200" />
        </div>
      ) : null}
    </div>
  );
}

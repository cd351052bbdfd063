"use client";
/**
 * The public newsletter forms (issue 6): signup (POST /api/newsletter) and the confirmation button
 * (POST /api/newsletter/confirm). Neither needs an account.
 */
import { useState } from "react";
import { useTranslations } from "use-intl";

interface ApiError {
  error?: { message?: string; details?: Record<string, string[] | undefined> };
}

const field = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600/30";

/** Email (required) and first name (optional), with a honeypot field hidden from people and screen readers. */
export function NewsletterSignupForm() {
  const t = useTranslations("newsletter");
  const [state, setState] = useState<{ kind: "idle" | "pending" | "done" } | { kind: "error"; message: string; email?: string }>({ kind: "idle" });
  if (state.kind === "done") {
    return (
      <div role="status" className="mt-6 rounded-xl border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900">
        <p className="font-medium">{t("checkInbox")}</p>
        <p className="mt-1">{t("sentLink")}</p>
      </div>
    );
  }
  const emailError = state.kind === "error" ? state.email : undefined;
  return (
    <form
      className="mt-6 space-y-4"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        setState({ kind: "pending" });
        const res = await fetch("/api/newsletter", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: String(form.get("email") ?? ""), name: String(form.get("name") ?? "") || undefined, website: String(form.get("website") ?? "") || undefined }),
        }).catch(() => null);
        if (res?.ok) return setState({ kind: "done" });
        const body = ((await res?.json().catch(() => null)) ?? {}) as ApiError;
        setState({ kind: "error", message: body.error?.message ?? t("failed"), email: body.error?.details?.email?.[0] });
      }}
    >
      <div>
        <label htmlFor="nl-email" className="block text-sm font-medium text-slate-700">{t("email")}</label>
        <input
          id="nl-email"
          name="email"
          type="email"
          autoComplete="email"
          required
          aria-invalid={emailError ? true : undefined}
          aria-describedby={emailError ? "nl-email-error" : undefined}
          className={field}
        />
        {emailError ? <p id="nl-email-error" className="mt-1 text-sm text-rose-700">{emailError}</p> : null}
      </div>
      <div>
        <label htmlFor="nl-name" className="block text-sm font-medium text-slate-700">
          {t.rich("firstName", { optional: (chunks) => <span className="font-normal text-slate-500">{chunks}</span> })}
        </label>
        <input id="nl-name" name="name" type="text" autoComplete="given-name" maxLength={100} className={field} />
      </div>
      <div aria-hidden="true" className="absolute -left-[9999px] h-px w-px overflow-hidden">
        <label htmlFor="nl-website">{t("honeypot")}</label>
        <input id="nl-website" name="website" type="text" tabIndex={-1} autoComplete="off" />
      </div>
      {state.kind === "error" && !emailError ? <p role="alert" className="text-sm text-rose-700">{state.message}</p> : null}
      <button type="submit" disabled={state.kind === "pending"} className="w-full rounded-md bg-brand-700 px-4 py-2 font-medium text-white hover:bg-brand-800 disabled:opacity-60">
        {state.kind === "pending" ? t("signingUp") : t("subscribe")}
      </button>
    </form>
  );
}

/** The confirmation page's one button. */
export function ConfirmSubscriptionButton({ token }: { token: string }) {
  const t = useTranslations("newsletter");
  const [state, setState] = useState<{ kind: "idle" | "pending" | "done" } | { kind: "error"; message: string }>({ kind: "idle" });
  if (state.kind === "done") {
    return (
      <p role="status" className="mt-6 rounded-xl border border-emerald-200 bg-emerald-50 p-4 text-sm font-medium text-emerald-900">
        {t("subscribed")}
      </p>
    );
  }
  return (
    <div className="mt-6 space-y-3">
      <button
        type="button"
        disabled={state.kind === "pending"}
        onClick={async () => {
          setState({ kind: "pending" });
          const res = await fetch("/api/newsletter/confirm", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) }).catch(() => null);
          if (res?.ok) return setState({ kind: "done" });
          const body = ((await res?.json().catch(() => null)) ?? {}) as ApiError;
          setState({ kind: "error", message: body.error?.message ?? t("failed") });
        }}
        className="w-full rounded-md bg-brand-700 px-4 py-2.5 font-medium text-white hover:bg-brand-800 disabled:opacity-60"
      >
        {state.kind === "pending" ? t("confirming") : t("confirm")}
      </button>
      {state.kind === "error" ? <p role="alert" className="text-sm text-rose-700">{state.message}</p> : null}
    </div>
  );
}

"use client";
/**
 * On /signin, after the right password of an account whose address is not confirmed yet (issue 17): says so
 * and offers "Send the link again", which posts the form's email and password to
 * POST /api/accounts/verify-email/resend (checked under the sign-in limit). Rendered inside the sign-in form,
 * so it reads the fields from it at the click rather than keeping the password anywhere else.
 */
import { useEffect, useRef, useState } from "react";
import { useTranslations } from "use-intl";
import { postJson, retryAfterOf } from "./form-parts";

export function UnverifiedNotice() {
  const t = useTranslations("signInAccounts");
  const tSignIn = useTranslations("signIn");
  const ref = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"idle" | "pending" | "sent" | "verified" | { error: string }>("idle");
  useEffect(() => ref.current?.focus(), []);
  return (
    <div ref={ref} role="alert" tabIndex={-1} className="space-y-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-amber-400">
      <p>{t("unverified")}</p>
      {state === "sent" || state === "verified" ? (
        <p role="status" className="font-medium">
          {state === "sent" ? t("resent") : t("alreadyVerified")}
        </p>
      ) : (
        <>
          <button
            type="button"
            disabled={state === "pending"}
            onClick={async (ev) => {
              const form = ev.currentTarget.form;
              const email = String((form?.elements.namedItem("email") as HTMLInputElement | null)?.value ?? "");
              const password = String((form?.elements.namedItem("password") as HTMLInputElement | null)?.value ?? "");
              setState("pending");
              const answer = await postJson("/api/accounts/verify-email/resend", { email, password });
              if (answer.ok) return setState(answer.body.status === "already_verified" ? "verified" : "sent");
              if (answer.status === 429) return setState({ error: tSignIn("locked", { count: retryAfterOf(answer) }) });
              if (answer.status === 400) return setState({ error: tSignIn("wrongPassword") });
              setState({ error: t("resendFailed") });
            }}
            className="rounded-md border border-amber-300 bg-white px-3 py-1.5 font-medium text-amber-900 hover:bg-amber-100 disabled:opacity-60"
          >
            {state === "pending" ? t("resending") : t("resend")}
          </button>
          {typeof state === "object" ? <p className="text-rose-800">{state.error}</p> : null}
        </>
      )}
    </div>
  );
}

"use client";
/**
 * /settings/account#devices: "Sign out of all devices". Ends every session of the account on the server
 * (every browser and any copied cookie stops working at once), this one included, then signs this browser
 * out (next-auth) to /signin. Asks for confirmation inline first; errors are announced (role="alert").
 */
import { useEffect, useId, useRef, useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";

const button = "rounded-lg px-4 py-2 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-60";

export function SessionsSection() {
  const trpc = useTRPC();
  const t = useTranslations("sessions");
  const tr = useTranslations();
  const id = useId();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  const everywhere = useMutation(
    trpc.account.signOutEverywhere.mutationOptions({
      onSuccess: () => void signOut({ callbackUrl: "/signin" }),
      onError: (err) => setError(err.message),
    }),
  );
  const signingOut = everywhere.isPending || everywhere.isSuccess;

  return (
    <section id="devices" aria-labelledby={`${id}-h`} className="space-y-3 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id={`${id}-h`} className="font-semibold">
        {t("heading")}
      </h2>
      <p className="text-sm text-slate-600">{t("intro")}</p>
      {error && (
        <p role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {error}
        </p>
      )}
      {confirming ? (
        <div role="group" aria-labelledby={`${id}-q`} className="space-y-3 rounded-xl border border-amber-200 bg-amber-50 p-4">
          <p id={`${id}-q`} className="text-sm text-amber-900">
            {t("question")}
          </p>
          <div className="flex flex-wrap gap-2">
            <button
              ref={confirmButton}
              type="button"
              disabled={signingOut}
              onClick={() => {
                setError(null);
                everywhere.mutate();
              }}
              className={`${button} bg-brand-700 text-white hover:bg-brand-800`}
            >
              {signingOut ? t("signingOut") : t("confirm")}
            </button>
            <button type="button" disabled={signingOut} onClick={() => setConfirming(false)} className={`${button} border border-slate-300 bg-white text-slate-900 hover:bg-slate-50`}>
              {tr("common.cancel")}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} className={`${button} border border-slate-300 bg-white text-slate-900 hover:bg-slate-50`}>
          {t("signOutAll")}
        </button>
      )}
    </section>
  );
}

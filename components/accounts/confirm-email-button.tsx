"use client";
/**
 * The confirmation link's one button (issue 17): POST /api/accounts/verify-email with the link's token. Only
 * the click confirms, so a mail scanner fetching the link changes nothing.
 */
import Link from "next/link";
import { useState } from "react";
import { useTranslations } from "use-intl";
import { DonePanel, FormAlert, postJson, retryAfterOf } from "./form-parts";

export function ConfirmEmailButton({ token }: { token: string }) {
  const t = useTranslations("verifyEmail");
  const [state, setState] = useState<{ kind: "idle" | "pending" | "done" } | { kind: "error"; message: string; help?: string }>({ kind: "idle" });
  if (state.kind === "done") {
    return (
      <DonePanel title={t("verified")}>
        <Link href="/signin" className="font-medium text-emerald-900 underline">
          {t("signIn")}
        </Link>
      </DonePanel>
    );
  }
  return (
    <div className="mt-6 space-y-3">
      <button
        type="button"
        disabled={state.kind === "pending"}
        onClick={async () => {
          setState({ kind: "pending" });
          const answer = await postJson("/api/accounts/verify-email", { token });
          if (answer.ok) return setState({ kind: "done" });
          if (answer.status === 429) return setState({ kind: "error", message: t("rateLimited", { count: retryAfterOf(answer) }) });
          const outcome = answer.body.error?.details?.outcome;
          if (outcome === "used" || outcome === "expired" || outcome === "invalid") return setState({ kind: "error", message: t(outcome), help: t(`${outcome}Help`) });
          setState({ kind: "error", message: t("failed") });
        }}
        className="w-full rounded-md bg-brand-700 px-4 py-2.5 font-medium text-white hover:bg-brand-800 disabled:opacity-60"
      >
        {state.kind === "pending" ? t("confirming") : t("confirm")}
      </button>
      <FormAlert message={state.kind === "error" ? [state.message, state.help].filter(Boolean).join(" ") : null} />
    </div>
  );
}

"use client";
/** One API token or key in a list: name, prefix, details, and Revoke with an inline confirmation. */
import { useState, type ReactNode } from "react";
import { useTranslations } from "use-intl";

export function RevocableCredential(props: {
  name: string;
  prefix: string;
  /** Badges next to the name (e.g. "Expired"). */
  badges?: ReactNode;
  /** Scopes, dates… */
  children: ReactNode;
  /** What revoking does, for the confirmation, in the reader's language, e.g. "Apps using it stop working." */
  consequence: string;
  pending: boolean;
  error: string | null;
  onRevoke: () => void;
}) {
  const t = useTranslations("credential");
  const tr = useTranslations();
  const [confirming, setConfirming] = useState(false);
  return (
    <li className="flex flex-col gap-3 py-4 sm:flex-row sm:items-start sm:justify-between">
      <div className="min-w-0 space-y-1">
        <p className="flex flex-wrap items-center gap-2">
          <span className="break-words font-medium">{props.name}</span>
          <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700" aria-label={t("startsWith", { prefix: props.prefix })}>{props.prefix}…</code>
          {props.badges}
        </p>
        {props.children}
        {props.error && <p role="alert" className="text-sm text-rose-700">{t("notRevoked", { message: props.error })}</p>}
      </div>
      {confirming ? (
        <div role="group" aria-label={t("confirmLabel", { name: props.name })} className="flex shrink-0 flex-wrap items-center gap-2">
          <span className="text-sm">{t("confirm", { name: props.name, consequence: props.consequence })}</span>
          <button type="button" disabled={props.pending} onClick={props.onRevoke} className="rounded-lg bg-rose-700 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60">
            {props.pending ? t("revoking") : t("yesRevoke")}
          </button>
          <button type="button" onClick={() => setConfirming(false)} className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm">{tr("common.cancel")}</button>
        </div>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} aria-label={t("revokeLabel", { name: props.name })} className="shrink-0 self-start rounded-lg border border-rose-300 px-3 py-1.5 text-sm font-medium text-rose-700 hover:bg-rose-50">
          {t("revoke")}
        </button>
      )}
    </li>
  );
}

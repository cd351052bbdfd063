"use client";
/**
 * A newly created secret (an API token or key, a webhook's signing secret) shown once, with a copy button
 * and a clear warning.
 */
import { useId, useRef, useState } from "react";
import { useTranslations } from "use-intl";

export function SecretShownOnce(props: {
  /** Which kind of secret: picks the heading, the copy button and messages (`credential.*` in the catalogs). */
  noun: "Token" | "Key" | "Secret";
  /** Why it is not shown again, in the reader's language (default: only a fingerprint is stored). */
  note?: string;
  name: string;
  secret: string;
  /** Accessible label of the field holding the secret, in the reader's language. */
  label: string;
  onDone: () => void;
}) {
  const t = useTranslations("credential");
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  const noun = props.noun;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopied("copied");
    } catch {
      input.current?.select();
      setCopied("failed");
    }
  };
  return (
    <section aria-labelledby={`${id}-h`} className="space-y-3 rounded-2xl border border-emerald-300 bg-emerald-50 p-5 shadow-sm">
      <h2 id={`${id}-h`} className="font-semibold text-emerald-900">{t(`created.${noun}`, { name: props.name })}</h2>
      <p className="text-sm font-medium text-emerald-900">
        {t("copyNow")} {props.note ?? t("defaultNote")}
      </p>
      <div className="flex flex-col gap-2 sm:flex-row">
        <label htmlFor={`${id}-secret`} className="sr-only">{props.label}</label>
        <input
          id={`${id}-secret`}
          ref={input}
          readOnly
          value={props.secret}
          onFocus={(e) => e.target.select()}
          className="min-w-0 flex-1 rounded-lg border border-emerald-300 bg-white px-3 py-2 font-mono text-xs sm:text-sm"
        />
        <button type="button" onClick={() => void copy()} className="rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white">
          {t(`copy.${noun}`)}
        </button>
      </div>
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-emerald-900">
        {copied === "copied" ? t("copied") : copied === "failed" ? t(`copyFailed.${noun}`) : ""}
      </p>
      <button type="button" onClick={props.onDone} className="rounded-lg border border-emerald-400 bg-white px-4 py-2 text-sm font-medium text-emerald-900">
        {t("saved")}
      </button>
    </section>
  );
}

"use client";
/**
 * A newly created secret (an API token or key, a webhook's signing secret) shown once, with a copy button
 * and a clear warning.
 */
import { useId, useRef, useState } from "react";

export function SecretShownOnce(props: {
  /** Used in the heading, the copy button and messages. */
  noun: "Token" | "Key" | "Secret";
  /** Why it is not shown again (default: only a fingerprint is stored). */
  note?: string;
  name: string;
  secret: string;
  /** Accessible label of the field holding the secret. */
  label: string;
  onDone: () => void;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  const noun = props.noun.toLowerCase();
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
      <h2 id={`${id}-h`} className="font-semibold text-emerald-900">{props.noun} “{props.name}” created</h2>
      <p className="text-sm font-medium text-emerald-900">Copy it now: you won&apos;t see it again. {props.note ?? "Herald stores only a fingerprint of it."}</p>
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
          Copy {noun}
        </button>
      </div>
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-emerald-900">
        {copied === "copied" ? "Copied to the clipboard ✓" : copied === "failed" ? `Could not copy: the ${noun} is selected, press Ctrl+C (⌘C).` : ""}
      </p>
      <button type="button" onClick={props.onDone} className="rounded-lg border border-emerald-400 bg-white px-4 py-2 text-sm font-medium text-emerald-900">
        I&apos;ve saved it
      </button>
    </section>
  );
}

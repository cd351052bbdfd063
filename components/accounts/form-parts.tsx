"use client";
/**
 * Pieces the account forms share (issue 17: /signup, /forgot-password, /reset-password, the link's page):
 * a labelled field with its hint and error tied to it (`aria-describedby`, `aria-invalid`), the outcome
 * panel, focus on the first field in error, and the JSON call to `/api/accounts/…`.
 */
import { useEffect, useRef, type ReactNode, type RefObject } from "react";

/** The answer of an account endpoint: the status and the parsed body. */
export interface ApiAnswer {
  ok: boolean;
  status: number;
  body: { status?: string; outcome?: string; email?: string; error?: { code?: string; message?: string; details?: Record<string, unknown> } };
}

/** POSTs `body` as JSON; a network failure reads as status 0. */
export async function postJson(url: string, body: unknown): Promise<ApiAnswer> {
  try {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { ok: res.ok, status: res.status, body: ((await res.json().catch(() => ({}))) ?? {}) as ApiAnswer["body"] };
  } catch {
    return { ok: false, status: 0, body: {} };
  }
}

/** Seconds to wait from a 429 (`details.retry_after`), at least 1. */
export function retryAfterOf(answer: ApiAnswer): number {
  const s = Number(answer.body.error?.details?.retry_after);
  return Number.isFinite(s) && s >= 1 ? Math.ceil(s) : 60;
}

/** The fields the server named in a VALIDATION_ERROR's `details`. */
export function fieldsInError(answer: ApiAnswer): Set<string> {
  return new Set(Object.keys(answer.body.error?.details ?? {}));
}

export const inputClass =
  "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600/30 aria-[invalid=true]:border-rose-500";

/**
 * Moves focus to the first field (in `order`) that has an error, once per failed submit (`attempt` goes up
 * with each one), so the same errors twice still take the focus.
 */
export function useFocusFirstError<F extends string>(attempt: number, errors: Partial<Record<F, string>>, order: readonly F[], refs: Record<F, RefObject<HTMLElement | null>>) {
  useEffect(() => {
    if (attempt === 0) return;
    const first = order.find((f) => errors[f]);
    if (first) refs[first].current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per failed submit
  }, [attempt]);
}

/** A label, the control, an optional hint and the error, tied together for assistive technology. */
export function Field(props: { id: string; label: ReactNode; hint?: string; error?: string; children: (aria: { "aria-invalid"?: true; "aria-describedby"?: string }) => ReactNode }) {
  const { id, label, hint, error } = props;
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {props.children({ ...(error ? { "aria-invalid": true as const } : {}), ...(describedBy ? { "aria-describedby": describedBy } : {}) })}
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A message about the whole form (role="alert"), focused when it appears. */
export function FormAlert({ message }: { message: string | null }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (message) ref.current?.focus();
  }, [message]);
  if (!message) return null;
  return (
    <p ref={ref} role="alert" tabIndex={-1} className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-rose-400">
      {message}
    </p>
  );
}

/** The success panel (role="status"), focused when shown so screen readers read it at once. */
export function DonePanel({ title, children }: { title: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div ref={ref} role="status" tabIndex={-1} className="mt-6 rounded-xl border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-400">
      <p className="font-medium">{title}</p>
      <div className="mt-1 space-y-2">{children}</div>
    </div>
  );
}

/** The primary button of the account forms. */
export function SubmitButton({ pending, label, pendingLabel }: { pending: boolean; label: string; pendingLabel: string }) {
  return (
    <button type="submit" disabled={pending} className="w-full rounded-md bg-brand-700 px-4 py-2 font-medium text-white hover:bg-brand-800 disabled:opacity-60">
      {pending ? pendingLabel : label}
    </button>
  );
}

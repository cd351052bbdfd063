"use client";
/**
 * The building blocks the campaign editor's sections share: a titled card ({@link Section}), a labelled
 * field with its hint and error ({@link Field}), the ARIA wiring of a control ({@link describe}), and the
 * classes of inputs and buttons.
 */
import { useId, type ReactNode } from "react";

/** One card of the editor: a `<section>` named by its `<h2>`. */
export function Section(props: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="space-y-4 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={id} className="font-semibold">{props.title}</h2>
      </div>
      {props.children}
    </section>
  );
}

/** A control with its label; the hint is `${id}-hint` and the error `${id}-error` (see {@link describe}). */
export function Field(props: { id: string; label: string; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={props.id} className="block text-sm font-medium text-slate-700">{props.label}</label>
      {props.children}
      {props.hint ? <p id={`${props.id}-hint`} className="mt-1 text-xs text-slate-600">{props.hint}</p> : null}
      {props.error ? <p id={`${props.id}-error`} className="mt-1 text-sm text-rose-700">{props.error}</p> : null}
    </div>
  );
}

/** aria-invalid and aria-describedby (hint, and the error when there is one) for a field's control. */
export const describe = (fid: string, error?: string) => ({
  "aria-invalid": error ? true : undefined,
  "aria-describedby": error ? `${fid}-hint ${fid}-error` : `${fid}-hint`,
});

/** The first server-side validation message for a field of the campaign (`name`, `inAppTitle`…), if any. */
export type FieldError = (field: string) => string | undefined;

export const inputCls = (err?: string) =>
  `mt-1 block w-full rounded-lg border px-3 py-2 text-sm ${err ? "border-rose-500 bg-rose-50/40" : "border-slate-300 bg-white"}`;
export const primary = "rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60";
export const secondary = "rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60";
export const danger = "rounded-lg border border-rose-300 bg-white px-4 py-2 text-sm font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-60";

/** The last failure, in words (a save's, a test send's, a schedule's or a send's). */
export function ErrorAlert(props: { message: string }) {
  return <p role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm font-medium text-rose-800">{props.message}</p>;
}

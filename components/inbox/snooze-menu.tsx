"use client";
/**
 * The snooze menu under an inbox row: the quick choices (later today, tomorrow morning, next week) with
 * their times in the user's time zone, and "Pick a time" (a date and time in that zone). The server
 * computes the choices and reads a picked time in the user's zone (server/services/notifications/snooze.ts).
 * Opens with focus on the first choice; Escape or Cancel closes it and gives focus back to its button.
 */
import { useEffect, useId, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";

/** What the user chose: a quick choice's instant, or a wall-clock time in their zone. */
export type SnoozeChoice = { until: string } | { localTime: string };

/**
 * "Mon 7 Dec, 08:00" (in the reader's `locale`, BCP 47) in `timeZone` (default: the browser's); "17:00"
 * with `timeOnly`, for a time later today.
 */
export function formatSnoozeTime(iso: string, locale: string, timeZone?: string, timeOnly = false): string {
  const opts: Intl.DateTimeFormatOptions = timeOnly
    ? { hour: "2-digit", minute: "2-digit", timeZone }
    : { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone };
  return new Intl.DateTimeFormat(locale, opts).format(new Date(iso));
}

export function SnoozeMenu(props: {
  title: string;
  onChoose: (choice: SnoozeChoice) => void;
  onClose: () => void;
  pending: boolean;
  error: string | null;
}) {
  const trpc = useTRPC();
  const choices = useQuery(trpc.notifications.snoozeChoices.queryOptions());
  const t = useTranslations();
  const locale = useLocale();
  const [custom, setCustom] = useState("");
  const [missing, setMissing] = useState(false);
  const first = useRef<HTMLButtonElement>(null);
  const labelId = useId();
  const pickId = useId();
  const errorId = useId();
  const { onClose } = props;
  useEffect(() => {
    if (choices.data) first.current?.focus();
  }, [choices.data]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);
  const choose = (c: SnoozeChoice) => !props.pending && props.onChoose(c);
  const error = missing ? t("snooze.missing") : props.error;

  return (
    <div role="group" aria-labelledby={labelId} className="mt-2 rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
      <p id={labelId} className="text-xs font-semibold text-slate-700">
        {t.rich("snooze.until", { title: props.title, hidden: (chunks) => <span className="sr-only">{chunks}</span> })}
      </p>
      {choices.isPending ? (
        <p className="mt-2 text-xs text-slate-500">{t("common.loading")}</p>
      ) : choices.isError ? (
        <p role="alert" className="mt-2 text-xs text-rose-700">{t("snooze.loadError")}</p>
      ) : (
        <>
          <ul className="mt-2 grid gap-1 sm:grid-cols-3">
            {choices.data.options.map((o, i) => (
              <li key={o.preset}>
                <button
                  ref={i === 0 ? first : undefined}
                  type="button"
                  onClick={() => choose({ until: o.until })}
                  aria-disabled={props.pending || undefined}
                  className="w-full rounded-md border border-slate-200 px-2.5 py-1.5 text-left text-sm hover:bg-slate-50 aria-disabled:opacity-50"
                >
                  <span className="block font-medium text-slate-800">{t(`snooze.${o.preset}`)}</span>
                  <span className="block text-xs text-slate-600">{formatSnoozeTime(o.until, locale, choices.data.timeZone, o.preset === "later_today")}</span>
                </button>
              </li>
            ))}
          </ul>
          <form
            noValidate
            className="mt-2 flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              setMissing(!custom);
              if (custom) choose({ localTime: custom });
            }}
          >
            <label htmlFor={pickId} className="text-xs text-slate-700">
              {t("snooze.pick")} <span className="text-slate-500">({choices.data.timeZone.replace(/_/g, " ")})</span>
              <input
                id={pickId}
                type="datetime-local"
                required
                value={custom}
                onChange={(e) => setCustom(e.target.value)}
                aria-describedby={error ? errorId : undefined}
                aria-invalid={error ? true : undefined}
                className="mt-1 block rounded-md border border-slate-300 px-2 py-1 text-sm"
              />
            </label>
            <button type="submit" aria-disabled={props.pending || undefined} className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800 aria-disabled:opacity-50">
              {t("snooze.submit")}
            </button>
            <button type="button" onClick={onClose} className="rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
              {t("common.cancel")}
            </button>
          </form>
        </>
      )}
      {error ? (
        <p id={errorId} role="alert" className="mt-2 text-xs text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

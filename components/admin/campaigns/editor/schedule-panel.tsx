"use client";
/**
 * The campaign editor's schedule panel ("Schedule…"): a wall-clock date and time in an IANA time zone (the
 * server converts it and enforces the 30-day limit), the last failure beside the date it is about, the
 * complaint-rate override when that blocks scheduling, and the Schedule / Reschedule button. Enter in the
 * panel schedules.
 */
import { useTranslations } from "use-intl";
import type { ComplaintBlock } from "../campaign-types";
import { ComplaintOverride } from "./complaint-override";
import { ErrorAlert, danger, inputCls, primary, secondary, type FieldError } from "./form-parts";

/** `YYYY-MM-DDTHH:mm` in the browser's local time, for `<input type="datetime-local">`. */
export function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export interface SchedulePanelProps {
  /** The editor's id prefix: the controls are `${id}-when` and `${id}-zone`, the heading `${id}-sched-h`. */
  id: string;
  /** The campaign is already scheduled (the panel reschedules). */
  rescheduling: boolean;
  /** `YYYY-MM-DDTHH:mm`, a wall-clock time in `zone`. */
  when: string;
  onWhen: (when: string) => void;
  /** IANA zone name. */
  zone: string;
  onZone: (zone: string) => void;
  /** The zones the select offers (including `zone`). */
  zones: readonly string[];
  fieldError: FieldError;
  /** The last failure's message, or null. */
  errorMessage: string | null;
  /** The complaint-rate refusal of the last attempt, or null; `override`: whether the admin ticked the override. */
  complaint: ComplaintBlock | null;
  override: boolean;
  onOverride: (override: boolean) => void;
  /** Some action is under way (every button waits). */
  busy: boolean;
  /** Scheduling is under way. */
  pending: boolean;
  onSchedule: (e: React.SyntheticEvent) => void;
  onClose: () => void;
}

/** The schedule panel (a labelled group inside the editor's form). */
export function SchedulePanel(props: SchedulePanelProps) {
  const t = useTranslations("campaignEditor");
  const { id, rescheduling, when, zone, fieldError, complaint, busy } = props;
  const blocked = complaint !== null && !props.override;
  return (
    <div
      role="group"
      aria-labelledby={`${id}-sched-h`}
      // Enter in the panel schedules (the panel sits inside the editor's form, whose Enter saves).
      onKeyDown={(e) => {
        if (e.key === "Enter" && e.target instanceof HTMLInputElement && e.target.type !== "checkbox") {
          e.preventDefault();
          if (when && !busy && !blocked) props.onSchedule(e);
        }
      }}
      className="space-y-3 rounded-lg border border-sky-200 bg-sky-50/60 p-4"
    >
      <h2 id={`${id}-sched-h`} className="font-semibold">{rescheduling ? t("reschedule") : t("schedule")}</h2>
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor={`${id}-when`} className="block text-sm font-medium text-slate-700">{t("dateTime")}</label>
          <input id={`${id}-when`} type="datetime-local" value={when} onChange={(e) => props.onWhen(e.target.value)} required autoFocus className={inputCls(fieldError("scheduledAt"))} aria-invalid={fieldError("scheduledAt") ? true : undefined} aria-describedby={`${id}-when-hint`} />
        </div>
        <div>
          <label htmlFor={`${id}-zone`} className="block text-sm font-medium text-slate-700">{t("timeZone")}</label>
          <select id={`${id}-zone`} value={zone} onChange={(e) => props.onZone(e.target.value)} className={inputCls(fieldError("timezone"))}>
            {props.zones.map((z) => (
              <option key={z} value={z}>{z.replaceAll("_", " ")}</option>
            ))}
          </select>
        </div>
      </div>
      <p id={`${id}-when-hint`} className="text-xs text-slate-600">
        {t("whenHint")}
      </p>
      {props.errorMessage ? <ErrorAlert message={props.errorMessage} /> : null}
      {complaint ? <ComplaintOverride block={complaint} verb="Schedule" checked={props.override} onChange={props.onOverride} /> : null}
      <div className="flex flex-wrap gap-2">
        <button type="button" disabled={busy || !when || blocked} onClick={props.onSchedule} className={complaint ? danger : primary}>
          {props.pending
            ? t("scheduling")
            : complaint
              ? rescheduling
                ? t("rescheduleAnyway")
                : t("scheduleAnyway")
              : rescheduling
                ? t("reschedule")
                : t("schedule")}
        </button>
        <button type="button" onClick={props.onClose} className={secondary}>{t("cancel")}</button>
      </div>
    </div>
  );
}

"use client";
/**
 * The form that creates or edits a saved segment: a name and the filters (roles, follows a business — the
 * same business search as the campaign audience — categories by email, joined after / before as UTC
 * dates, time zones from the IANA list), with how many accounts they match counted live by the server
 * (debounced) and announced politely. Errors sit next to their fields: the form's own checks (the same
 * rules as the server's) and the server's answer (a taken name, an unknown business…).
 */
import { useId, useState, type ReactNode } from "react";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";
import { BusinessPicker, categoryDescription } from "@/components/admin/campaigns/audience-field";
import { ROLES, type CategoryOption } from "@/components/admin/campaigns/campaign-types";
import { useDebounced } from "@/components/admin/campaigns/previews";
import { useCampaignWording, type CampaignWording } from "@/components/admin/campaigns/wording";
import { filterProblems, matchTimeZone, toFilters, type SegmentDraft, type SegmentRow } from "./segment-filters";

type FieldName = "name" | "roles" | "business" | "categories" | "joinedAfter" | "joinedBefore" | "timezones" | "filters";
type Errors = Partial<Record<FieldName, string>>;

/**
 * The server's field errors on a segment, placed by field path (server/services/campaigns/segments.ts):
 * `filters.followsBusinessId` by the business, `filters.joinedAfter`/`filters.joinedBefore` by the dates, any
 * other filter's by the filters.
 */
function serverErrors(err: unknown, errorOf: CampaignWording["errorOf"]): { message: string; fields: Errors } | null {
  const e = errorOf(err);
  if (!e) return null;
  const fields: Errors = {};
  for (const [path, messages] of Object.entries(e.fields)) {
    const m = messages?.[0];
    if (!m) continue;
    const key: FieldName =
      path === "name" ? "name" : path === "filters.followsBusinessId" ? "business" : /^filters\.joined(After|Before)$/.test(path) ? "joinedBefore" : "filters";
    fields[key] ??= m;
  }
  return { message: e.message, fields };
}

export interface SegmentFormProps {
  /** The segment being edited, or null for a new one. */
  segment: SegmentRow | null;
  /** The form's starting state. */
  initial: SegmentDraft;
  categories: CategoryOption[];
  /** The IANA time zones the server knows (the time zone filter may only name these). */
  timeZones: string[];
  /** After saving: the saved segment and the business its follows filter names (for the list's description). */
  onSaved: (saved: { id: string; name: string }, business: { id: string; name: string } | null) => void;
  onCancel: () => void;
}

/** Create or edit one segment. */
export function SegmentForm(props: SegmentFormProps) {
  const id = useId();
  const trpc = useTRPC();
  const t = useTranslations("segmentForm");
  const tr = useTranslations();
  const tCategories = useTranslations("categories");
  const w = useCampaignWording();
  const [d, setD] = useState<SegmentDraft>(props.initial);
  const [shown, setShown] = useState<Errors>({});
  const [summary, setSummary] = useState<string | null>(null);
  const create = useMutation(trpc.segments.create.mutationOptions());
  const update = useMutation(trpc.segments.update.mutationOptions());
  const pending = create.isPending || update.isPending;

  const problems = Object.fromEntries(Object.entries(filterProblems(d)).map(([field, key]) => [field, t(`problem.${key}`)])) as Partial<
    Record<"filters" | "business" | "joinedBefore", string>
  >;
  const filters = toFilters(d);
  const countable = Object.keys(problems).length === 0;
  const debounced = useDebounced(countable ? filters : null, 300);
  const size = useQuery({
    ...trpc.segments.size.queryOptions({ filters: debounced ?? {} }),
    enabled: debounced !== null,
    placeholderData: keepPreviousData,
  });

  /** Changes the state, clearing the errors of the fields touched (and the summary once nothing is left). */
  const change = (fields: FieldName[], next: Partial<SegmentDraft>) => {
    setD((cur) => ({ ...cur, ...next }));
    const rest = { ...shown };
    for (const f of [...fields, "filters" as const]) delete rest[f];
    setShown(rest);
    if (Object.keys(rest).length === 0) setSummary(null);
  };
  // Live checks show as soon as the admin has produced them; a missing filter only once they try to save.
  const live: Errors = { business: undefined, joinedBefore: problems.joinedBefore };
  const err = (f: FieldName) => shown[f] ?? live[f];

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    const local: Errors = { ...problems };
    if (!d.name.trim()) local.name = t("nameRequired");
    if (Object.keys(local).length > 0) {
      setShown(local);
      setSummary(t("checkFields"));
      return;
    }
    try {
      const input = { name: d.name, filters };
      const saved = props.segment ? await update.mutateAsync({ id: props.segment.id, ...input }) : await create.mutateAsync(input);
      setShown({});
      setSummary(null);
      props.onSaved(saved, d.follows ? d.business : null);
    } catch (error) {
      const s = serverErrors(error, w.errorOf);
      setShown(s?.fields ?? {});
      setSummary(s?.message ?? tr("campaigns.errors.failed"));
    }
  }

  const sizeText = !countable
    ? problems.business
      ? t("sizeChooseBusiness")
      : problems.joinedBefore
        ? t("sizeFixDates")
        : t("sizeAddFilter")
    : size.data
      ? w.sizeText(size.data, false)
      : size.isError
        ? t("sizeError")
        : t("sizeCounting");

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby={`${id}-h`} className="space-y-5">
      <h2 id={`${id}-h`} className="font-semibold">{props.segment ? t("editTitle", { name: props.segment.name }) : t("newTitle")}</h2>

      <Field id={`${id}-name`} label={t("name")} hint={t("nameHint")} error={err("name")}>
        <input
          id={`${id}-name`}
          value={d.name}
          onChange={(e) => change(["name"], { name: e.target.value })}
          maxLength={80}
          required
          placeholder={t("namePlaceholder")}
          className={inputCls(err("name"))}
          {...describe(`${id}-name`, err("name"))}
        />
      </Field>

      <fieldset className="space-y-4 rounded-lg border border-slate-200 p-3 sm:p-4" aria-describedby={`${id}-filters-hint${err("filters") ? ` ${id}-filters-error` : ""}`}>
        <legend className="px-1 text-sm font-semibold text-slate-900">{t("filters")}</legend>
        <p id={`${id}-filters-hint`} className="-mt-2 text-xs text-slate-600">
          {t("filtersHint")}
        </p>
        {err("filters") ? (
          <p id={`${id}-filters-error`} className="text-sm font-medium text-rose-700">{err("filters")}</p>
        ) : null}

        <fieldset>
          <legend className="text-sm font-medium text-slate-700">{t("role")}</legend>
          <div className="mt-1 grid grid-cols-2 gap-x-4 gap-y-1 sm:flex sm:flex-wrap">
            {ROLES.map((r) => (
              <label key={r} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={d.roles.includes(r)}
                  onChange={(e) => change(["roles"], { roles: e.target.checked ? [...d.roles, r] : d.roles.filter((x) => x !== r) })}
                  className="h-4 w-4 accent-brand-700"
                />
                {w.role(r)}
              </label>
            ))}
          </div>
        </fieldset>

        <div>
          <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
            <input
              type="checkbox"
              checked={d.follows}
              onChange={(e) => change(["business"], { follows: e.target.checked, business: e.target.checked ? d.business : null })}
              aria-describedby={err("business") ? `${id}-business-error` : undefined}
              className="h-4 w-4 accent-brand-700"
            />
            {t("follows")}
          </label>
          {d.follows ? (
            <div className="mt-2 pl-6">
              <BusinessPicker indent={false} value={d.business} onChange={(business) => change(["business"], { business })} />
            </div>
          ) : null}
          {err("business") ? <p id={`${id}-business-error`} className="mt-1 text-sm text-rose-700">{err("business")}</p> : null}
        </div>

        <fieldset aria-describedby={`${id}-cat-hint`}>
          <legend className="text-sm font-medium text-slate-700">{t("categories")}</legend>
          <p id={`${id}-cat-hint`} className="text-xs text-slate-600">{t("categoriesHint")}</p>
          <div className="mt-1 grid gap-1 sm:grid-cols-2">
            {props.categories.map((c) => (
              <label key={c.value} className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={d.categories.includes(c.value)}
                  onChange={(e) => change(["categories"], { categories: e.target.checked ? [...d.categories, c.value] : d.categories.filter((x) => x !== c.value) })}
                  className="mt-0.5 h-4 w-4 shrink-0 accent-brand-700"
                />
                <span>
                  <span className="font-medium capitalize text-slate-900">{c.value}</span>
                  <span className="block text-xs text-slate-600">{categoryDescription(tCategories, c)}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>

        <fieldset aria-describedby={`${id}-joined-hint`}>
          <legend className="text-sm font-medium text-slate-700">{t("joinDate")}</legend>
          <div className="mt-1 grid gap-3 sm:grid-cols-2">
            <Field id={`${id}-after`} label={t("joinedAfter")} error={err("joinedAfter")} small>
              <input
                id={`${id}-after`}
                type="date"
                value={d.joinedAfter}
                onChange={(e) => change(["joinedAfter", "joinedBefore"], { joinedAfter: e.target.value })}
                className={inputCls(err("joinedAfter"))}
                {...describe(`${id}-after`, err("joinedAfter"), `${id}-joined-hint`)}
              />
            </Field>
            <Field id={`${id}-before`} label={t("joinedBefore")} error={err("joinedBefore")} small>
              <input
                id={`${id}-before`}
                type="date"
                value={d.joinedBefore}
                onChange={(e) => change(["joinedAfter", "joinedBefore"], { joinedBefore: e.target.value })}
                className={inputCls(err("joinedBefore"))}
                {...describe(`${id}-before`, err("joinedBefore"), `${id}-joined-hint`)}
              />
            </Field>
          </div>
          <p id={`${id}-joined-hint`} className="mt-1 text-xs text-slate-600">{t("joinedHint")}</p>
        </fieldset>

        <TimeZonesField id={`${id}-tz`} value={d.timezones} zones={props.timeZones} error={err("timezones")} onChange={(timezones) => change(["timezones"], { timezones })} />
      </fieldset>

      <p role="status" aria-live="polite" data-testid="segment-size" className="rounded-lg bg-slate-100 px-3 py-2 text-sm font-medium text-slate-800">
        {sizeText}
      </p>

      {summary ? (
        <p role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm font-medium text-rose-800">{summary}</p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={pending} className={primary}>
          {pending ? t("saving") : props.segment ? t("saveChanges") : t("create")}
        </button>
        <button type="button" onClick={props.onCancel} className={secondary}>{t("cancel")}</button>
      </div>
    </form>
  );
}

/**
 * The time zone filter: type a zone (suggestions from the IANA list; several may be pasted, comma
 * separated) and add it; each chosen zone has its own remove button. Unknown names are refused in words.
 */
function TimeZonesField(props: { id: string; value: string[]; zones: string[]; error?: string; onChange: (v: string[]) => void }) {
  const { id } = props;
  const t = useTranslations("segmentForm.timeZone");
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const error = problem ?? props.error;

  const add = () => {
    const parts = text.split(",").map((p) => p.trim()).filter(Boolean);
    if (parts.length === 0) return setProblem(t("typeOne"));
    const found: string[] = [];
    const unknown: string[] = [];
    for (const p of parts) {
      const z = matchTimeZone(p, props.zones);
      if (z) found.push(z);
      else unknown.push(p);
    }
    const next = [...new Set([...props.value, ...found])];
    if (next.length > 50) return setProblem(t("tooMany"));
    if (found.length) props.onChange(next);
    setText(unknown.join(", "));
    setProblem(unknown.length ? t("unknown", { names: unknown.map((zone) => t("quoted", { zone })).join(", ") }) : null);
  };

  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">{t("label")}</label>
      <div className="mt-1 flex flex-wrap gap-2">
        <input
          id={id}
          list={`${id}-list`}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setProblem(null);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
          autoComplete="off"
          placeholder={t("placeholder")}
          className={`min-w-0 flex-1 rounded-lg border px-3 py-2 text-sm sm:max-w-xs ${error ? "border-rose-500 bg-rose-50/40" : "border-slate-300 bg-white"}`}
          {...describe(id, error)}
        />
        <datalist id={`${id}-list`}>
          {props.zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <button type="button" onClick={add} className={secondary}>{t.rich("add", { sr: (chunks) => <span className="sr-only">{chunks}</span> })}</button>
      </div>
      <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">{t("hint")}</p>
      {error ? <p id={`${id}-error`} className="mt-1 text-sm text-rose-700">{error}</p> : null}
      {props.value.length > 0 ? (
        <ul aria-label={t("chosen")} className="mt-2 flex flex-wrap gap-2">
          {props.value.map((z) => (
            <li key={z} className="inline-flex items-center gap-1 rounded-full bg-brand-50 py-0.5 pl-3 pr-1 text-sm text-brand-900 ring-1 ring-inset ring-brand-100">
              {z.replaceAll("_", " ")}
              <button
                type="button"
                onClick={() => props.onChange(props.value.filter((x) => x !== z))}
                aria-label={t("remove", { zone: z })}
                className="grid h-6 w-6 place-items-center rounded-full text-brand-800 hover:bg-brand-100"
              >
                <span aria-hidden>×</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function Field(props: { id: string; label: string; hint?: ReactNode; error?: string; small?: boolean; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={props.id} className={`block text-sm ${props.small ? "text-slate-700" : "font-medium text-slate-700"}`}>{props.label}</label>
      {props.children}
      {props.hint ? <p id={`${props.id}-hint`} className="mt-1 text-xs text-slate-600">{props.hint}</p> : null}
      {props.error ? <p id={`${props.id}-error`} className="mt-1 text-sm text-rose-700">{props.error}</p> : null}
    </div>
  );
}

/** aria-invalid and aria-describedby (hint, and the error when there is one) for a field's control. */
const describe = (fid: string, error?: string, hint = `${fid}-hint`) => ({
  "aria-invalid": error ? true : undefined,
  "aria-describedby": error ? `${hint} ${fid}-error` : hint,
});

const inputCls = (err?: string) =>
  `mt-1 block w-full rounded-lg border px-3 py-2 text-sm ${err ? "border-rose-500 bg-rose-50/40" : "border-slate-300 bg-white"}`;
const primary = "rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60";
const secondary = "rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60";

"use client";
/**
 * The audience picker of the campaign editor: everyone, a role, the followers of one business (searched by
 * name), the people who get a category by email, a saved segment (/admin/segments), or the confirmed
 * newsletter subscribers (no account: email only) — with the audience's size counted live by the server
 * (debounced) and announced politely: "1,234 people · 1,100 reachable by email".
 */
import Link from "next/link";
import { useId, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";
import { ROLES, type Audience, type Category, type CategoryOption, type Role } from "./campaign-types";
import { useDebounced } from "./previews";
import { useCampaignWording } from "./wording";

/** The picker's state: every kind's choice is kept while the admin switches between kinds. */
export interface AudienceDraft {
  kind: Audience["kind"];
  role: Role;
  business: { id: string; name: string } | null;
  category: Category;
  /** The chosen saved segment (its name for labels), or null. */
  segment: { id: string; name: string } | null;
  /** The stored audience was a segment that has since been deleted (none is chosen then). */
  segmentDeleted?: boolean;
}

/** The audience to save, or null while it is incomplete (no business or no segment chosen). */
export function toAudience(d: AudienceDraft): Audience | null {
  switch (d.kind) {
    case "everyone":
      return { kind: "everyone" };
    case "role":
      return { kind: "role", role: d.role };
    case "followers":
      return d.business ? { kind: "followers", businessId: d.business.id } : null;
    case "category":
      return { kind: "category", category: d.category };
    case "segment":
      return d.segment ? { kind: "segment", segmentId: d.segment.id } : null;
    case "newsletter":
      return { kind: "newsletter" };
  }
}

/**
 * What is missing while {@link toAudience} is null, as the `audience` catalog key that says it ("Choose the
 * business whose followers get this campaign."), or null when complete.
 */
export function missingAudienceChoice(d: AudienceDraft): "missingBusiness" | "missingSegment" | null {
  if (d.kind === "followers" && !d.business) return "missingBusiness";
  if (d.kind === "segment" && !d.segment) return "missingSegment";
  return null;
}

/**
 * The picker's state for a stored audience (`businessName`: the followers audience's business, when known;
 * `segmentName`: the segment audience's name, null when that segment was deleted — then none is chosen).
 * `unnamed`: what to call the business or segment when its name is not known ("the chosen business").
 */
export function audienceDraft(
  a: Audience | null,
  categories: CategoryOption[],
  businessName: string | null | undefined,
  segmentName: string | null | undefined,
  unnamed: { business: string; segment: string },
): AudienceDraft {
  const base: AudienceDraft = { kind: "everyone", role: "NGO", business: null, category: categories[0]?.value ?? "announcements", segment: null };
  if (!a) return base;
  if (a.kind === "role") return { ...base, kind: "role", role: a.role };
  if (a.kind === "followers") return { ...base, kind: "followers", business: { id: a.businessId, name: businessName ?? unnamed.business } };
  if (a.kind === "category") return { ...base, kind: "category", category: a.category };
  if (a.kind === "segment") return { ...base, kind: "segment", segment: segmentName === null ? null : { id: a.segmentId, name: segmentName ?? unnamed.segment }, segmentDeleted: segmentName === null };
  if (a.kind === "newsletter") return { ...base, kind: "newsletter" };
  return base;
}

/** The audience kinds in the order offered (their label and hint: `audience.kinds.<kind>`). */
const KINDS: { kind: Audience["kind"] }[] = [
  { kind: "everyone" },
  { kind: "role" },
  { kind: "followers" },
  { kind: "category" },
  { kind: "segment" },
  { kind: "newsletter" },
];

/** The audience fieldset with its live size. `error`: the server's message for the audience, if any. */
export function AudienceField(props: {
  value: AudienceDraft;
  onChange: (d: AudienceDraft) => void;
  critical: boolean;
  categories: CategoryOption[];
  error?: string;
  disabled?: boolean;
}) {
  const { value, onChange } = props;
  const id = useId();
  const trpc = useTRPC();
  const t = useTranslations("audience");
  const tCategories = useTranslations("categories");
  const w = useCampaignWording();
  const audience = useDebounced(toAudience(value), 300);
  const critical = useDebounced(props.critical, 300);
  const size = useQuery({
    ...trpc.campaigns.audienceSize.queryOptions({ audience: audience ?? { kind: "everyone" }, critical }),
    enabled: audience !== null,
    placeholderData: keepPreviousData,
  });
  const newsletter = useQuery(trpc.campaigns.newsletterCounts.queryOptions());
  const missing = missingAudienceChoice(value);

  return (
    <fieldset className="space-y-3" disabled={props.disabled} aria-describedby={`${id}-size`}>
      <legend className="text-sm font-semibold text-slate-900">{t("legend")}</legend>
      <div className="space-y-2">
        {KINDS.map((k) => (
          <div key={k.kind} className={`rounded-lg border p-3 ${value.kind === k.kind ? "border-brand-600 bg-brand-50/40" : "border-slate-200"}`}>
            <label className="flex items-start gap-3 text-sm">
              <input
                type="radio"
                name={`${id}-kind`}
                value={k.kind}
                checked={value.kind === k.kind}
                onChange={() => onChange({ ...value, kind: k.kind })}
                className="mt-0.5 h-4 w-4 accent-brand-700"
              />
              <span>
                <span className="font-medium text-slate-900">{t(`kinds.${k.kind}.label`)}</span>
                <span className="block text-slate-600">
                  {t(`kinds.${k.kind}.hint`)}
                  {k.kind === "newsletter" && newsletter.data ? (
                    <span data-testid="newsletter-confirmed" className="font-medium text-slate-800"> {t("confirmed", { count: newsletter.data.CONFIRMED })}</span>
                  ) : null}
                </span>
              </span>
            </label>
            {value.kind === k.kind && k.kind === "role" ? (
              <div className="mt-3 pl-7">
                <label htmlFor={`${id}-role`} className="block text-sm font-medium text-slate-700">{t("role")}</label>
                <select
                  id={`${id}-role`}
                  value={value.role}
                  onChange={(e) => onChange({ ...value, role: e.target.value as Role })}
                  className="mt-1 w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm sm:w-56"
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>{w.role(r)}</option>
                  ))}
                </select>
              </div>
            ) : null}
            {value.kind === k.kind && k.kind === "followers" ? (
              <BusinessPicker value={value.business} onChange={(business) => onChange({ ...value, business })} />
            ) : null}
            {value.kind === k.kind && k.kind === "category" ? (
              <div className="mt-3 pl-7">
                <label htmlFor={`${id}-category`} className="block text-sm font-medium text-slate-700">{t("category")}</label>
                <select
                  id={`${id}-category`}
                  value={value.category}
                  onChange={(e) => onChange({ ...value, category: e.target.value as Category })}
                  aria-describedby={`${id}-category-hint`}
                  className="mt-1 w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm sm:w-72"
                >
                  {props.categories.map((c) => (
                    <option key={c.value} value={c.value}>{c.value}</option>
                  ))}
                </select>
                <p id={`${id}-category-hint`} className="mt-1 text-xs text-slate-600">
                  {categoryDescription(tCategories, props.categories.find((c) => c.value === value.category))}
                </p>
              </div>
            ) : null}
            {value.kind === k.kind && k.kind === "segment" ? (
              <SegmentPicker value={value.segment} deleted={value.segmentDeleted ?? false} onChange={(segment) => onChange({ ...value, segment })} />
            ) : null}
            {value.kind === k.kind && k.kind === "newsletter" ? (
              <p data-testid="newsletter-note" className="mt-3 ml-7 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900">
                {t.rich("newsletterNote", { strong: (c) => <strong>{c}</strong> })}
              </p>
            ) : null}
          </div>
        ))}
      </div>
      {props.error ? <p role="alert" className="text-sm text-rose-700">{props.error}</p> : null}
      <p id={`${id}-size`} role="status" aria-live="polite" data-testid="audience-size" className="rounded-lg bg-slate-100 px-3 py-2 text-sm font-medium text-slate-800">
        {audience === null || missing
          ? value.kind === "segment"
            ? t("sizeChooseSegment")
            : t("sizeChooseBusiness")
          : size.data
            ? w.sizeText(size.data, critical, audience.kind === "newsletter")
            : size.isError
              ? t("sizeError")
              : t("sizeCounting")}
      </p>
    </fieldset>
  );
}

/** Choose one saved segment (with each one's size now), or go to /admin/segments to build one. */
function SegmentPicker(props: { value: { id: string; name: string } | null; deleted: boolean; onChange: (s: { id: string; name: string } | null) => void }) {
  const id = useId();
  const trpc = useTRPC();
  const t = useTranslations("audience");
  const tr = useTranslations();
  const list = useQuery(trpc.segments.list.queryOptions());
  const segments = list.data ?? [];
  const chosenMissing = (props.value === null && props.deleted) || (props.value !== null && list.isSuccess && !segments.some((s) => s.id === props.value!.id));
  const manage = (
    <Link href="/admin/segments" target="_blank" rel="noopener" className="font-medium text-brand-700 underline underline-offset-2 hover:text-brand-800">
      {t.rich("manageSegments", { sr: (c) => <span className="sr-only">{c}</span> })}
    </Link>
  );
  return (
    <div className="mt-3 space-y-2 pl-7">
      {list.isPending ? (
        <p className="text-sm text-slate-600">{t("loadingSegments")}</p>
      ) : list.isError ? (
        <p role="alert" className="text-sm text-rose-700">
          {t("segmentsError")}{" "}
          <button type="button" className="font-medium underline" onClick={() => void list.refetch()}>{tr("common.tryAgain")}</button>
        </p>
      ) : segments.length === 0 ? (
        <div data-testid="segments-empty" className="rounded-md border border-dashed border-slate-300 bg-white px-3 py-2 text-sm text-slate-700">
          {props.deleted ? <p className="mb-1 text-amber-800">{t("segmentGone")}</p> : null}
          <p>{t("noSegments")}</p>
          <p className="mt-1">{manage}</p>
        </div>
      ) : (
        <>
          <label htmlFor={`${id}-segment`} className="block text-sm font-medium text-slate-700">{t("segment")}</label>
          <select
            id={`${id}-segment`}
            value={props.value && !chosenMissing ? props.value.id : ""}
            onChange={(e) => {
              const s = segments.find((x) => x.id === e.target.value);
              props.onChange(s ? { id: s.id, name: s.name } : null);
            }}
            className="mt-1 w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm sm:w-96"
          >
            <option value="">{t("chooseSegment")}</option>
            {segments.map((s) => (
              <option key={s.id} value={s.id}>{t("segmentOption", { name: s.name, count: s.size })}</option>
            ))}
          </select>
          {chosenMissing ? <p className="text-sm text-amber-800">{t("segmentGoneChooseAnother")}</p> : null}
          <p className="text-xs text-slate-600">{t("sizesNote")} {manage}</p>
        </>
      )}
    </div>
  );
}

/**
 * Search businesses by name and choose one (radio buttons: keyboard and screen-reader friendly). Also used
 * by the segment form (`indent={false}`).
 */
export function BusinessPicker(props: { value: { id: string; name: string } | null; onChange: (b: { id: string; name: string } | null) => void; indent?: boolean }) {
  const id = useId();
  const trpc = useTRPC();
  const t = useTranslations("audience");
  const [search, setSearch] = useState("");
  const query = useDebounced(search.trim(), 250);
  const results = useQuery({ ...trpc.campaigns.businesses.queryOptions({ query }), placeholderData: keepPreviousData });
  const shown = results.data ?? [];
  return (
    <div className={`space-y-2 ${props.indent === false ? "" : "mt-3 pl-7"}`}>
      {props.value ? (
        <p className="text-sm text-slate-800">
          {t.rich("chosen", { name: props.value.name, b: (c) => <span className="font-medium">{c}</span> })}
        </p>
      ) : null}
      <div>
        <label htmlFor={`${id}-search`} className="block text-sm font-medium text-slate-700">{t("searchBusinesses")}</label>
        <input
          id={`${id}-search`}
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          maxLength={100}
          placeholder={t("searchPlaceholder")}
          className="mt-1 w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm sm:w-72"
        />
      </div>
      <fieldset>
        <legend className="sr-only">{t("business")}</legend>
        {results.isPending ? (
          <p className="text-sm text-slate-600">{t("loadingBusinesses")}</p>
        ) : results.isError ? (
          <p role="alert" className="text-sm text-rose-700">{t("searchError")}</p>
        ) : shown.length === 0 ? (
          <p className="text-sm text-slate-600">{t("noMatch", { query })}</p>
        ) : (
          <ul className="max-h-56 space-y-1 overflow-y-auto rounded-lg border border-slate-200 bg-white p-2">
            {shown.map((b) => (
              <li key={b.id}>
                <label className="flex items-center gap-2 rounded px-2 py-1 text-sm hover:bg-slate-50">
                  <input
                    type="radio"
                    name={`${id}-business`}
                    checked={props.value?.id === b.id}
                    onChange={() => props.onChange(b)}
                    className="h-4 w-4 accent-brand-700"
                  />
                  <span className="break-words">{b.name}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
    </div>
  );
}

/** A category's description in the reader's language (the server's English one when the catalog has none). */
export function categoryDescription(t: ReturnType<typeof useTranslations<"categories">>, c: CategoryOption | undefined): string | undefined {
  if (!c) return undefined;
  const key = `${c.value}.description` as "listings.description";
  return t.has(key) ? t(key) : c.description;
}

"use client";
/**
 * /admin/segments: every saved segment by name, with its filters in words and how many accounts it
 * matches now; "New segment" and each row's "Edit" open {@link SegmentForm} in place; "Delete" asks
 * first, inline, and shows the server's refusal (a scheduled, sending or paused campaign still targets it).
 * Outcomes are announced politely; errors are alerts.
 */
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";
import type { CategoryOption } from "@/components/admin/campaigns/campaign-types";
import { useCampaignWording } from "@/components/admin/campaigns/wording";
import { asFilters, describeFilters, segmentDraft, type SegmentRow } from "./segment-filters";
import { SegmentForm } from "./segment-form";

export interface SegmentManagerProps {
  /** The server's `segments.list` answer when the page rendered. */
  initial: SegmentRow[];
  categories: CategoryOption[];
  timeZones: string[];
}

/** The segments page body. */
export function SegmentManager(props: SegmentManagerProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const t = useTranslations("segments");
  const tr = useTranslations();
  const list = useQuery({ ...trpc.segments.list.queryOptions(), initialData: props.initial });
  /** Business id → name: from the list, plus businesses chosen in a form since. */
  const [chosen, setNames] = useState<Record<string, string>>({});
  /** Which form is open: a new segment, one segment's edit form, or none. */
  const [open, setOpen] = useState<{ kind: "new" } | { kind: "edit"; id: string } | null>(null);
  const [notice, setNotice] = useState("");

  const onSaved = (verb: "created" | "saved") => (saved: { id: string; name: string }, business: { id: string; name: string } | null) => {
    if (business) setNames((n) => ({ ...n, [business.id]: business.name }));
    setOpen(null);
    setNotice(t(verb, { name: saved.name }));
    void queryClient.invalidateQueries({ queryKey: trpc.segments.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.campaigns.pathKey() });
  };

  const rows = list.data;
  const names: Record<string, string> = {
    ...Object.fromEntries(rows.flatMap((r) => (r.businessName ? [[asFilters(r.filters).followsBusinessId!, r.businessName]] : []))),
    ...chosen,
  };
  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <Link href="/admin/campaigns" className="text-sm font-medium text-brand-700 hover:underline">{t("back")}</Link>
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div className="min-w-0">
            <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
            <p className="text-sm text-slate-600">{t("intro")}</p>
          </div>
          {open?.kind !== "new" ? (
            <button
              type="button"
              onClick={() => {
                setNotice("");
                setOpen({ kind: "new" });
              }}
              className="shrink-0 rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800"
            >
              {t("newSegment")}
            </button>
          ) : null}
        </div>
      </div>
      <p role="status" aria-live="polite" data-testid="segments-notice" className={notice ? "rounded-lg bg-brand-50 px-3 py-2 text-sm text-brand-800" : "sr-only"}>
        {notice}
      </p>

      {open?.kind === "new" ? (
        <section className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
          <SegmentForm
            segment={null}
            initial={segmentDraft(null, null, t("theChosenBusiness"))}
            categories={props.categories}
            timeZones={props.timeZones}
            onSaved={onSaved("created")}
            onCancel={() => setOpen(null)}
          />
        </section>
      ) : null}

      {list.isError && rows.length === 0 ? (
        <p role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800">
          {t("loadError")}{" "}
          <button type="button" className="font-medium underline" onClick={() => void list.refetch()}>{tr("common.tryAgain")}</button>
        </p>
      ) : rows.length === 0 ? (
        open?.kind === "new" ? null : (
          <div data-testid="segments-empty" className="rounded-2xl border border-dashed border-slate-300 bg-white p-10 text-center">
            <p className="font-medium text-slate-800">{t("emptyTitle")}</p>
            <p className="mt-1 text-sm text-slate-600">{t("emptyHint")}</p>
            <button
              type="button"
              onClick={() => setOpen({ kind: "new" })}
              className="mt-4 inline-block rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800"
            >
              {t("newSegment")}
            </button>
          </div>
        )
      ) : (
        <ul aria-label={t("title")} className="divide-y divide-slate-100 overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm">
          {rows.map((s) =>
            open?.kind === "edit" && open.id === s.id ? (
              <li key={s.id} className="p-4 sm:p-5">
                <SegmentForm
                  segment={s}
                  initial={segmentDraft(s, names[asFilters(s.filters).followsBusinessId ?? ""], t("theChosenBusiness"))}
                  categories={props.categories}
                  timeZones={props.timeZones}
                  onSaved={onSaved("saved")}
                  onCancel={() => setOpen(null)}
                />
              </li>
            ) : (
              <SegmentItem
                key={s.id}
                s={s}
                names={names}
                onEdit={() => {
                  setNotice("");
                  setOpen({ kind: "edit", id: s.id });
                }}
                onDeleted={() => {
                  setNotice(t("deleted", { name: s.name }));
                  void queryClient.invalidateQueries({ queryKey: trpc.segments.pathKey() });
                }}
              />
            ),
          )}
        </ul>
      )}
    </div>
  );
}

/** One segment: name, filters in words, size now, Edit and Delete (with its inline confirmation). */
function SegmentItem({ s, names, onEdit, onDeleted }: { s: SegmentRow; names: Record<string, string>; onEdit: () => void; onDeleted: () => void }) {
  const trpc = useTRPC();
  const t = useTranslations("segments");
  const tr = useTranslations();
  const format = useFormatter();
  const w = useCampaignWording();
  const [confirming, setConfirming] = useState(false);
  const del = useMutation(trpc.segments.delete.mutationOptions({ onSuccess: onDeleted }));
  const error = w.errorOf(del.error);
  const clauses = describeFilters(s.filters, names, tr, format);
  return (
    <li data-testid="segment-row" className="space-y-3 p-4 sm:p-5">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0 space-y-1">
          <h2 className="break-words font-medium text-slate-900">{s.name}</h2>
          <p className="break-words text-sm text-slate-600" data-testid="segment-description">
            {clauses.map((c, i) => (
              <span key={i}>
                {i > 0 ? <span className="text-slate-500"> · </span> : null}
                {c}
              </span>
            ))}
          </p>
          <p className="text-xs text-slate-600">
            <span className="font-medium text-slate-700">{t("now")}</span> <span data-testid="segment-size-now">{w.people(s.size)}</span>
          </p>
        </div>
        <div className="flex shrink-0 flex-wrap items-center gap-2">
          <button type="button" onClick={onEdit} aria-label={t("editLabel", { name: s.name })} className={secondary}>{t("edit")}</button>
          {!confirming ? (
            <button
              type="button"
              onClick={() => {
                del.reset();
                setConfirming(true);
              }}
              aria-label={t("deleteLabel", { name: s.name })}
              className={danger}
            >
              {t("delete")}
            </button>
          ) : null}
        </div>
      </div>
      {confirming ? (
        <div role="group" aria-label={t("confirmLabel", { name: s.name })} className="flex flex-wrap items-center gap-2 rounded-lg border border-rose-200 bg-rose-50 p-3">
          <span className="text-sm text-rose-900">
            {t("confirmText", { name: s.name })}
          </span>
          <button
            type="button"
            autoFocus
            disabled={del.isPending}
            onClick={() => del.mutate({ id: s.id }, { onSettled: () => setConfirming(false) })}
            className="rounded-lg bg-rose-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-rose-800 disabled:opacity-60"
          >
            {del.isPending ? t("deleting") : t("yesDelete")}
          </button>
          <button type="button" onClick={() => setConfirming(false)} className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50">
            {t("keep")}
          </button>
        </div>
      ) : null}
      {error ? <p role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">{error.message}</p> : null}
    </li>
  );
}

const secondary = "rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60";
const danger = "rounded-lg border border-rose-300 bg-white px-3 py-1.5 text-sm font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-60";

"use client";
/**
 * What a campaign will look like: the in-app card as the inbox shows it, and the email as the server
 * renders it (the real template, greeted with the admin's name) in a sandboxed iframe — no scripts, no
 * same-origin access — at desktop (600px) or phone (375px) width.
 */
import { useEffect, useId, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "use-intl";
import { useTRPCClient } from "@/components/trpc";
import type { Locale } from "@/lib/i18n";

/** `value`, once it has stopped changing for `ms` milliseconds. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** The campaign's in-app notification as an unread inbox entry. */
export function InAppPreview({ title, body, critical }: { title: string; body: string; critical: boolean }) {
  const t = useTranslations("campaigns.preview");
  const tr = useTranslations();
  return (
    <figure className="space-y-1.5">
      <figcaption className="text-xs font-medium uppercase tracking-wide text-slate-600">{t("inInbox")}</figcaption>
      <div data-testid="in-app-preview" className="flex gap-3 rounded-xl border border-slate-200 bg-brand-50/50 p-3 sm:p-4">
        <span aria-hidden className="mt-2 h-2 w-2 shrink-0 rounded-full bg-brand-600" />
        <span aria-hidden className="grid h-9 w-9 shrink-0 place-items-center rounded-lg bg-slate-200 text-sm">H</span>
        <div className="min-w-0 flex-1">
          <p className={`wrap-anywhere text-sm font-semibold sm:text-base ${title.trim() ? "text-slate-900" : "italic text-slate-500"}`}>
            {title.trim() || t("titlePlaceholder")}
          </p>
          {body.trim() ? <p className="mt-0.5 whitespace-pre-line wrap-anywhere text-sm text-slate-600">{body}</p> : null}
          <p className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500">
            <span>{tr("time.justNow")}</span>
            <span className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-600">{t("announcement")}</span>
            {critical ? <span className="rounded bg-rose-100 px-1.5 py-0.5 font-medium text-rose-800">{t("highPriority")}</span> : null}
          </p>
        </div>
      </div>
    </figure>
  );
}

const WIDTHS = [
  { key: "desktop", px: 600 },
  { key: "phone", px: 375 },
] as const;

/**
 * The email, rendered by the server from `subject` and the markdown `body` (debounced while typing), with a
 * desktop/phone width toggle; its fixed words in `locale` (default: the platform's language).
 */
export function EmailPreview({ subject, body, locale }: { subject: string; body: string; locale?: Locale }) {
  const t = useTranslations("campaigns.preview");
  const client = useTRPCClient();
  const id = useId();
  const [width, setWidth] = useState<(typeof WIDTHS)[number]["key"]>("desktop");
  const input = useDebounced({ emailSubject: subject.trim(), emailBody: body.trim(), ...(locale ? { locale } : {}) }, 500);
  const ready = input.emailSubject !== "" && input.emailBody !== "";
  const preview = useQuery({
    queryKey: ["campaigns", "email-preview", input],
    queryFn: () => client.campaigns.preview.mutate(input),
    enabled: ready,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
  const px = WIDTHS.find((w) => w.key === width)!.px;

  return (
    <figure className="space-y-2" aria-labelledby={`${id}-cap`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <figcaption id={`${id}-cap`} className="text-xs font-medium uppercase tracking-wide text-slate-600">{t("email")}</figcaption>
        <div role="group" aria-label={t("widths")} className="inline-flex rounded-lg border border-slate-300 bg-white p-0.5">
          {WIDTHS.map((w) => (
            <button
              key={w.key}
              type="button"
              aria-pressed={width === w.key}
              onClick={() => setWidth(w.key)}
              className={`rounded-md px-3 py-1 text-sm font-medium ${width === w.key ? "bg-brand-700 text-white" : "text-slate-700 hover:bg-slate-100"}`}
            >
              {t(w.key)} <span className={width === w.key ? "text-brand-100" : "text-slate-500"}>({w.px}px)</span>
            </button>
          ))}
        </div>
      </div>
      {!ready && !preview.data ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">
          {t("writeFirst")}
        </p>
      ) : preview.isError && !preview.data ? (
        <p role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800">
          {t("renderError", { message: preview.error.message })}
        </p>
      ) : !preview.data ? (
        <div aria-busy="true" aria-label={t("rendering")} className="h-96 animate-pulse rounded-xl bg-slate-200/70" />
      ) : (
        <div className="space-y-2">
          <p className="break-words text-sm text-slate-700">
            <span className="font-medium">{t("subject")}</span> <span data-testid="email-preview-subject">{preview.data.subject}</span>
            {preview.isFetching ? <span className="ml-2 text-xs text-slate-500">{t("updating")}</span> : null}
          </p>
          {preview.isError ? <p role="alert" className="text-sm text-rose-700">{t("notUpdated", { message: preview.error.message })}</p> : null}
          {/* On a phone the frame bleeds to the card's edges; the phone view then fits the screen (the email is responsive). */}
          <div role="region" aria-label={t("region")} tabIndex={0} className="-mx-4 overflow-x-auto border-y border-slate-200 bg-slate-100 py-2 sm:mx-0 sm:rounded-xl sm:border sm:p-4">
            <iframe
              sandbox=""
              srcDoc={preview.data.html}
              title={t(width === "phone" ? "framePhone" : "frameDesktop", { px })}
              data-testid="email-preview"
              data-width={px}
              style={{ width: px }}
              className={`mx-auto block h-[640px] border-0 bg-white shadow-sm sm:rounded-md ${width === "phone" ? "max-w-full" : "max-w-none"}`}
            />
          </div>
        </div>
      )}
    </figure>
  );
}

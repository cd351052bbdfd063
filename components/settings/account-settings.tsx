"use client";
/**
 * /settings/account: "Download your data" (a link to GET /api/account/export, a JSON file) and "Delete
 * account": what goes (with the caller's own counts), a confirmation field where the person types their
 * email, and a destructive button. On success the person is signed out (next-auth) and lands on /signin.
 * Native controls with labels; errors are announced (role="alert") and move focus back to the field.
 */
import { useEffect, useId, useRef, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";

/** The page body; `middle` renders between the export and the (last, destructive) delete section. */
export function AccountSettings({ middle }: { middle?: React.ReactNode }) {
  const t = useTranslations("account");
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="text-sm text-slate-600">{t("intro")}</p>
      </div>
      <ExportSection />
      {middle}
      <DeleteSection />
    </div>
  );
}

function ExportSection() {
  const t = useTranslations("account.export");
  return (
    <section aria-labelledby="export-heading" className="space-y-3 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="export-heading" className="font-semibold">{t("heading")}</h2>
      <p className="text-sm text-slate-600">{t("body")}</p>
      <a
        href="/api/account/export"
        download
        className="inline-block rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-900 hover:bg-slate-50"
      >
        {t("link")}
      </a>
    </section>
  );
}

function DeleteSection() {
  const trpc = useTRPC();
  const t = useTranslations("account.delete");
  const tr = useTranslations();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const summary = useQuery(trpc.account.summary.queryOptions());
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | null>(null);
  /** Bumped with every error shown, so focus returns to the field even when the message repeats. */
  const [errorCount, setErrorCount] = useState(0);
  const [deleted, setDeleted] = useState(false);
  useEffect(() => {
    if (errorCount > 0) input.current?.focus();
  }, [errorCount]);
  const fail = (message: string) => {
    setError(message);
    setErrorCount((n) => n + 1);
  };
  const remove = useMutation(
    trpc.account.delete.mutationOptions({
      onSuccess: () => {
        setDeleted(true);
        void signOut({ callbackUrl: "/signin" });
      },
      onError: (err) => fail(err.message),
    }),
  );

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const value = typed.trim();
    if (!value) return fail(t("emptyError"));
    if (summary.data && value.toLowerCase() !== summary.data.email.toLowerCase()) {
      return fail(t("mismatchError"));
    }
    setError(null);
    remove.mutate({ confirmEmail: value });
  };

  if (deleted) {
    return (
      <p role="status" className="rounded-2xl border border-slate-200 bg-white p-5 text-sm shadow-sm">
        {t("deleted")}
      </p>
    );
  }

  const s = summary.data;
  return (
    <section aria-labelledby={`${id}-h`} className="space-y-4 rounded-2xl border border-rose-200 bg-white p-5 shadow-sm">
      <h2 id={`${id}-h`} className="font-semibold text-rose-800">{t("heading")}</h2>
      {summary.isPending ? (
        <div aria-busy="true" aria-label={t("loading")} className="h-24 animate-pulse rounded-xl bg-slate-200/70" />
      ) : summary.isError ? (
        <p role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800">
          {t("loadError")}{" "}
          <button type="button" className="font-medium underline" onClick={() => void summary.refetch()}>
            {tr("common.tryAgain")}
          </button>
        </p>
      ) : (
        <>
          <div className="space-y-2 text-sm text-slate-700">
            <p>{t("intro")}</p>
            <ul className="list-disc space-y-1 pl-5">
              <li>{t("profile", { email: s!.email })}</li>
              <li>{t("notifications", { count: s!.counts.notifications })}</li>
              <li>{t("follows", { count: s!.counts.follows })}</li>
              <li>{t("tokens", { count: s!.counts.personalAccessTokens })}</li>
              <li>{t("pickups", { count: s!.counts.pickups })}</li>
              {s!.businessName && <li>{t.rich("business", { business: s!.businessName, strong: (c) => <strong>{c}</strong> })}</li>}
              <li>{t("mailbox")}</li>
            </ul>
            <p>{t("suppression")}</p>
          </div>
          {s!.isLastAdmin ? (
            <p role="note" className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              {t("lastAdmin")}
            </p>
          ) : (
            <form onSubmit={submit} noValidate className="space-y-3">
              <div>
                <label htmlFor={`${id}-email`} className="block text-sm font-medium">
                  {t("confirmLabel")}
                </label>
                <input
                  ref={input}
                  id={`${id}-email`}
                  type="email"
                  autoComplete="off"
                  spellCheck={false}
                  value={typed}
                  onChange={(e) => setTyped(e.target.value)}
                  aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
                  aria-invalid={error ? true : undefined}
                  className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 text-sm aria-[invalid=true]:border-rose-500 sm:max-w-sm"
                />
                <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
                  {t("confirmHint")}
                </p>
              </div>
              {error && (
                <p id={`${id}-error`} role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
                  {error}
                </p>
              )}
              <button
                type="submit"
                disabled={remove.isPending}
                className="rounded-lg bg-rose-700 px-4 py-2 text-sm font-medium text-white hover:bg-rose-800 disabled:opacity-60"
              >
                {remove.isPending ? t("deleting") : t("submit")}
              </button>
            </form>
          )}
        </>
      )}
    </section>
  );
}

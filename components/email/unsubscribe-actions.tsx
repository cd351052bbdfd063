"use client";
/**
 * The unsubscribe page's buttons: leave this topic or all non-essential email at any time; undo, from the
 * same link, only what it turned off in the last 10 minutes (issue 12: links only ever reduce mail). After
 * that, turning email back on happens signed in (`signInPath`: notification settings, or the newsletter
 * signup for subscribers without an account).
 */
import { useState } from "react";
import Link from "next/link";
import { useTranslations } from "use-intl";

interface State {
  category: string | null;
  categoryLabel: string | null;
  unsubscribedFromAll: boolean;
  unsubscribedFromCategory: boolean;
  /** What this link may still undo: its topic (`token`) and/or all email (`all`). */
  undo: { token: boolean; all: boolean };
}

/** `newsletter`: the token is a newsletter subscriber's (one list, so one button: leave or undo). */
export function UnsubscribeActions({ token, initial, newsletter = false, signInPath }: { token: string; initial: State; newsletter?: boolean; signInPath: string }) {
  const t = useTranslations("unsubscribe");
  const categories = useTranslations("categories");
  const [state, setState] = useState(initial);
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [needsSignIn, setNeedsSignIn] = useState(false);
  async function act(action: "unsubscribe" | "resubscribe", scope: "token" | "all") {
    setPending(true);
    setMessage(null);
    setNeedsSignIn(false);
    const res = await fetch(`/api/unsubscribe/${encodeURIComponent(token)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action, scope }),
    }).catch(() => null);
    setPending(false);
    const key = scope === "all" || !state.category ? "all" : "token";
    if (res?.status === 403) {
      setState((s) => ({ ...s, undo: { ...s.undo, [key]: false } }));
      setNeedsSignIn(true);
      return;
    }
    if (!res?.ok) {
      setMessage(t("failed"));
      return;
    }
    const body = (await res.json().catch(() => ({}))) as { undoUntil?: string | null };
    const off = action === "unsubscribe";
    setState((s) => ({
      ...(key === "all" ? { ...s, unsubscribedFromAll: off } : { ...s, unsubscribedFromCategory: off }),
      undo: { ...s.undo, [key]: off && !!body.undoUntil },
    }));
    setMessage(off ? t("done") : t("welcomeBack"));
  }
  const btn = "w-full rounded-md px-4 py-2.5 text-sm font-medium disabled:opacity-60";
  const secondary = `${btn} border border-slate-300 bg-white text-slate-800 hover:bg-slate-50`;
  const primary = `${btn} bg-brand-700 text-white hover:bg-brand-800`;
  const offForGood = (state.unsubscribedFromAll && !state.undo.all) || (!!state.category && state.unsubscribedFromCategory && !state.undo.token && !state.unsubscribedFromAll);
  // The topic in the reader's language (the server sends its English description), lower-cased mid-sentence.
  const categoryKey = `${state.category as "listings"}.description` as const;
  const topic = (state.category && categories.has(categoryKey) ? categories(categoryKey) : state.categoryLabel)?.toLowerCase() ?? "";
  const canUndo = (state.unsubscribedFromAll && state.undo.all) || (state.unsubscribedFromCategory && state.undo.token);
  return (
    <div className="mt-6 space-y-3">
      {state.category && !state.unsubscribedFromAll ? (
        state.unsubscribedFromCategory ? (
          state.undo.token ? (
            <button type="button" disabled={pending} onClick={() => act("resubscribe", "token")} className={secondary}>
              {t("resubscribeTopic", { topic })}
            </button>
          ) : (
            <p className="rounded-md bg-slate-50 px-4 py-2.5 text-sm text-slate-700">{t("unsubscribedTopic", { topic })}</p>
          )
        ) : (
          <button type="button" disabled={pending} onClick={() => act("unsubscribe", "token")} className={primary}>
            {t("unsubscribeTopic", { topic })}
          </button>
        )
      ) : null}
      {state.unsubscribedFromAll ? (
        state.undo.all ? (
          <button type="button" disabled={pending} onClick={() => act("resubscribe", "all")} className={secondary}>
            {newsletter ? t("resubscribeNewsletter") : t("resubscribeEmail")}
          </button>
        ) : (
          <p className="rounded-md bg-slate-50 px-4 py-2.5 text-sm text-slate-700">
            {newsletter ? t("unsubscribedNewsletter") : t("unsubscribedAll")}
          </p>
        )
      ) : (
        <button type="button" disabled={pending} onClick={() => act("unsubscribe", "all")} className={state.category ? secondary : primary}>
          {newsletter ? t("unsubscribeNewsletter") : t("unsubscribeAll")}
        </button>
      )}
      <p role="status" aria-live="polite" className="min-h-5 text-center text-sm text-slate-700">{message}</p>
      {canUndo ? <p className="text-center text-xs text-slate-500">{t("undoHint")}</p> : null}
      {offForGood || needsSignIn ? (
        <p className="text-center text-sm text-slate-600">
          {t.rich(newsletter ? "againNewsletter" : "againEmail", {
            link: (chunks) => (
              <Link href={signInPath} className="font-medium text-brand-700 underline underline-offset-2 hover:text-brand-800">
                {chunks}
              </Link>
            ),
          })}
        </p>
      ) : null}
    </div>
  );
}

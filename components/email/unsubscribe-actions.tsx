"use client";
/** The unsubscribe page's buttons: leave this topic or all non-essential email, and undo. */
import { useState } from "react";

interface State {
  category: string | null;
  categoryLabel: string | null;
  unsubscribedFromAll: boolean;
  unsubscribedFromCategory: boolean;
}

/** `newsletter`: the token is a newsletter subscriber's (one list, so one button: leave or rejoin it). */
export function UnsubscribeActions({ token, initial, newsletter = false }: { token: string; initial: State; newsletter?: boolean }) {
  const [state, setState] = useState(initial);
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  async function act(action: "unsubscribe" | "resubscribe", scope: "token" | "all") {
    setPending(true);
    setMessage(null);
    const res = await fetch(`/api/unsubscribe/${encodeURIComponent(token)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action, scope }),
    }).catch(() => null);
    setPending(false);
    if (!res?.ok) {
      setMessage("That did not work. Please try again.");
      return;
    }
    const off = action === "unsubscribe";
    setState((s) => (scope === "all" || !s.category ? { ...s, unsubscribedFromAll: off } : { ...s, unsubscribedFromCategory: off }));
    setMessage(off ? "Done. You are unsubscribed." : "Welcome back. You are subscribed again.");
  }
  const btn = "w-full rounded-md px-4 py-2.5 text-sm font-medium disabled:opacity-60";
  return (
    <div className="mt-6 space-y-3">
      {state.category && !state.unsubscribedFromAll ? (
        state.unsubscribedFromCategory ? (
          <button type="button" disabled={pending} onClick={() => act("resubscribe", "token")} className={`${btn} border border-slate-300 bg-white hover:bg-slate-50`}>
            Resubscribe to {state.categoryLabel?.toLowerCase()}
          </button>
        ) : (
          <button type="button" disabled={pending} onClick={() => act("unsubscribe", "token")} className={`${btn} bg-brand-700 text-white hover:bg-brand-800`}>
            Unsubscribe from these emails: {state.categoryLabel?.toLowerCase()}
          </button>
        )
      ) : null}
      {state.unsubscribedFromAll ? (
        <button type="button" disabled={pending} onClick={() => act("resubscribe", "all")} className={`${btn} border border-slate-300 bg-white hover:bg-slate-50`}>
          {newsletter ? "Resubscribe to the newsletter" : "Resubscribe to email"}
        </button>
      ) : (
        <button type="button" disabled={pending} onClick={() => act("unsubscribe", "all")} className={`${btn} ${state.category ? "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50" : "bg-brand-700 text-white hover:bg-brand-800"}`}>
          {newsletter ? "Unsubscribe from the newsletter" : "Unsubscribe from all non-essential email"}
        </button>
      )}
      <p role="status" aria-live="polite" className="min-h-5 text-center text-sm text-slate-700">{message}</p>
    </div>
  );
}

"use client";
/** "Simulate a reply" on /dev/sms: a text from the signed-in user's own number, through the same code as Twilio's webhook. */
import { useActionState, useId } from "react";
import { simulateReply, type ReplyState } from "./actions";

export function ReplyForm({ from }: { from: string | null }) {
  const id = useId();
  const [state, action, pending] = useActionState<ReplyState, FormData>(simulateReply, null);
  return (
    <form action={action} aria-labelledby={`${id}-h`} className="space-y-3 rounded-xl border border-slate-200 bg-white p-4">
      <div>
        <h2 id={`${id}-h`} className="font-semibold">Simulate a reply</h2>
        <p className="text-sm text-slate-600">
          {from ? (
            <>
              As if <span className="whitespace-nowrap font-medium">{from}</span> texted Herald. Try STOP, START or HELP.
            </>
          ) : (
            "Verify a mobile number in Settings → Account first; replies come from your own number."
          )}
        </p>
      </div>
      <div className="flex flex-wrap items-end gap-2">
        <div>
          <label htmlFor={`${id}-body`} className="block text-sm font-medium">
            Reply text
          </label>
          <input
            id={`${id}-body`}
            name="body"
            defaultValue="STOP"
            maxLength={160}
            autoComplete="off"
            disabled={!from}
            className="mt-1 w-48 rounded-lg border border-slate-300 px-3 py-2 text-sm disabled:bg-slate-100"
          />
        </div>
        <button type="submit" disabled={!from || pending} className="rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          {pending ? "Sending…" : "Send reply"}
        </button>
      </div>
      <p role="status" aria-live="polite" data-testid="reply-outcome" className={state ? `text-sm ${state.ok ? "text-brand-800" : "text-rose-700"}` : "sr-only"}>
        {state?.message ?? ""}
      </p>
    </form>
  );
}

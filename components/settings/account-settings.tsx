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
import { useTRPC } from "@/components/trpc";

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** The page body; `middle` renders between the export and the (last, destructive) delete section. */
export function AccountSettings({ middle }: { middle?: React.ReactNode }) {
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Account</h1>
        <p className="text-sm text-slate-600">
          Your mobile number for texts, your password and signed-in devices, a copy of what Herald keeps about you, or deleting your account and
          everything in it.
        </p>
      </div>
      <ExportSection />
      {middle}
      <DeleteSection />
    </div>
  );
}

function ExportSection() {
  return (
    <section aria-labelledby="export-heading" className="space-y-3 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="export-heading" className="font-semibold">Download your data</h2>
      <p className="text-sm text-slate-600">
        One JSON file with your profile, notification settings and preferences, the businesses you follow, your notifications and their
        delivery history, pickups, digests and your API tokens (names and dates only, never the secrets). Large inboxes take a moment.
      </p>
      <a
        href="/api/account/export"
        download
        className="inline-block rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-900 hover:bg-slate-50"
      >
        Download your data (JSON)
      </a>
    </section>
  );
}

function DeleteSection() {
  const trpc = useTRPC();
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
    if (!value) return fail("Type your email address to confirm.");
    if (summary.data && value.toLowerCase() !== summary.data.email.toLowerCase()) {
      return fail("That is not your account's email address. Type it exactly as you sign in with it.");
    }
    setError(null);
    remove.mutate({ confirmEmail: value });
  };

  if (deleted) {
    return (
      <p role="status" className="rounded-2xl border border-slate-200 bg-white p-5 text-sm shadow-sm">
        Your account has been deleted. Signing you out…
      </p>
    );
  }

  const s = summary.data;
  return (
    <section aria-labelledby={`${id}-h`} className="space-y-4 rounded-2xl border border-rose-200 bg-white p-5 shadow-sm">
      <h2 id={`${id}-h`} className="font-semibold text-rose-800">Delete account</h2>
      {summary.isPending ? (
        <div aria-busy="true" aria-label="Loading your account" className="h-24 animate-pulse rounded-xl bg-slate-200/70" />
      ) : summary.isError ? (
        <p role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800">
          Could not load your account.{" "}
          <button type="button" className="font-medium underline" onClick={() => void summary.refetch()}>
            Try again
          </button>
        </p>
      ) : (
        <>
          <div className="space-y-2 text-sm text-slate-700">
            <p>Deleting your account is permanent and cannot be undone. Herald deletes at once:</p>
            <ul className="list-disc space-y-1 pl-5">
              <li>your profile and sign-in ({s!.email});</li>
              <li>{plural(s!.counts.notifications, "notification", "notifications")} and the record of how each was delivered;</li>
              <li>
                your follows ({plural(s!.counts.follows, "business", "businesses")}), notification settings, preferences and digests;
              </li>
              <li>{plural(s!.counts.personalAccessTokens, "API token", "API tokens")} (apps using them stop working);</li>
              <li>{plural(s!.counts.pickups, "pickup", "pickups")} you booked;</li>
              {s!.businessName && (
                <li>
                  your business <strong>{s!.businessName}</strong>, with its listings, its followers and its pickups;
                </li>
              )}
              <li>emails to you kept in the development mailbox.</li>
            </ul>
            <p>
              So that Herald never emails you again, your address is kept only as a one-way fingerprint (a SHA-256 hash) on a do-not-email list;
              no readable copy remains. Download your data first if you want a copy.
            </p>
          </div>
          {s!.isLastAdmin ? (
            <p role="note" className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              You are the last admin, so your account cannot be deleted. Make someone else an admin first.
            </p>
          ) : (
            <form onSubmit={submit} noValidate className="space-y-3">
              <div>
                <label htmlFor={`${id}-email`} className="block text-sm font-medium">
                  Type your email address to confirm
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
                  The address you sign in with.
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
                {remove.isPending ? "Deleting…" : "Delete my account permanently"}
              </button>
            </form>
          )}
        </>
      )}
    </section>
  );
}

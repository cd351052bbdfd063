"use client";
/**
 * /settings/tokens: the caller's personal access tokens for the HTTP API. Lists them (name, prefix,
 * scopes, created, last used, expiry) with a Revoke button that asks for confirmation inline; a form
 * creates one (name, scopes, expiry) and shows the new token exactly once, with a copy button. Every
 * control is a native input, select or button with a label; errors are announced (role="alert").
 */
import { RevocableCredential } from "@/components/ui/revocable-credential";
import { SecretShownOnce } from "@/components/ui/secret-shown-once";
import { useId, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTRPC } from "@/components/trpc";
import { TimeAgo } from "@/components/ui/time-ago";
import type { AppRouter } from "@/server/trpc/root";

type Token = inferRouterOutputs<AppRouter>["tokens"]["list"][number];
type Scope = Token["scopes"][number];

const EXPIRY_OPTIONS = [
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "never", label: "Never" },
] as const;

const dateFmt = (iso: string) => new Date(iso).toLocaleDateString("en", { day: "numeric", month: "short", year: "numeric" });

export function TokensManager({ scopes }: { scopes: { scope: string; description: string }[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.tokens.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API tokens</h1>
        <p className="text-sm text-slate-600">
          Personal access tokens let apps and scripts use Herald&apos;s HTTP API (<code className="rounded bg-slate-100 px-1">/api/v1</code>) as you. Send one
          as <code className="rounded bg-slate-100 px-1">Authorization: Bearer …</code>. Give each token only the scopes it needs.{" "}
          <a href="/docs/api" className="font-medium text-brand-700 hover:underline">API reference</a>
        </p>
      </div>

      {created ? (
        <SecretShownOnce noun="Token" name={created.name} secret={created.token} label="Your new token" onDone={() => setCreated(null)} />
      ) : (
        <CreateForm
          scopes={scopes}
          onCreated={(token, name) => {
            setCreated({ token, name });
            void invalidate();
          }}
        />
      )}

      <section aria-labelledby="tokens-heading" className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="tokens-heading" className="font-semibold">Your tokens</h2>
        {list.isPending ? (
          <div aria-busy="true" aria-label="Loading your tokens" className="mt-3 h-24 animate-pulse rounded-xl bg-slate-200/70" />
        ) : list.isError ? (
          <p role="alert" className="mt-3 rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800">
            Could not load your tokens.{" "}
            <button type="button" className="font-medium underline" onClick={() => void list.refetch()}>
              Try again
            </button>
          </p>
        ) : list.data.length === 0 ? (
          <p className="mt-3 rounded-xl border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">
            No tokens yet. Create one above to use the API from another app.
          </p>
        ) : (
          <ul className="mt-3 divide-y divide-slate-100">
            {list.data.map((t) => (
              <TokenRow key={t.id} token={t} onRevoked={() => void invalidate()} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function CreateForm({ scopes, onCreated }: { scopes: { scope: string; description: string }[]; onCreated: (token: string, name: string) => void }) {
  const trpc = useTRPC();
  const id = useId();
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<Set<string>>(new Set(["notifications:read"]));
  const [expiry, setExpiry] = useState<string>("90");
  const [error, setError] = useState<string | null>(null);
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: (r) => {
        setName("");
        setError(null);
        onCreated(r.token, r.summary.name);
      },
      onError: (err) => setError(err.message),
    }),
  );

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setError("Give the token a name.");
    if (chosen.size === 0) return setError("Choose at least one scope.");
    setError(null);
    create.mutate({ name: name.trim(), scopes: [...chosen] as Scope[], expiresInDays: expiry === "never" ? null : Number(expiry) });
  };

  return (
    <form onSubmit={submit} aria-labelledby={`${id}-h`} className="space-y-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm" noValidate>
      <h2 id={`${id}-h`} className="font-semibold">Create a token</h2>
      <div className="grid gap-4 sm:grid-cols-[1fr_auto]">
        <div>
          <label htmlFor={`${id}-name`} className="block text-sm font-medium">Name</label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={80}
            required
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. My phone"
            aria-describedby={`${id}-name-hint`}
            className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 text-sm"
          />
          <p id={`${id}-name-hint`} className="mt-1 text-xs text-slate-500">What the token is for, so you recognise it later (up to 80 characters).</p>
        </div>
        <div>
          <label htmlFor={`${id}-expiry`} className="block text-sm font-medium">Expires after</label>
          <select id={`${id}-expiry`} value={expiry} onChange={(e) => setExpiry(e.target.value)} className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 text-sm sm:w-40">
            {EXPIRY_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>{o.label}</option>
            ))}
          </select>
        </div>
      </div>
      <fieldset>
        <legend className="text-sm font-medium">Scopes</legend>
        <ul className="mt-2 space-y-2">
          {scopes.map((s) => (
            <li key={s.scope}>
              <label className="flex items-start gap-3 text-sm">
                <input
                  type="checkbox"
                  className="mt-1 h-4 w-4"
                  checked={chosen.has(s.scope)}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.target.checked) next.add(s.scope);
                    else next.delete(s.scope);
                    setChosen(next);
                  }}
                />
                <span>
                  <code className="font-medium">{s.scope}</code>
                  <span className="block text-slate-600">{s.description}</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      {error && (
        <p role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">{error}</p>
      )}
      <button type="submit" disabled={create.isPending} className="rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
        {create.isPending ? "Creating…" : "Create token"}
      </button>
    </form>
  );
}


function TokenRow({ token: t, onRevoked }: { token: Token; onRevoked: () => void }) {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess: onRevoked, onError: (err) => setError(err.message) }));
  return (
    <RevocableCredential
      name={t.name}
      prefix={t.prefix}
      badges={t.expired && <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">Expired</span>}
      consequence="Apps using it stop working."
      pending={revoke.isPending}
      error={error}
      onRevoke={() => revoke.mutate({ id: t.id })}
    >
      <ul aria-label="Scopes" className="flex flex-wrap gap-1">
        {t.scopes.map((s) => (
          <li key={s} className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{s}</li>
        ))}
      </ul>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-xs text-slate-600 sm:flex sm:flex-wrap sm:gap-x-4">
        <div className="contents sm:flex sm:gap-1"><dt>Created</dt><dd>{dateFmt(t.createdAt)}</dd></div>
        <div className="contents sm:flex sm:gap-1"><dt>Last used</dt><dd>{t.lastUsedAt ? <TimeAgo iso={t.lastUsedAt} /> : "Never"}</dd></div>
        <div className="contents sm:flex sm:gap-1"><dt>{t.expired ? "Expired" : "Expires"}</dt><dd>{t.expiresAt ? dateFmt(t.expiresAt) : "Never"}</dd></div>
      </dl>
    </RevocableCredential>
  );
}

"use client";
/**
 * /admin/api-keys: host-platform API keys for `POST /api/v1/events`. Lists them (name, prefix, created by,
 * created, last used) with a Revoke button that asks for confirmation inline; a form creates one (name) and
 * shows the new key exactly once, with a copy button. Native labelled controls; errors are announced
 * (role="alert"); rows stack at phone width.
 */
import { RevocableCredential } from "@/components/ui/revocable-credential";
import { SecretShownOnce } from "@/components/ui/secret-shown-once";
import { useId, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTRPC } from "@/components/trpc";
import { TimeAgo } from "@/components/ui/time-ago";
import type { AppRouter } from "@/server/trpc/root";

type ApiKey = inferRouterOutputs<AppRouter>["apiKeys"]["list"][number];

const dateFmt = (iso: string) => new Date(iso).toLocaleDateString("en", { day: "numeric", month: "short", year: "numeric" });

export function ApiKeysManager() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.apiKeys.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
        <p className="text-sm text-slate-600">
          Host platforms send events (such as a new listing) to <code className="rounded bg-slate-100 px-1">POST /api/v1/events</code> with one of these keys as{" "}
          <code className="rounded bg-slate-100 px-1">Authorization: Bearer …</code>. A key acts for the whole platform: give one to each system and revoke it
          when it is no longer needed. See the <a href="/docs/api" className="font-medium text-brand-700 underline">API reference</a>.
        </p>
      </div>

      {created ? (
        <SecretShownOnce noun="Key" name={created.name} secret={created.key} label="The new API key" onDone={() => setCreated(null)} />
      ) : (
        <CreateForm
          onCreated={(key, name) => {
            setCreated({ key, name });
            void invalidate();
          }}
        />
      )}

      <section aria-labelledby="keys-heading" className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="keys-heading" className="font-semibold">Active keys</h2>
        {list.isPending ? (
          <div aria-busy="true" aria-label="Loading API keys" className="mt-3 h-24 animate-pulse rounded-xl bg-slate-200/70" />
        ) : list.isError ? (
          <p role="alert" className="mt-3 rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800">
            Could not load the API keys.{" "}
            <button type="button" className="font-medium underline" onClick={() => void list.refetch()}>
              Try again
            </button>
          </p>
        ) : list.data.length === 0 ? (
          <p className="mt-3 rounded-xl border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">
            No API keys yet. Create one above for each host platform that sends events to Herald.
          </p>
        ) : (
          <ul className="mt-3 divide-y divide-slate-100">
            {list.data.map((k) => (
              <KeyRow key={k.id} apiKey={k} onRevoked={() => void invalidate()} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function CreateForm({ onCreated }: { onCreated: (key: string, name: string) => void }) {
  const trpc = useTRPC();
  const id = useId();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: (r) => {
        setName("");
        setError(null);
        onCreated(r.key, r.summary.name);
      },
      onError: (err) => setError(err.message),
    }),
  );
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setError("Give the key a name.");
    setError(null);
    create.mutate({ name: name.trim() });
  };
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-h`} className="space-y-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm" noValidate>
      <h2 id={`${id}-h`} className="font-semibold">Create a key</h2>
      <div>
        <label htmlFor={`${id}-name`} className="block text-sm font-medium">Name</label>
        <input
          id={`${id}-name`}
          value={name}
          maxLength={80}
          required
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. Marketplace backend"
          aria-describedby={`${id}-name-hint`}
          aria-invalid={error ? true : undefined}
          className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 text-sm"
        />
        <p id={`${id}-name-hint`} className="mt-1 text-xs text-slate-500">Which system uses the key, so you recognise it later (up to 80 characters).</p>
      </div>
      {error && <p role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">{error}</p>}
      <button type="submit" disabled={create.isPending} className="rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
        {create.isPending ? "Creating…" : "Create key"}
      </button>
    </form>
  );
}


function KeyRow({ apiKey: k, onRevoked }: { apiKey: ApiKey; onRevoked: () => void }) {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: onRevoked, onError: (err) => setError(err.message) }));
  return (
    <RevocableCredential
      name={k.name}
      prefix={k.prefix}
      consequence="Its events are refused at once."
      pending={revoke.isPending}
      error={error}
      onRevoke={() => revoke.mutate({ id: k.id })}
    >
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-xs text-slate-600 sm:flex sm:flex-wrap sm:gap-x-4">
        <div className="contents sm:flex sm:gap-1"><dt>Created</dt><dd>{dateFmt(k.createdAt)}{k.createdBy ? ` by ${k.createdBy}` : ""}</dd></div>
        <div className="contents sm:flex sm:gap-1"><dt>Last used</dt><dd>{k.lastUsedAt ? <TimeAgo iso={k.lastUsedAt} /> : "Never"}</dd></div>
      </dl>
    </RevocableCredential>
  );
}

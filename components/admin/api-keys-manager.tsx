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
import { useFormatter, useTranslations } from "use-intl";
import type { inferRouterOutputs } from "@trpc/server";
import { useTRPC } from "@/components/trpc";
import { TimeAgo } from "@/components/ui/time-ago";
import type { AppRouter } from "@/server/trpc/root";

type ApiKey = inferRouterOutputs<AppRouter>["apiKeys"]["list"][number];

export function ApiKeysManager() {
  const trpc = useTRPC();
  const t = useTranslations("apiKeys");
  const tr = useTranslations();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.apiKeys.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="text-sm text-slate-600">
          {t.rich("intro", {
            endpoint: "POST /api/v1/events",
            header: "Authorization: Bearer …",
            code: (c) => <code className="rounded bg-slate-100 px-1">{c}</code>,
            link: (c) => <a href="/docs/api" className="font-medium text-brand-700 underline">{c}</a>,
          })}
        </p>
      </div>

      {created ? (
        <SecretShownOnce noun="Key" name={created.name} secret={created.key} label={t("newKeyLabel")} onDone={() => setCreated(null)} />
      ) : (
        <CreateForm
          onCreated={(key, name) => {
            setCreated({ key, name });
            void invalidate();
          }}
        />
      )}

      <section aria-labelledby="keys-heading" className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="keys-heading" className="font-semibold">{t("active")}</h2>
        {list.isPending ? (
          <div aria-busy="true" aria-label={t("loading")} className="mt-3 h-24 animate-pulse rounded-xl bg-slate-200/70" />
        ) : list.isError ? (
          <p role="alert" className="mt-3 rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800">
            {t("loadError")}{" "}
            <button type="button" className="font-medium underline" onClick={() => void list.refetch()}>
              {tr("common.tryAgain")}
            </button>
          </p>
        ) : list.data.length === 0 ? (
          <p className="mt-3 rounded-xl border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">
            {t("empty")}
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
  const t = useTranslations("apiKeys");
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
    if (!name.trim()) return setError(t("nameMissing"));
    setError(null);
    create.mutate({ name: name.trim() });
  };
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-h`} className="space-y-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm" noValidate>
      <h2 id={`${id}-h`} className="font-semibold">{t("create")}</h2>
      <div>
        <label htmlFor={`${id}-name`} className="block text-sm font-medium">{t("name")}</label>
        <input
          id={`${id}-name`}
          value={name}
          maxLength={80}
          required
          onChange={(e) => setName(e.target.value)}
          placeholder={t("namePlaceholder")}
          aria-describedby={`${id}-name-hint`}
          aria-invalid={error ? true : undefined}
          className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 text-sm"
        />
        <p id={`${id}-name-hint`} className="mt-1 text-xs text-slate-500">{t("nameHint")}</p>
      </div>
      {error && <p role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">{error}</p>}
      <button type="submit" disabled={create.isPending} className="rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
        {create.isPending ? t("creating") : t("createKey")}
      </button>
    </form>
  );
}


function KeyRow({ apiKey: k, onRevoked }: { apiKey: ApiKey; onRevoked: () => void }) {
  const trpc = useTRPC();
  const t = useTranslations("apiKeys");
  const format = useFormatter();
  const created = format.dateTime(new Date(k.createdAt), { day: "numeric", month: "short", year: "numeric" });
  const [error, setError] = useState<string | null>(null);
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: onRevoked, onError: (err) => setError(err.message) }));
  return (
    <RevocableCredential
      name={k.name}
      prefix={k.prefix}
      consequence={t("revokeConsequence")}
      pending={revoke.isPending}
      error={error}
      onRevoke={() => revoke.mutate({ id: k.id })}
    >
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-xs text-slate-600 sm:flex sm:flex-wrap sm:gap-x-4">
        <div className="contents sm:flex sm:gap-1"><dt>{t("created")}</dt><dd>{k.createdBy ? t("createdBy", { date: created, name: k.createdBy }) : created}</dd></div>
        <div className="contents sm:flex sm:gap-1"><dt>{t("lastUsed")}</dt><dd>{k.lastUsedAt ? <TimeAgo iso={k.lastUsedAt} /> : t("never")}</dd></div>
      </dl>
    </RevocableCredential>
  );
}

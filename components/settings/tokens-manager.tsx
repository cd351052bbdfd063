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
import { useFormatter, useTranslations } from "use-intl";
import type { inferRouterOutputs } from "@trpc/server";
import { useTRPC } from "@/components/trpc";
import { TimeAgo } from "@/components/ui/time-ago";
import type { AppRouter } from "@/server/trpc/root";

type Token = inferRouterOutputs<AppRouter>["tokens"]["list"][number];
type Scope = Token["scopes"][number];

const EXPIRY_OPTIONS = ["7", "30", "90", "365", "never"] as const;

export function TokensManager({ scopes }: { scopes: { scope: string; description: string }[] }) {
  const trpc = useTRPC();
  const t = useTranslations("tokens");
  const tr = useTranslations();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.tokens.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="text-sm text-slate-600">
          {t.rich("intro", { code: (c) => <code className="rounded bg-slate-100 px-1">{c}</code> })}{" "}
          <a href="/docs/api" className="font-medium text-brand-700 hover:underline">{t("apiReference")}</a>
        </p>
      </div>

      {created ? (
        <SecretShownOnce noun="Token" name={created.name} secret={created.token} label={t("secretLabel")} onDone={() => setCreated(null)} />
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
        <h2 id="tokens-heading" className="font-semibold">{t("yourTokens")}</h2>
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
  const t = useTranslations("tokens.create");
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
    if (!name.trim()) return setError(t("nameMissing"));
    if (chosen.size === 0) return setError(t("scopeMissing"));
    setError(null);
    create.mutate({ name: name.trim(), scopes: [...chosen] as Scope[], expiresInDays: expiry === "never" ? null : Number(expiry) });
  };

  return (
    <form onSubmit={submit} aria-labelledby={`${id}-h`} className="space-y-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm" noValidate>
      <h2 id={`${id}-h`} className="font-semibold">{t("heading")}</h2>
      <div className="grid gap-4 sm:grid-cols-[1fr_auto]">
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
            className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 text-sm"
          />
          <p id={`${id}-name-hint`} className="mt-1 text-xs text-slate-500">{t("nameHint")}</p>
        </div>
        <div>
          <label htmlFor={`${id}-expiry`} className="block text-sm font-medium">{t("expiry")}</label>
          <select id={`${id}-expiry`} value={expiry} onChange={(e) => setExpiry(e.target.value)} className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 text-sm sm:w-40">
            {EXPIRY_OPTIONS.map((o) => (
              <option key={o} value={o}>{o === "never" ? t("never") : o === "365" ? t("year") : t("days", { count: Number(o) })}</option>
            ))}
          </select>
        </div>
      </div>
      <fieldset>
        <legend className="text-sm font-medium">{t("scopes")}</legend>
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
        {create.isPending ? t("creating") : t("submit")}
      </button>
    </form>
  );
}


function TokenRow({ token: t, onRevoked }: { token: Token; onRevoked: () => void }) {
  const trpc = useTRPC();
  const tr = useTranslations("tokens");
  const format = useFormatter();
  const dateFmt = (iso: string) => format.dateTime(new Date(iso), { day: "numeric", month: "short", year: "numeric" });
  const [error, setError] = useState<string | null>(null);
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess: onRevoked, onError: (err) => setError(err.message) }));
  return (
    <RevocableCredential
      name={t.name}
      prefix={t.prefix}
      badges={t.expired && <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">{tr("expired")}</span>}
      consequence={tr("consequence")}
      pending={revoke.isPending}
      error={error}
      onRevoke={() => revoke.mutate({ id: t.id })}
    >
      <ul aria-label={tr("scopes")} className="flex flex-wrap gap-1">
        {t.scopes.map((s) => (
          <li key={s} className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{s}</li>
        ))}
      </ul>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-xs text-slate-600 sm:flex sm:flex-wrap sm:gap-x-4">
        <div className="contents sm:flex sm:gap-1"><dt>{tr("created")}</dt><dd>{dateFmt(t.createdAt)}</dd></div>
        <div className="contents sm:flex sm:gap-1"><dt>{tr("lastUsed")}</dt><dd>{t.lastUsedAt ? <TimeAgo iso={t.lastUsedAt} /> : tr("neverUsed")}</dd></div>
        <div className="contents sm:flex sm:gap-1"><dt>{t.expired ? tr("expiredOn") : tr("expires")}</dt><dd>{t.expiresAt ? dateFmt(t.expiresAt) : tr("neverExpires")}</dd></div>
      </dl>
    </RevocableCredential>
  );
}

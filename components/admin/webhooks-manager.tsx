"use client";
/**
 * /admin/webhooks: the host platform's webhook endpoints (Standard Webhooks, signed with each endpoint's
 * secret) and the delivery log. A form registers an endpoint (URL, events, description) and shows its
 * signing secret once; each endpoint can be turned off and on; the log lists the latest deliveries with
 * their status, attempts and last answer. Native labelled controls; errors are announced (role="alert").
 */
import { useId, useState, type ReactNode } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";
import { SecretShownOnce } from "@/components/ui/secret-shown-once";
import { TimeAgo } from "@/components/ui/time-ago";

/** The events an endpoint receives, each with its description's key in the `webhooks.event` catalog. */
const EVENTS = [{ value: "notification.action_clicked", label: "actionClicked" }] as const;
/** How many deliveries the log shows. */
const LOG_LIMIT = 50;
const hidden = (chunks: ReactNode) => <span className="sr-only">{chunks}</span>;

export function WebhooksManager() {
  const trpc = useTRPC();
  const t = useTranslations("webhooks");
  const queryClient = useQueryClient();
  const list = useQuery(trpc.webhooks.list.queryOptions());
  const log = useQuery({ ...trpc.webhooks.deliveries.queryOptions({ limit: LOG_LIMIT }), refetchInterval: 5_000 });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const toggle = useMutation(trpc.webhooks.setEnabled.mutationOptions({ onSettled: () => void invalidate() }));

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="text-sm text-slate-600">
          {t.rich("intro", {
            header: "webhook-signature",
            link: (c) => <a href="https://www.standardwebhooks.com/" className="font-medium text-brand-700 underline">{c}</a>,
            code: (c) => <code className="rounded bg-slate-100 px-1">{c}</code>,
          })}
        </p>
      </div>

      {created ? (
        <SecretShownOnce
          noun="Secret"
          name={created.url}
          secret={created.secret}
          label={t("secretLabel")}
          note={t("secretNote")}
          onDone={() => setCreated(null)}
        />
      ) : (
        <CreateForm
          onCreated={(url, secret) => {
            setCreated({ url, secret });
            void invalidate();
          }}
        />
      )}

      <section aria-labelledby="endpoints-heading" className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="endpoints-heading" className="font-semibold">{t("endpoints")}</h2>
        {list.isPending ? (
          <div aria-busy="true" aria-label={t("loadingEndpoints")} className="mt-3 h-20 animate-pulse rounded-xl bg-slate-200/70" />
        ) : list.isError ? (
          <p role="alert" className="mt-3 text-sm text-rose-800">{t("endpointsError")}</p>
        ) : list.data.length === 0 ? (
          <p className="mt-3 rounded-xl border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">{t("noEndpoints")}</p>
        ) : (
          <ul className="mt-3 divide-y divide-slate-100">
            {list.data.map((e) => (
              <li key={e.id} data-testid="webhook-endpoint" className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div className="min-w-0">
                  <p className="font-mono text-sm wrap-anywhere">{e.url}</p>
                  <p className="text-xs text-slate-600">
                    {e.description ? `${e.description} · ` : ""}
                    {e.events.join(", ")} · {e.disabledAt ? <span className="font-medium text-amber-800">{t("off")}</span> : <span className="font-medium text-brand-700">{t("on")}</span>}
                  </p>
                </div>
                <button
                  type="button"
                  disabled={toggle.isPending}
                  onClick={() => toggle.mutate({ id: e.id, enabled: !!e.disabledAt })}
                  className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60"
                >
                  {t.rich(e.disabledAt ? "turnOn" : "turnOff", { url: e.url, hidden })}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="log-heading" className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="log-heading" className="font-semibold">{t("log")}</h2>
        <p className="text-sm text-slate-600">{t("logHint", { count: LOG_LIMIT })}</p>
        {log.isPending ? (
          <div aria-busy="true" aria-label={t("loadingLog")} className="mt-3 h-20 animate-pulse rounded-xl bg-slate-200/70" />
        ) : log.isError ? (
          <p role="alert" className="mt-3 text-sm text-rose-800">{t("logError")}</p>
        ) : log.data.length === 0 ? (
          <p className="mt-3 text-sm text-slate-600">{t("nothingDelivered")}</p>
        ) : (
          <div className="-mx-2 mt-3 overflow-x-auto" role="region" aria-label={t("logTable")} tabIndex={0}>
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="text-xs uppercase tracking-wide text-slate-500">
                  <th scope="col" className="px-2 py-2 font-medium">{t("column.when")}</th>
                  <th scope="col" className="px-2 py-2 font-medium">{t("column.event")}</th>
                  <th scope="col" className="px-2 py-2 font-medium">{t("column.endpoint")}</th>
                  <th scope="col" className="px-2 py-2 font-medium">{t("column.status")}</th>
                  <th scope="col" className="px-2 py-2 font-medium">{t("column.attempts")}</th>
                  <th scope="col" className="px-2 py-2 font-medium">{t("column.lastAnswer")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {log.data.map((d) => (
                  <tr key={d.id} data-testid="webhook-delivery">
                    <td className="whitespace-nowrap px-2 py-2"><TimeAgo iso={d.createdAt} /></td>
                    <td className="px-2 py-2 font-mono text-xs">{d.eventType}</td>
                    <td className="max-w-56 truncate px-2 py-2 font-mono text-xs" title={d.endpointUrl}>{d.endpointUrl}</td>
                    <td className="px-2 py-2">
                      <span className={d.status === "SUCCEEDED" ? "font-medium text-brand-700" : d.status === "FAILED" ? "font-medium text-rose-700" : "text-amber-800"}>
                        {t(d.status === "SUCCEEDED" ? "status.delivered" : d.status === "FAILED" ? "status.failed" : "status.retrying")}
                      </span>
                    </td>
                    <td className="px-2 py-2">{d.attempts}</td>
                    <td className="px-2 py-2 text-xs text-slate-600">{d.lastStatus ?? d.lastError ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function CreateForm({ onCreated }: { onCreated: (url: string, secret: string) => void }) {
  const trpc = useTRPC();
  const t = useTranslations("webhooks");
  const id = useId();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string | null>(null);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: (r) => {
        setUrl("");
        setDescription("");
        setError(null);
        onCreated(r.endpoint.url, r.secret);
      },
      onError: (err) => setError(err.message),
    }),
  );
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!url.trim()) return setError(t("urlMissing"));
    setError(null);
    create.mutate({ url: url.trim(), events: EVENTS.map((ev) => ev.value), description: description.trim() });
  };
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-h`} className="space-y-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm" noValidate>
      <h2 id={`${id}-h`} className="font-semibold">{t("register")}</h2>
      <div>
        <label htmlFor={`${id}-url`} className="block text-sm font-medium">{t("url")}</label>
        <input
          id={`${id}-url`}
          type="url"
          value={url}
          maxLength={2000}
          required
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://platform.example/hooks/herald"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 font-mono text-sm"
        />
      </div>
      <div>
        <label htmlFor={`${id}-description`} className="block text-sm font-medium">
          {t.rich("description", { muted: (c) => <span className="font-normal text-slate-500">{c}</span> })}
        </label>
        <input
          id={`${id}-description`}
          value={description}
          maxLength={200}
          onChange={(e) => setDescription(e.target.value)}
          placeholder={t("descriptionPlaceholder")}
          className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 text-sm"
        />
      </div>
      <fieldset>
        <legend className="text-sm font-medium">{t("events")}</legend>
        {EVENTS.map((ev) => (
          <label key={ev.value} className="mt-1 flex items-center gap-2 text-sm">
            <input type="checkbox" checked readOnly disabled className="h-4 w-4 accent-brand-700" />
            <span>
              <code className="rounded bg-slate-100 px-1">{ev.value}</code> — {t(`event.${ev.label}`)}
            </span>
          </label>
        ))}
      </fieldset>
      {error && (
        <p id={`${id}-error`} role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {error}
        </p>
      )}
      <button type="submit" disabled={create.isPending} className="rounded-lg bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
        {create.isPending ? t("registering") : t("registerEndpoint")}
      </button>
    </form>
  );
}

"use client";
/**
 * "Devices for push notifications" in the preference center (issue 7). Explains push; the browser's
 * permission prompt appears only after a click on "Enable push on this device" (never on page load), then
 * the service worker is registered and this browser subscribes (./push-client.ts). States: unsupported
 * browser, insecure page, push not configured on the server, permission blocked (with how to re-enable),
 * on for this device, error. Below: the user's devices (label, added, last delivery, "This device"), then the
 * Android and iOS apps registered for pushes (FCM: "Android app 3.2.1", added, last opened), each with Remove.
 * Outcomes are announced in a polite live region; errors in an alert.
 */
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "use-intl";
import { useTRPC } from "@/components/trpc";
import { TimeAgo } from "@/components/ui/time-ago";
import { currentSubscription, enablePush, notificationPermission, pushSupport, unsubscribeThisBrowser, type PushSupport } from "./push-client";

type Local = { support: PushSupport; permission: NotificationPermission; endpoint: string | null };

/** What this browser can do and whether it already has a subscription (no prompt, no registration). */
async function loadLocal(): Promise<Local> {
  const support = pushSupport();
  const sub = support === "supported" ? await currentSubscription().catch(() => null) : null;
  return { support, permission: support === "supported" ? notificationPermission() : "default", endpoint: sub?.endpoint ?? null };
}

export function PushDevices() {
  const trpc = useTRPC();
  const t = useTranslations("pushDevices");
  const tr = useTranslations();
  const format = useFormatter();
  const dateFmt = (iso: string) => format.dateTime(new Date(iso), { day: "numeric", month: "short", year: "numeric" });
  const queryClient = useQueryClient();
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const key = useQuery(trpc.push.vapidPublicKey.queryOptions());
  const devices = useQuery(trpc.push.devices.queryOptions());
  const apps = useQuery(trpc.push.appDevices.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.push.devices.queryKey() });

  // What this browser can do and whether it already has a subscription; read after mount (no prompt).
  const [local, setLocal] = useState<Local | null>(null);
  const readLocal = useCallback(() => loadLocal().then(setLocal), []);
  useEffect(() => {
    let live = true;
    void loadLocal().then((l) => {
      if (live) setLocal(l);
    });
    return () => {
      live = false;
    };
  }, []);

  const [busy, setBusy] = useState(false);
  const [announce, setAnnounce] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState(false);

  const subscribe = useMutation(trpc.push.subscribe.mutationOptions());
  const remove = useMutation(trpc.push.remove.mutationOptions());
  const removeApp = useMutation(trpc.push.removeApp.mutationOptions());

  const thisDevice = local?.endpoint ? devices.data?.find((d) => d.endpoint === local.endpoint) : undefined;

  async function enable() {
    const publicKey = key.data?.publicKey;
    if (!publicKey) return;
    setBusy(true);
    setError(null);
    setDismissed(false);
    setAnnounce("");
    try {
      const result = await enablePush(publicKey);
      if (result.kind === "denied") {
        setAnnounce(t("blockedAnnounce"));
      } else if (result.kind === "dismissed") {
        setDismissed(true);
        setAnnounce(t("dismissedAnnounce"));
      } else {
        const { endpoint, keys, expirationTime } = result.subscription;
        await subscribe.mutateAsync({
          subscription: { endpoint: endpoint ?? "", expirationTime: expirationTime ?? null, keys: { p256dh: keys?.p256dh ?? "", auth: keys?.auth ?? "" } },
          userAgent: navigator.userAgent.slice(0, 512),
        });
        await invalidate();
        setAnnounce(t("onAnnounce"));
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      await readLocal();
      setBusy(false);
    }
  }

  async function removeDevice(id: string, label: string, isThis: boolean) {
    setError(null);
    try {
      await remove.mutateAsync({ id });
      if (isThis) await unsubscribeThisBrowser();
      await invalidate();
      await readLocal();
      setAnnounce(isThis ? t("removedThis", { label }) : t("removed", { label }));
      heading.current?.focus();
    } catch (err) {
      setError(t("notRemoved", { message: err instanceof Error ? err.message : String(err) }));
    }
  }

  async function removeAppDevice(id: string, label: string) {
    setError(null);
    try {
      await removeApp.mutateAsync({ id });
      await queryClient.invalidateQueries({ queryKey: trpc.push.appDevices.queryKey() });
      setAnnounce(t("removed", { label }));
      heading.current?.focus();
    } catch (err) {
      setError(t("notRemoved", { message: err instanceof Error ? err.message : String(err) }));
    }
  }

  const appRows = (apps.data ?? []).map((a) => ({ ...a, label: t("appLabel", { platform: a.platform, version: a.app_version }) }));

  return (
    <section aria-labelledby={headingId} className="mx-auto max-w-3xl rounded-2xl border border-slate-200 bg-white p-5 shadow-sm" data-testid="push-devices">
      <h2 id={headingId} ref={heading} tabIndex={-1} className="font-semibold focus:outline-none">
        {t("heading")}
      </h2>
      <p className="mb-3 text-sm text-slate-600">{t("intro")}</p>

      <div className="rounded-xl bg-slate-50 p-4 text-sm">
        <ThisDeviceStatus
          local={local}
          configured={key.isPending ? null : !!key.data?.publicKey}
          subscribedHere={!!thisDevice}
          busy={busy}
          dismissed={dismissed}
          onEnable={() => void enable()}
          onDisable={thisDevice ? () => void removeDevice(thisDevice.id, thisDevice.label, true) : undefined}
        />
        {error ? (
          <p role="alert" className="mt-3 rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-rose-800">
            {t("error", { message: error })}
          </p>
        ) : null}
      </div>
      <p role="status" aria-live="polite" className="sr-only">
        {announce}
      </p>

      <h3 className="mt-5 text-sm font-medium text-slate-900">{t("yourDevices")}</h3>
      {devices.isPending ? (
        <div aria-busy="true" aria-label={t("loading")} className="mt-2 h-16 animate-pulse rounded-xl bg-slate-200/70" />
      ) : devices.isError ? (
        <p role="alert" className="mt-2 text-sm text-rose-800">
          {t("loadError")}{" "}
          <button type="button" className="font-medium underline" onClick={() => void devices.refetch()}>
            {tr("common.tryAgain")}
          </button>
        </p>
      ) : devices.data.length === 0 && appRows.length === 0 ? (
        <p className="mt-2 rounded-xl border border-dashed border-slate-300 p-4 text-center text-sm text-slate-600">{t("empty")}</p>
      ) : (
        <ul aria-label={t("list")} className="mt-1 divide-y divide-slate-100">
          {devices.data.map((d) => {
            const isThis = d.id === thisDevice?.id;
            return (
              <li key={d.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 py-3">
                <div className="min-w-0">
                  <p className="flex flex-wrap items-center gap-2">
                    <span className="break-words font-medium">{d.label}</span>
                    {isThis ? <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-800">{t("thisDevice")}</span> : null}
                  </p>
                  <p className="text-xs text-slate-600">
                    {t.rich("added", { date: dateFmt(d.createdAt), time: (c) => <time dateTime={d.createdAt}>{c}</time> })}
                    {" · "}
                    {d.lastSuccessAt ? t.rich("lastNotification", { ago: () => <TimeAgo iso={d.lastSuccessAt!} /> }) : t("noneYet")}
                  </p>
                </div>
                <button
                  type="button"
                  onClick={() => void removeDevice(d.id, d.label, isThis)}
                  disabled={remove.isPending && remove.variables?.id === d.id}
                  aria-label={t(isThis ? "removeThisLabel" : "removeLabel", { label: d.label, date: dateFmt(d.createdAt) })}
                  className="shrink-0 rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-60"
                >
                  {remove.isPending && remove.variables?.id === d.id ? t("removing") : t("remove")}
                </button>
              </li>
            );
          })}
          {appRows.map((a) => (
            <li key={a.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 py-3" data-testid="app-device">
              <div className="min-w-0">
                <p className="break-words font-medium">{a.label}</p>
                <p className="text-xs text-slate-600">
                  {t.rich("added", { date: dateFmt(a.created_at), time: (c) => <time dateTime={a.created_at}>{c}</time> })}
                  {" · "}
                  {t.rich("appSeen", { ago: () => <TimeAgo iso={a.last_seen_at} /> })}
                </p>
              </div>
              <button
                type="button"
                onClick={() => void removeAppDevice(a.id, a.label)}
                disabled={removeApp.isPending && removeApp.variables?.id === a.id}
                aria-label={t("removeLabel", { label: a.label, date: dateFmt(a.created_at) })}
                className="shrink-0 rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-60"
              >
                {removeApp.isPending && removeApp.variables?.id === a.id ? t("removing") : t("remove")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ThisDeviceStatus(props: {
  local: Local | null;
  configured: boolean | null;
  subscribedHere: boolean;
  busy: boolean;
  dismissed: boolean;
  onEnable: () => void;
  onDisable?: () => void;
}) {
  const t = useTranslations("pushDevices");
  const { local } = props;
  if (!local || props.configured === null) return <p className="text-slate-600">{t("checking")}</p>;
  if (!props.configured) return <p className="text-slate-700">{t("notConfigured")}</p>;
  if (local.support === "insecure") return <p className="text-slate-700">{t("insecure")}</p>;
  if (local.support === "unsupported") return <p className="text-slate-700">{t("unsupported")}</p>;
  if (local.permission === "denied") {
    return (
      <div className="space-y-1 text-slate-700">
        <p className="font-medium text-slate-900">{t("blocked")}</p>
        <p>{t("blockedHelp")}</p>
      </div>
    );
  }
  if (props.subscribedHere) {
    return (
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="font-medium text-brand-800">
          <span aria-hidden>✓ </span>
          {t("on")}
        </p>
        {props.onDisable ? (
          <button type="button" onClick={props.onDisable} className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
            {t("turnOff")}
          </button>
        ) : null}
      </div>
    );
  }
  return (
    <div className="flex flex-wrap items-center justify-between gap-3">
      <p className="text-slate-700">
        {props.dismissed ? t("stillOff") : t("off")}
      </p>
      <button
        type="button"
        onClick={props.onEnable}
        disabled={props.busy}
        className="rounded-lg bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60"
      >
        {props.busy ? t("enabling") : t("enable")}
      </button>
    </div>
  );
}

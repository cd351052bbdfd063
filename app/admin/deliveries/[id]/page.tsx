import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { currentUser, requireUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { api } from "@/server/trpc/server";
import type { DeliveryDetail } from "@/server/services/delivery/delivery-log";
import { DeliveryStatusBadge } from "@/components/admin/delivery-log-table";
import { DeliveryLogTimeline } from "@/components/admin/delivery-log-timeline";
import { DeliveryLogTime } from "@/components/admin/delivery-log-time";
import { reasonWords } from "@/components/admin/delivery-log-reason";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("deliveryLog.detail.metaTitle") };
}

/** A translator in the request's language (full keys). */
type Translator = Awaited<ReturnType<typeof requestTranslator>>;

/** The list's query string carried in `?back=`, re-encoded onto the fixed list path (never another URL). */
function backHref(back: string | string[] | undefined): string {
  if (typeof back !== "string" || back.length > 2000) return "/admin/deliveries";
  const q = new URLSearchParams(back).toString();
  return q ? `/admin/deliveries?${q}` : "/admin/deliveries";
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-0.5 py-2 sm:grid-cols-[8rem_1fr] sm:gap-3 lg:grid-cols-1 lg:gap-0.5">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{term}</dt>
      <dd className="min-w-0 break-words text-sm text-slate-900">{children}</dd>
    </div>
  );
}

/** A `<time>` tag of a rich message: the instant in the admin's zone (and UTC). */
function timeTag(at: Date) {
  return function CapturedTime() {
    return <DeliveryLogTime iso={at.toISOString()} />;
  };
}

/** "captured <time>" under a captured message. */
function capturedAt(t: Translator, at: Date) {
  return t.rich("deliveryLog.captured.at", { time: timeTag(at) });
}

const card = "rounded-xl border border-slate-200 bg-white p-4";
const devLink = "inline-block font-medium text-brand-700 hover:underline";
const offNote = "text-xs text-slate-500";

/** What the embedded mode captured for this delivery's channel (in-app has nothing to capture). */
function Captured({ d, t }: { d: DeliveryDetail; t: Translator }) {
  if (d.channel === "IN_APP") return null;
  const title = t(`deliveryLog.captured.${d.channel}`);
  return (
    <section aria-labelledby="captured-title" className={card}>
      <h2 id="captured-title" className="text-base font-semibold">{title}</h2>
      {d.channel === "EMAIL" && d.capturedEmail ? (
        <div className="mt-2 space-y-1 text-sm">
          <p className="font-medium text-slate-900">{d.capturedEmail.subject}</p>
          <p className="text-slate-600">{t("deliveryLog.captured.to", { address: d.capturedEmail.to })}</p>
          <p className="text-slate-600">{capturedAt(t, d.capturedEmail.createdAt)}</p>
          {d.capturedEmail.openable ? (
            <Link href={`/dev/mailbox/${d.capturedEmail.id}`} className={devLink}>{t("deliveryLog.captured.openMailbox")}</Link>
          ) : (
            <p className={offNote}>{t("deliveryLog.captured.mailboxOff")}</p>
          )}
        </div>
      ) : d.channel === "SMS" && d.capturedSms ? (
        <div className="mt-2 space-y-1 text-sm">
          <p data-testid="captured-sms" className="whitespace-pre-wrap break-words rounded-lg bg-slate-50 p-3 font-mono text-[13px] text-slate-900">{d.capturedSms.body}</p>
          <p className="text-slate-600">{t("deliveryLog.captured.smsTo", { address: d.capturedSms.to, count: d.capturedSms.segments })}</p>
          <p className="text-slate-600">{capturedAt(t, d.capturedSms.createdAt)}</p>
          {d.capturedSms.openable ? <Link href="/dev/sms" className={devLink}>{t("deliveryLog.captured.openTexts")}</Link> : null}
        </div>
      ) : d.channel === "PUSH" && d.capturedPushes ? (
        <div className="mt-2 space-y-1 text-sm">
          <p className="font-medium text-slate-900">{d.capturedPushes.title}</p>
          {d.capturedPushes.body ? <p className="text-slate-700">{d.capturedPushes.body}</p> : null}
          <p className="text-slate-600">
            {t.rich("deliveryLog.captured.pushTo", { count: d.capturedPushes.devices, time: timeTag(d.capturedPushes.createdAt) })}
          </p>
          {d.capturedPushes.openable ? <Link href="/dev/pushes" className={devLink}>{t("deliveryLog.captured.openPushes")}</Link> : null}
        </div>
      ) : (
        <p className="mt-2 text-sm text-slate-600">
          {t(`deliveryLog.captured.none.${d.channel}`)}
        </p>
      )}
    </section>
  );
}

/**
 * /admin/deliveries/<id>: one delivery's timeline (created, held and why, sent, the provider's outcome,
 * read), the notification it carried, its recipient, and the email, text or pushes the embedded mode
 * captured for it.
 */
export default async function DeliveryTimelinePage(props: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await props.params;
  const user = await requireUser(`/admin/deliveries/${id}`);
  if (user.role !== "ADMIN") forbidden();
  const back = backHref((await props.searchParams).back);
  let d: DeliveryDetail;
  try {
    d = await (await api()).admin.delivery({ id });
  } catch (err) {
    // No loading boundary wraps this page, so this is a real 404 (the list's loading.tsx lives in (log)/).
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
    throw err;
  }
  const n = d.notification;
  const t = await requestTranslator(user);
  const channel = t(`channels.${d.channel}`);
  const role = t.has(`deliveryLog.role.${d.user.role as "ADMIN"}`) ? t(`deliveryLog.role.${d.user.role as "ADMIN"}`) : d.user.role.toLowerCase();
  const typeLabel = t.has(`types.${n.type as "new_listing"}.label`) ? t(`types.${n.type as "new_listing"}.label`) : (n.typeLabel ?? n.type);
  const category = t.has(`deliveryLog.category.${n.category as "listings"}`) ? t(`deliveryLog.category.${n.category as "listings"}`) : n.category;
  const priority = t.has(`deliveryLog.priority.${n.priority as "normal"}`) ? t(`deliveryLog.priority.${n.priority as "normal"}`) : n.priority;
  const reason = reasonWords((key, values) => t(`deliveryLog.reason.${key}`, values), d.reason, d.reasonText, d.channel);
  return (
    <article aria-labelledby="delivery-title" className="space-y-5">
      <Link href={back} className="inline-block rounded text-sm text-brand-700 hover:underline">{t("deliveryLog.detail.back")}</Link>
      <header>
        <p className="text-xs font-medium uppercase tracking-wide text-slate-500">
          {t("deliveryLog.detail.kicker", { channel })}
        </p>
        <h1 id="delivery-title" className="text-xl font-semibold tracking-tight sm:text-2xl">{n.title}</h1>
        <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <DeliveryStatusBadge status={d.status} />
          <span>{t("deliveryLog.detail.to", { name: d.user.name })}</span>
        </div>
      </header>

      <div className="grid gap-5 lg:grid-cols-[3fr_2fr]">
        <div className="space-y-5">
          <section aria-labelledby="timeline-title" className={card}>
            <h2 id="timeline-title" className="mb-3 text-base font-semibold">{t("deliveryLog.detail.timeline")}</h2>
            <DeliveryLogTimeline steps={d.timeline} channel={d.channel} />
            <p className="mt-4 text-xs text-slate-500">{t("deliveryLog.detail.timelineNote")}</p>
          </section>
          <Captured d={d} t={t} />
        </div>

        <div className="space-y-5">
          <section aria-labelledby="notification-title" className={card}>
            <h2 id="notification-title" className="text-base font-semibold">{t("deliveryLog.detail.notification")}</h2>
            <dl className="divide-y divide-slate-100">
              <Fact term={t("deliveryLog.detail.title")}>{n.title}</Fact>
              {n.body ? <Fact term={t("deliveryLog.detail.body")}>{n.body}</Fact> : null}
              <Fact term={t("deliveryLog.detail.type")}>
                {typeLabel} <span className="font-mono text-xs text-slate-500">({n.type})</span>
              </Fact>
              <Fact term={t("deliveryLog.detail.category")}>{category}</Fact>
              <Fact term={t("deliveryLog.detail.priority")}>{priority}</Fact>
              <Fact term={t("deliveryLog.detail.created")}><DeliveryLogTime iso={n.createdAt.toISOString()} /></Fact>
              <Fact term={t("deliveryLog.detail.recipient")}>
                {d.user.name}
                <Link href={`/admin/deliveries?email=${encodeURIComponent(d.user.email)}`} className="block break-all text-brand-700 hover:underline">
                  {d.user.email}
                </Link>
                <span className="block text-xs text-slate-500">{t("deliveryLog.detail.recipientMeta", { role, timezone: d.user.timezone })}</span>
              </Fact>
            </dl>
          </section>

          <section aria-labelledby="record-title" className={card}>
            <h2 id="record-title" className="text-base font-semibold">{t("deliveryLog.detail.record")}</h2>
            <dl className="divide-y divide-slate-100">
              <Fact term={t("deliveryLog.detail.channel")}>{channel}</Fact>
              <Fact term={t("deliveryLog.detail.status")}>{d.status}</Fact>
              <Fact term={t("deliveryLog.detail.reason")}>
                {reason ?? "—"}
                {d.reason && d.reason !== d.reasonText ? <span className="ml-1 font-mono text-xs text-slate-500">({d.reason})</span> : null}
              </Fact>
              <Fact term={t("deliveryLog.detail.providerId")}>{d.providerMessageId ? <span className="break-all font-mono text-xs">{d.providerMessageId}</span> : "—"}</Fact>
              <Fact term={t("deliveryLog.detail.attempts")}>{d.attempts}</Fact>
              <Fact term={t("deliveryLog.detail.deliveryId")}><span className="break-all font-mono text-xs">{d.id}</span></Fact>
              <Fact term={t("deliveryLog.detail.notificationId")}><span className="break-all font-mono text-xs">{n.id}</span></Fact>
            </dl>
          </section>
        </div>
      </div>
    </article>
  );
}

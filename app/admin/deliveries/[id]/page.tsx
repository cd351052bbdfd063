import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { requireUser } from "@/server/auth";
import { api } from "@/server/trpc/server";
import type { DeliveryDetail } from "@/server/services/delivery/delivery-log";
import { CHANNEL_LABEL, DeliveryStatusBadge } from "@/components/admin/delivery-log-table";
import { DeliveryLogTimeline } from "@/components/admin/delivery-log-timeline";
import { DeliveryLogTime } from "@/components/admin/delivery-log-time";

export const metadata: Metadata = { title: "Delivery timeline" };

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

const card = "rounded-xl border border-slate-200 bg-white p-4";
const devLink = "inline-block font-medium text-brand-700 hover:underline";
const offNote = "text-xs text-slate-500";

/** What the embedded mode captured for this delivery's channel (in-app has nothing to capture). */
function Captured({ d }: { d: DeliveryDetail }) {
  if (d.channel === "IN_APP") return null;
  const title = d.channel === "EMAIL" ? "Email as captured" : d.channel === "SMS" ? "Text as captured" : "Push as captured";
  return (
    <section aria-labelledby="captured-title" className={card}>
      <h2 id="captured-title" className="text-base font-semibold">{title}</h2>
      {d.channel === "EMAIL" && d.capturedEmail ? (
        <div className="mt-2 space-y-1 text-sm">
          <p className="font-medium text-slate-900">{d.capturedEmail.subject}</p>
          <p className="text-slate-600">to {d.capturedEmail.to}</p>
          <p className="text-slate-600">
            captured <DeliveryLogTime iso={d.capturedEmail.createdAt.toISOString()} />
          </p>
          {d.capturedEmail.openable ? (
            <Link href={`/dev/mailbox/${d.capturedEmail.id}`} className={devLink}>Open in the dev mailbox</Link>
          ) : (
            <p className={offNote}>The dev mailbox is off (a real email provider is configured).</p>
          )}
        </div>
      ) : d.channel === "SMS" && d.capturedSms ? (
        <div className="mt-2 space-y-1 text-sm">
          <p data-testid="captured-sms" className="whitespace-pre-wrap break-words rounded-lg bg-slate-50 p-3 font-mono text-[13px] text-slate-900">{d.capturedSms.body}</p>
          <p className="text-slate-600">
            to {d.capturedSms.to} · {d.capturedSms.segments} {d.capturedSms.segments === 1 ? "segment" : "segments"}
          </p>
          <p className="text-slate-600">
            captured <DeliveryLogTime iso={d.capturedSms.createdAt.toISOString()} />
          </p>
          {d.capturedSms.openable ? <Link href="/dev/sms" className={devLink}>Open the dev texts page</Link> : null}
        </div>
      ) : d.channel === "PUSH" && d.capturedPushes ? (
        <div className="mt-2 space-y-1 text-sm">
          <p className="font-medium text-slate-900">{d.capturedPushes.title}</p>
          {d.capturedPushes.body ? <p className="text-slate-700">{d.capturedPushes.body}</p> : null}
          <p className="text-slate-600">
            to {d.capturedPushes.devices} {d.capturedPushes.devices === 1 ? "device" : "devices"}, captured{" "}
            <DeliveryLogTime iso={d.capturedPushes.createdAt.toISOString()} />
          </p>
          {d.capturedPushes.openable ? <Link href="/dev/pushes" className={devLink}>Open the dev pushes page</Link> : null}
        </div>
      ) : (
        <p className="mt-2 text-sm text-slate-600">
          {d.channel === "EMAIL" ? "No email for this notification in the dev mailbox." : d.channel === "SMS" ? "No text for this notification was captured." : "No push for this notification was captured."}
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
  return (
    <article aria-labelledby="delivery-title" className="space-y-5">
      <Link href={back} className="inline-block rounded text-sm text-brand-700 hover:underline">← Delivery log</Link>
      <header>
        <p className="text-xs font-medium uppercase tracking-wide text-slate-500">
          {CHANNEL_LABEL[d.channel] ?? d.channel} delivery
        </p>
        <h1 id="delivery-title" className="text-xl font-semibold tracking-tight sm:text-2xl">{n.title}</h1>
        <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <DeliveryStatusBadge status={d.status} />
          <span>to {d.user.name}</span>
        </div>
      </header>

      <div className="grid gap-5 lg:grid-cols-[3fr_2fr]">
        <div className="space-y-5">
          <section aria-labelledby="timeline-title" className={card}>
            <h2 id="timeline-title" className="mb-3 text-base font-semibold">Timeline</h2>
            <DeliveryLogTimeline steps={d.timeline} />
            <p className="mt-4 text-xs text-slate-500">
              Only what this delivery&rsquo;s record shows. It keeps its latest status, so an earlier state that a later one replaced (a hold that was released, “delivered” before a bounce) is not listed.
            </p>
          </section>
          <Captured d={d} />
        </div>

        <div className="space-y-5">
          <section aria-labelledby="notification-title" className={card}>
            <h2 id="notification-title" className="text-base font-semibold">Notification</h2>
            <dl className="divide-y divide-slate-100">
              <Fact term="Title">{n.title}</Fact>
              {n.body ? <Fact term="Body">{n.body}</Fact> : null}
              <Fact term="Type">
                {n.typeLabel ?? n.type} <span className="font-mono text-xs text-slate-500">({n.type})</span>
              </Fact>
              <Fact term="Category">{n.category}</Fact>
              <Fact term="Priority">{n.priority}</Fact>
              <Fact term="Created"><DeliveryLogTime iso={n.createdAt.toISOString()} /></Fact>
              <Fact term="Recipient">
                {d.user.name}
                <Link href={`/admin/deliveries?email=${encodeURIComponent(d.user.email)}`} className="block break-all text-brand-700 hover:underline">
                  {d.user.email}
                </Link>
                <span className="block text-xs text-slate-500">{d.user.role.toLowerCase()} · time zone {d.user.timezone}</span>
              </Fact>
            </dl>
          </section>

          <section aria-labelledby="record-title" className={card}>
            <h2 id="record-title" className="text-base font-semibold">Delivery record</h2>
            <dl className="divide-y divide-slate-100">
              <Fact term="Channel">{CHANNEL_LABEL[d.channel] ?? d.channel}</Fact>
              <Fact term="Status">{d.status}</Fact>
              <Fact term="Reason">
                {d.reasonText ?? "—"}
                {d.reason && d.reason !== d.reasonText ? <span className="ml-1 font-mono text-xs text-slate-500">({d.reason})</span> : null}
              </Fact>
              <Fact term="Provider message id">{d.providerMessageId ? <span className="break-all font-mono text-xs">{d.providerMessageId}</span> : "—"}</Fact>
              <Fact term="Send attempts">{d.attempts}</Fact>
              <Fact term="Delivery id"><span className="break-all font-mono text-xs">{d.id}</span></Fact>
              <Fact term="Notification id"><span className="break-all font-mono text-xs">{n.id}</span></Fact>
            </dl>
          </section>
        </div>
      </div>
    </article>
  );
}

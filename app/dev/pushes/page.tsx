import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/server/auth";
import { orNotFound } from "../or-not-found";
import { listCapturedPushes } from "@/server/services/push/captured";
import { TimeAgo } from "@/components/ui/time-ago";
import { DevTabs } from "@/components/dev/dev-tabs";

export const metadata: Metadata = { title: "Captured pushes", robots: { index: false } };

const URGENCY_STYLE: Record<string, string> = {
  high: "bg-rose-50 text-rose-800",
  normal: "bg-slate-100 text-slate-700",
  low: "bg-sky-50 text-sky-800",
  "very-low": "bg-sky-50 text-sky-800",
};

/** Where a captured push went, as people say it. */
const CHANNEL_LABEL = { web: "Browser", android: "Android app", ios: "iOS app" } as const;

/** A TTL in seconds as people say it: "1 h", "12 h", "90 s". */
function ttlLabel(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export default async function CapturedPushesPage() {
  const user = await requireUser("/dev/pushes");
  const pushes = await orNotFound(listCapturedPushes(user));
  return (
    <section aria-labelledby="pushes-title" className="space-y-4">
      <DevTabs current="/dev/pushes" />
      <div>
        <h1 id="pushes-title" className="text-2xl font-semibold tracking-tight">Captured pushes</h1>
        <p className="text-sm text-slate-600">
          Pushes recorded by the embedded mode (PUSH_CAPTURE) for browsers and for the Android and iOS apps, next to the{" "}
          <Link href="/dev/mailbox" className="font-medium text-brand-700 hover:underline">dev mailbox</Link>. Each is also sent to the browser&apos;s
          push service (or to FCM, when it is configured) when it can be reached. {user.role === "ADMIN" ? "You see every push." : "You see the pushes sent to you."}
        </p>
      </div>
      {pushes.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center text-sm text-slate-600">No pushes yet.</p>
      ) : (
        <ul data-testid="pushes-list" className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white">
          {pushes.map((p) => (
            <li key={p.id} className="space-y-1 px-4 py-3">
              <div className="flex flex-col gap-0.5 sm:flex-row sm:items-baseline sm:gap-4">
                <span className="min-w-0 flex-1 break-words font-medium text-slate-900">{p.payload.title ?? "(no title)"}</span>
                <TimeAgo iso={p.createdAt} className="text-xs text-slate-500" />
              </div>
              {p.payload.body ? <p className="break-words text-sm text-slate-700">{p.payload.body}</p> : null}
              <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
                <div className="flex gap-1">
                  <dt className="text-slate-500">Opens</dt>
                  <dd><code className="break-all rounded bg-slate-100 px-1">{p.payload.url ?? "?"}</code></dd>
                </div>
                <div className="flex gap-1">
                  <dt className="text-slate-500">Urgency</dt>
                  <dd><span className={`rounded px-1.5 ${URGENCY_STYLE[p.urgency] ?? URGENCY_STYLE.normal}`}>{p.urgency}</span></dd>
                </div>
                <div className="flex gap-1">
                  <dt className="text-slate-500">TTL</dt>
                  <dd>{ttlLabel(p.ttl)}</dd>
                </div>
                {user.role === "ADMIN" && p.recipient ? (
                  <div className="flex gap-1">
                    <dt className="text-slate-500">To</dt>
                    <dd className="break-all">{p.recipient}</dd>
                  </div>
                ) : null}
                <div className="flex gap-1">
                  <dt className="text-slate-500">Device</dt>
                  <dd data-testid="push-channel">{CHANNEL_LABEL[p.channel]}</dd>
                </div>
                {p.channel === "web" ? (
                  <div className="flex gap-1">
                    <dt className="text-slate-500">Push service</dt>
                    <dd className="break-all">{p.endpointHost}</dd>
                  </div>
                ) : (
                  <div className="flex gap-1">
                    <dt className="text-slate-500">Badge</dt>
                    <dd>{typeof p.payload.badge === "number" ? p.payload.badge : "–"}</dd>
                  </div>
                )}
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

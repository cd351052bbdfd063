import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/server/auth";
import { orNotFound } from "../or-not-found";
import { listCapturedSms } from "@/server/services/sms/dev-sms";
import { formatPhone } from "@/server/services/sms/phone";
import { getPhoneStatus } from "@/server/services/sms/verification";
import { TimeAgo } from "@/components/ui/time-ago";
import { DevTabs } from "@/components/dev/dev-tabs";
import { ReplyForm } from "./reply-form";

export const metadata: Metadata = { title: "Dev texts", robots: { index: false } };

/**
 * /dev/sms (embedded mode only, like /dev/mailbox): texts captured instead of sent, with their segments and
 * encoding, and a form to simulate a reply (STOP/START) from the viewer's own number.
 */
export default async function DevSmsPage() {
  const user = await requireUser("/dev/sms");
  const texts = await orNotFound(listCapturedSms(user));
  const me = await getPhoneStatus(user.id);
  return (
    <section aria-labelledby="sms-title" className="space-y-4">
      <DevTabs current="/dev/sms" />
      <div>
        <h1 id="sms-title" className="text-2xl font-semibold tracking-tight">Dev texts</h1>
        <p className="text-sm text-slate-600">
          Text messages captured instead of sent (no TWILIO_ACCOUNT_SID).{" "}
          {user.role === "ADMIN" ? "You see every text." : "You see the codes you asked for and the texts to your verified number."}{" "}
          <Link href="/settings/account#phone" className="font-medium text-brand-700 hover:underline">
            Your number
          </Link>
        </p>
      </div>
      <ReplyForm from={me.display} />
      {texts.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center text-sm text-slate-600">No texts yet.</p>
      ) : (
        <ul data-testid="sms-list" aria-label="Captured texts" className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white">
          {texts.map((t) => {
            const capacity = t.segments <= 1 ? (t.encoding === "GSM-7" ? 160 : 70) : t.segments * (t.encoding === "GSM-7" ? 153 : 67);
            return (
              <li key={t.id} className="space-y-2 px-4 py-3">
                <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
                  <span className="font-medium text-slate-900">to {formatPhone(t.to)}</span>
                  <TimeAgo iso={t.createdAt.toISOString()} className="text-xs text-slate-500" />
                  <span
                    className={`rounded-full px-2 py-0.5 text-xs font-medium ${t.segments > 1 ? "bg-amber-100 text-amber-900" : "bg-slate-100 text-slate-700"}`}
                    title={t.encoding === "GSM-7" ? "Septets used (extension characters count 2)" : "UTF-16 code units used"}
                  >
                    {t.segments} segment{t.segments === 1 ? "" : "s"} · {t.encoding} · {t.length}/{capacity}
                  </span>
                </div>
                <p className="whitespace-pre-wrap break-words rounded-lg bg-slate-50 px-3 py-2 font-mono text-sm text-slate-800" data-testid="sms-body">
                  {t.body}
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

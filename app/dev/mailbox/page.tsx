import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/server/auth";
import { orNotFound } from "../or-not-found";
import { listCapturedEmails } from "@/server/services/email/mailbox";
import { TimeAgo } from "@/components/ui/time-ago";
import { DevTabs } from "@/components/dev/dev-tabs";

export const metadata: Metadata = { title: "Dev mailbox", robots: { index: false } };

export default async function MailboxPage() {
  const user = await requireUser("/dev/mailbox");
  const mails = await orNotFound(listCapturedEmails(user));
  return (
    <section aria-labelledby="mailbox-title" className="space-y-4">
      <DevTabs current="/dev/mailbox" />
      <div>
        <h1 id="mailbox-title" className="text-2xl font-semibold tracking-tight">Dev mailbox</h1>
        <p className="text-sm text-slate-600">
          Email captured instead of sent (no RESEND_API_KEY). {user.role === "ADMIN" ? "You see every message." : "You see the messages sent to you."}
        </p>
      </div>
      {mails.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center text-sm text-slate-600">No email yet.</p>
      ) : (
        <ul data-testid="mailbox-list" className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white">
          {mails.map((m) => (
            <li key={m.id}>
              <Link href={`/dev/mailbox/${m.id}`} className="flex flex-col gap-0.5 px-4 py-3 hover:bg-slate-50 sm:flex-row sm:items-baseline sm:gap-4">
                <span className="min-w-0 flex-1 font-medium text-slate-900">{m.subject}</span>
                <span className="text-sm text-slate-600">to {m.to}</span>
                <TimeAgo iso={m.createdAt.toISOString()} className="text-xs text-slate-500" />
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

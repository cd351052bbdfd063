import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/server/auth";
import { orNotFound } from "../../or-not-found";
import { getCapturedEmail } from "@/server/services/email/mailbox";

export const metadata: Metadata = { title: "Email", robots: { index: false } };

export default async function MailPage(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  const user = await requireUser(`/dev/mailbox/${id}`);
  const mail = await orNotFound(getCapturedEmail(user, id));
  const headers = { From: mail.from, To: mail.to, Subject: mail.subject, ...(mail.headers as Record<string, string>) };
  return (
    <article className="space-y-4">
      <Link href="/dev/mailbox" className="text-sm text-brand-700 hover:underline">← Mailbox</Link>
      <h1 className="text-xl font-semibold">{mail.subject}</h1>
      <section aria-labelledby="headers-title" className="rounded-xl border border-slate-200 bg-white p-4">
        <h2 id="headers-title" className="mb-2 text-sm font-semibold">Headers</h2>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          {Object.entries(headers).map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="font-mono text-slate-500">{k}</dt>
              <dd className="break-all font-mono text-slate-800">{v}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="html-title" className="space-y-2">
        <h2 id="html-title" className="text-sm font-semibold">HTML</h2>
        {/* sandbox="": no scripts, no same-origin access, no navigation of this page. */}
        <iframe title="HTML version" sandbox="" srcDoc={mail.html} className="h-[36rem] w-full rounded-xl border border-slate-200 bg-white" />
      </section>
      <section aria-labelledby="text-title" className="space-y-2">
        <h2 id="text-title" className="text-sm font-semibold">Plain text</h2>
        <pre data-testid="mail-text" className="overflow-x-auto whitespace-pre-wrap rounded-xl border border-slate-200 bg-white p-4 text-sm">{mail.text}</pre>
      </section>
    </article>
  );
}

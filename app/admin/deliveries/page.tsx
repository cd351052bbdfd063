import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { requireUser } from "@/server/auth";
import { api } from "@/server/trpc/server";

export const metadata: Metadata = { title: "Delivery log" };

/** Admins: one user's deliveries, channel by channel, with the pipeline's reasons. */
export default async function AdminDeliveriesPage(props: { searchParams: Promise<{ email?: string }> }) {
  const user = await requireUser("/admin/deliveries");
  if (user.role !== "ADMIN") forbidden();
  const email = (await props.searchParams).email?.slice(0, 320) ?? "";
  let result: Awaited<ReturnType<Awaited<ReturnType<typeof api>>["admin"]["userDeliveries"]>> | null = null;
  let error: string | null = null;
  if (email) {
    try {
      result = await (await api()).admin.userDeliveries({ email });
    } catch (err) {
      if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) error = err.code === "NOT_FOUND" ? "No user with that email." : "Enter an email address.";
      else throw err;
    }
  }
  return (
    <section aria-labelledby="log-title" className="space-y-4">
      <div>
        <h1 id="log-title" className="text-2xl font-semibold tracking-tight">Delivery log</h1>
        <p className="text-sm text-slate-600">What reached a person, on which channel, and why the rest was held or skipped.</p>
      </div>
      <form role="search" className="flex flex-wrap gap-2" action="/admin/deliveries">
        <label htmlFor="email" className="sr-only">User email</label>
        <input id="email" name="email" type="email" defaultValue={email} placeholder="user@example.com" required className="w-72 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm" />
        <button className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800">Show</button>
      </form>
      {error ? <p role="alert" className="text-sm text-rose-700">{error}</p> : null}
      {result ? (
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
          <p className="border-b border-slate-100 px-4 py-2 text-sm">
            <span className="font-medium">{result.user.name}</span> · {result.user.email} · {result.user.role.toLowerCase()} · {result.user.timezone}
          </p>
          {result.deliveries.length === 0 ? (
            <p className="p-6 text-center text-sm text-slate-600">No deliveries yet (in-app notifications are in the user&rsquo;s inbox).</p>
          ) : (
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="px-4 py-2 font-medium">When</th>
                  <th scope="col" className="px-4 py-2 font-medium">Notification</th>
                  <th scope="col" className="px-4 py-2 font-medium">Channel</th>
                  <th scope="col" className="px-4 py-2 font-medium">Status</th>
                  <th scope="col" className="px-4 py-2 font-medium">Why</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {result.deliveries.map((d) => (
                  <tr key={d.id}>
                    <td className="whitespace-nowrap px-4 py-2 text-slate-600">{d.createdAt.toISOString().replace("T", " ").slice(0, 16)} UTC</td>
                    <td className="px-4 py-2">{d.notification.title}<span className="block text-xs text-slate-500">{d.notification.type}</span></td>
                    <td className="px-4 py-2">{d.channel}</td>
                    <td className="px-4 py-2">{d.status}{d.releaseAt ? <span className="block text-xs text-slate-500">until {d.releaseAt.toISOString().slice(0, 16).replace("T", " ")} UTC</span> : null}</td>
                    <td className="px-4 py-2 text-slate-600">{d.reasonText ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ) : null}
    </section>
  );
}

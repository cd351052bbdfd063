import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { requireUser } from "@/server/auth";
import { api } from "@/server/trpc/server";
import { ListingComposer } from "@/components/listings/listing-composer";

export const metadata: Metadata = { title: "New listing" };

export default async function NewListingPage() {
  const user = await requireUser("/business/listings/new");
  if (user.role !== "BUSINESS") forbidden();
  const business = await (await api()).businesses.mine();
  if (!business) forbidden();
  return (
    <section aria-labelledby="composer-title" className="mx-auto max-w-2xl space-y-4">
      <div>
        <h1 id="composer-title" className="text-2xl font-semibold tracking-tight">New listing</h1>
        <p className="text-sm text-slate-600">Followers of {business.name} are notified as soon as you post.</p>
      </div>
      <ListingComposer />
    </section>
  );
}

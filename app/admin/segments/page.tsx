import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { requireUser } from "@/server/auth";
import { api } from "@/server/trpc/server";
import { SegmentManager } from "@/components/admin/segments/segment-manager";
import { categoryOptions, timeZoneOptions } from "@/components/admin/campaigns/page-data";

export const metadata: Metadata = { title: "Segments" };

/** /admin/segments: admins list, build, edit and delete saved campaign audiences; anyone else gets 403. */
export default async function AdminSegmentsPage() {
  const user = await requireUser("/admin/segments");
  if (user.role !== "ADMIN") forbidden();
  const segments = await (await api()).segments.list();
  return (
    <SegmentManager initial={segments} categories={categoryOptions()} timeZones={timeZoneOptions()} />
  );
}

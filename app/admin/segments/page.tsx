import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { currentUser, requireUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { api } from "@/server/trpc/server";
import { SegmentManager } from "@/components/admin/segments/segment-manager";
import { categoryOptions, timeZoneOptions } from "@/components/admin/campaigns/page-data";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("segments.title") };
}

/** /admin/segments: admins list, build, edit and delete saved campaign audiences; anyone else gets 403. */
export default async function AdminSegmentsPage() {
  const user = await requireUser("/admin/segments");
  if (user.role !== "ADMIN") forbidden();
  const segments = await (await api()).segments.list();
  return (
    <SegmentManager initial={segments} categories={categoryOptions()} timeZones={timeZoneOptions()} />
  );
}

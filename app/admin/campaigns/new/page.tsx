import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { currentUser, requireUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { emailIsCaptured } from "@/server/services/email";
import { CampaignEditor } from "@/components/admin/campaigns/campaign-editor";
import { categoryOptions, timeZoneOptions } from "@/components/admin/campaigns/page-data";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("campaignEditor.newTitle") };
}

/** /admin/campaigns/new: the editor for a new draft (admins only; 403 for anyone else). */
export default async function NewCampaignPage() {
  const user = await requireUser("/admin/campaigns/new");
  if (user.role !== "ADMIN") forbidden();
  return (
    <CampaignEditor campaign={null} categories={categoryOptions()} timeZones={timeZoneOptions()} adminEmail={user.email ?? ""} mailbox={emailIsCaptured()} />
  );
}

import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { currentUser, requireUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { CAMPAIGN_COMPLAINT_WARNING_RATE } from "@/server/services/analytics/analytics";
import { CampaignList } from "@/components/admin/campaigns/campaign-list";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("campaigns.title") };
}

/** /admin/campaigns: admins see every broadcast campaign with live progress; anyone else gets 403. */
export default async function AdminCampaignsPage() {
  const user = await requireUser("/admin/campaigns");
  if (user.role !== "ADMIN") forbidden();
  return <CampaignList userId={user.id} complaintWarningRate={CAMPAIGN_COMPLAINT_WARNING_RATE} />;
}

import type { Metadata } from "next";
import { forbidden, notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { currentUser, requireUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { api } from "@/server/trpc/server";
import { emailIsCaptured } from "@/server/services/email";
import { CampaignEditor } from "@/components/admin/campaigns/campaign-editor";
import { CampaignDetail } from "@/components/admin/campaigns/campaign-detail";
import { isEditable } from "@/components/admin/campaigns/campaign-types";
import { categoryOptions, timeZoneOptions } from "@/components/admin/campaigns/page-data";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("campaignEditor.pageTitle") };
}

/**
 * /admin/campaigns/[id]: the editor while the campaign is a draft or scheduled; once it has started, the
 * read-only detail with live progress and the audit trail. Admins only (403); an unknown id is a 404.
 */
export default async function CampaignPage(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  const user = await requireUser(`/admin/campaigns/${encodeURIComponent(id)}`);
  if (user.role !== "ADMIN") forbidden();
  const data = await (await api()).campaigns.get({ id }).catch((err: unknown) => {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
    throw err;
  });
  if (isEditable(data.campaign.status)) {
    return (
      <CampaignEditor
        key={data.campaign.id}
        campaign={data.campaign}
        businessName={data.businessName}
        segmentName={data.segmentName}
        categories={categoryOptions()}
        timeZones={timeZoneOptions()}
        adminEmail={user.email ?? ""}
        mailbox={emailIsCaptured()}
      />
    );
  }
  return <CampaignDetail initial={data} userId={user.id} />;
}

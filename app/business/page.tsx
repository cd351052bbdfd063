import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { currentUser, requireUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { getOwnedBusiness } from "@/server/services/businesses/businesses";
import { BusinessDashboard } from "@/components/business/business-dashboard";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("business.title") };
}

export default async function BusinessDashboardPage() {
  const user = await requireUser("/business");
  if (user.role !== "BUSINESS") forbidden();
  const business = await getOwnedBusiness(user.id);
  if (!business) forbidden();
  return <BusinessDashboard businessId={business.id} />;
}

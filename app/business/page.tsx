import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { requireUser } from "@/server/auth";
import { getOwnedBusiness } from "@/server/services/businesses/businesses";
import { BusinessDashboard } from "@/components/business/business-dashboard";

export const metadata: Metadata = { title: "Dashboard" };

export default async function BusinessDashboardPage() {
  const user = await requireUser("/business");
  if (user.role !== "BUSINESS") forbidden();
  const business = await getOwnedBusiness(user.id);
  if (!business) forbidden();
  return <BusinessDashboard businessId={business.id} />;
}

import type { Metadata } from "next";
import { requireUser } from "@/server/auth";
import { PreferenceCenter } from "@/components/preferences/preference-center";

export const metadata: Metadata = { title: "Notification settings" };

export default async function NotificationSettingsPage() {
  await requireUser("/settings/notifications");
  const timeZones = Intl.supportedValuesOf("timeZone");
  return <PreferenceCenter timeZones={timeZones} />;
}

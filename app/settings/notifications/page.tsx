import type { Metadata } from "next";
import { currentUser, requireUser } from "@/server/auth";
import { PreferenceCenter } from "@/components/preferences/preference-center";
import { SettingsNav } from "@/components/settings/settings-nav";
import { PushDevices } from "@/components/push/push-devices";
import { requestLocale, requestTranslator } from "@/server/i18n-request";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("prefs.title") };
}

export default async function NotificationSettingsPage() {
  const user = await requireUser("/settings/notifications");
  const timeZones = Intl.supportedValuesOf("timeZone");
  return (
    <div className="space-y-6">
      <SettingsNav current="/settings/notifications" />
      <PreferenceCenter timeZones={timeZones} locale={await requestLocale(user)} />
      <PushDevices />
    </div>
  );
}

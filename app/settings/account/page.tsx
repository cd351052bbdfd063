import type { Metadata } from "next";
import { currentUser, requireUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { AccountSettings } from "@/components/settings/account-settings";
import { PasswordSection } from "@/components/settings/password-section";
import { PhoneSection } from "@/components/settings/phone-section";
import { SessionsSection } from "@/components/settings/sessions-section";
import { SettingsNav } from "@/components/settings/settings-nav";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("account.title") };
}

/**
 * /settings/account: download your data, delete your account (issue "Retention and erasure"); the mobile
 * number Herald texts, at #phone (issue 7); the password, at #password, and "Sign out of all devices", at
 * #devices (issue 12).
 */
export default async function AccountSettingsPage() {
  await requireUser("/settings/account");
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <SettingsNav current="/settings/account" />
      <AccountSettings
        middle={
          <>
            <PhoneSection />
            <PasswordSection />
            <SessionsSection />
          </>
        }
      />
    </div>
  );
}

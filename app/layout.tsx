import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import "./globals.css";
import { I18nProvider } from "@/components/i18n-provider";
import { Providers } from "@/components/providers";
import { SiteHeader } from "@/components/ui/site-header";
import { currentUser } from "@/server/auth";
import { getOwnedBusiness } from "@/server/services/businesses/businesses";
import { realtimeClientConfig } from "@/server/realtime-config";
import { emailIsCaptured } from "@/server/services/email";
import { pushIsCaptured } from "@/server/services/push";
import { smsIsCaptured } from "@/server/services/sms";
import { messagesOf, translator } from "@/server/i18n";
import { requestLocale } from "@/server/i18n-request";

export const metadata: Metadata = {
  title: { default: "Herald", template: "%s · Herald" },
  description: "Notifications from the businesses you follow.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#065f46" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  const business = user?.role === "BUSINESS" ? await getOwnedBusiness(user.id) : null;
  const locale = await requestLocale(user);
  const t = translator(locale);
  return (
    <html lang={locale}>
      <body className="min-h-screen">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          {t("common.skipToContent")}
        </a>
        <I18nProvider locale={locale} messages={messagesOf(locale)} timeZone={user?.timezone}>
        <Providers realtime={realtimeClientConfig()} user={user ? { id: user.id, businessId: business?.id ?? null } : null}>
          <SiteHeader user={user ? { name: user.name ?? "", role: user.role } : null} hasBusiness={!!business} outbox={emailIsCaptured() || pushIsCaptured() || smsIsCaptured()} />
          <main id="main" className="mx-auto w-full max-w-5xl px-4 py-6 sm:px-6">
            {children}
          </main>
          <footer className="mx-auto w-full max-w-5xl px-4 pb-8 text-sm text-slate-600 sm:px-6">
            <Link href="/newsletter" className="hover:text-brand-800 hover:underline">{t("common.newsletter")}</Link>
          </footer>
        </Providers>
        </I18nProvider>
      </body>
    </html>
  );
}

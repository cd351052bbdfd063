"use client";
import Link from "next/link";
import { useTranslations } from "use-intl";

const SETTINGS_NAV = [
  { href: "/settings/notifications", key: "notifications" },
  { href: "/settings/tokens", key: "tokens" },
  { href: "/settings/account", key: "account" },
] as const;

/** The tabs above every settings page, in the reader's language. */
export function SettingsNav({ current }: { current: (typeof SETTINGS_NAV)[number]["href"] }) {
  const t = useTranslations("settings.nav");
  return (
    <nav aria-label={t("label")} className="mx-auto flex max-w-3xl gap-1 overflow-x-auto border-b border-slate-200 text-sm">
      {SETTINGS_NAV.map((item) => (
        <Link
          key={item.href}
          href={item.href}
          aria-current={item.href === current ? "page" : undefined}
          className={`-mb-px whitespace-nowrap border-b-2 px-3 py-2 ${item.href === current ? "border-brand-700 font-medium text-slate-900" : "border-transparent text-slate-600 hover:text-slate-900"}`}
        >
          {t(item.key)}
        </Link>
      ))}
    </nav>
  );
}

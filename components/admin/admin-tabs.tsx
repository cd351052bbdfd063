"use client";
/** The admin area's own navigation (one "Admin" link in the header keeps the main nav short); it wraps on phones, so no tab hides off-screen. */
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "use-intl";

/** Each tab's path and its label's key in the `adminTabs` catalog. */
const TABS = [
  { href: "/admin/campaigns", label: "campaigns" },
  { href: "/admin/segments", label: "segments" },
  { href: "/admin/analytics", label: "analytics" },
  { href: "/admin/deliveries", label: "deliveries" },
  { href: "/admin/api-keys", label: "apiKeys" },
  { href: "/admin/webhooks", label: "webhooks" },
  { href: "/admin/users", label: "users" },
] as const;

/** Tabs across /admin/*; the current section is the tab whose path the URL starts with. */
export function AdminTabs() {
  const pathname = usePathname();
  const t = useTranslations("adminTabs");
  return (
    <nav aria-label={t("label")} className="-mt-2 mb-6 flex flex-wrap gap-x-1 border-b border-slate-200 text-sm">
      {TABS.map((tab) => {
        const current = pathname === tab.href || pathname.startsWith(`${tab.href}/`);
        return (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={current ? "page" : undefined}
            className={`-mb-px whitespace-nowrap border-b-2 px-3 py-2 ${current ? "border-brand-700 font-medium text-brand-800" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {t(tab.label)}
          </Link>
        );
      })}
    </nav>
  );
}

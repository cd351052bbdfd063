"use client";
/** The admin area's own navigation (one "Admin" link in the header keeps the main nav short); it wraps on phones, so no tab hides off-screen. */
import Link from "next/link";
import { usePathname } from "next/navigation";

const TABS = [
  { href: "/admin/campaigns", label: "Campaigns" },
  { href: "/admin/segments", label: "Segments" },
  { href: "/admin/analytics", label: "Analytics" },
  { href: "/admin/deliveries", label: "Delivery log" },
  { href: "/admin/api-keys", label: "API keys" },
  { href: "/admin/webhooks", label: "Webhooks" },
  { href: "/admin/users", label: "Users" },
] as const;

/** Tabs across /admin/*; the current section is the tab whose path the URL starts with. */
export function AdminTabs() {
  const pathname = usePathname();
  return (
    <nav aria-label="Admin" className="-mt-2 mb-6 flex flex-wrap gap-x-1 border-b border-slate-200 text-sm">
      {TABS.map((t) => {
        const current = pathname === t.href || pathname.startsWith(`${t.href}/`);
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={current ? "page" : undefined}
            className={`-mb-px whitespace-nowrap border-b-2 px-3 py-2 ${current ? "border-brand-700 font-medium text-brand-800" : "border-transparent text-slate-600 hover:text-slate-900"}`}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}

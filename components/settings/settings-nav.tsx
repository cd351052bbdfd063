import Link from "next/link";

const SETTINGS_NAV = [
  { href: "/settings/notifications", label: "Notifications" },
  { href: "/settings/tokens", label: "API tokens" },
  { href: "/settings/account", label: "Account" },
] as const;

/** The tabs above every settings page. */
export function SettingsNav({ current }: { current: (typeof SETTINGS_NAV)[number]["href"] }) {
  return (
    <nav aria-label="Settings" className="mx-auto flex max-w-3xl gap-1 overflow-x-auto border-b border-slate-200 text-sm">
      {SETTINGS_NAV.map((item) => (
        <Link
          key={item.href}
          href={item.href}
          aria-current={item.href === current ? "page" : undefined}
          className={`-mb-px whitespace-nowrap border-b-2 px-3 py-2 ${item.href === current ? "border-brand-700 font-medium text-slate-900" : "border-transparent text-slate-600 hover:text-slate-900"}`}
        >
          {item.label}
        </Link>
      ))}
    </nav>
  );
}

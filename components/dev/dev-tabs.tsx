import Link from "next/link";

/** The captured channels of the embedded mode (docs/architecture.md, "Two modes"): one "Outbox" in the header, a tab per channel. */
const TABS = [
  { href: "/dev/mailbox", label: "Email" },
  { href: "/dev/pushes", label: "Pushes" },
  { href: "/dev/sms", label: "Texts" },
] as const;

/** Tabs between /dev/mailbox, /dev/pushes and /dev/sms; `current` is the page's own path. */
export function DevTabs({ current }: { current: (typeof TABS)[number]["href"] }) {
  return (
    <nav aria-label="Captured messages" className="flex gap-1 border-b border-slate-200 text-sm">
      {TABS.map((t) => (
        <Link
          key={t.href}
          href={t.href}
          aria-current={t.href === current ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 ${t.href === current ? "border-brand-700 font-medium text-brand-800" : "border-transparent text-slate-600 hover:text-slate-900"}`}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}

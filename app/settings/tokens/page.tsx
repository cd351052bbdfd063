import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/server/auth";
import { TOKEN_SCOPES } from "@/server/services/api/tokens";
import { TokensManager } from "@/components/settings/tokens-manager";

export const metadata: Metadata = { title: "API tokens" };

const SETTINGS_NAV = [
  { href: "/settings/notifications", label: "Notifications" },
  { href: "/settings/tokens", label: "API tokens" },
] as const;

/** /settings/tokens: personal access tokens for Herald's HTTP API (`/api/v1`). */
export default async function TokenSettingsPage() {
  await requireUser("/settings/tokens");
  const scopes = Object.entries(TOKEN_SCOPES).map(([scope, description]) => ({ scope, description }));
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <nav aria-label="Settings" className="flex gap-1 overflow-x-auto border-b border-slate-200 text-sm">
        {SETTINGS_NAV.map((item) => {
          const current = item.href === "/settings/tokens";
          return (
            <Link
              key={item.href}
              href={item.href}
              aria-current={current ? "page" : undefined}
              className={`-mb-px whitespace-nowrap border-b-2 px-3 py-2 ${current ? "border-brand-700 font-medium text-slate-900" : "border-transparent text-slate-600 hover:text-slate-900"}`}
            >
              {item.label}
            </Link>
          );
        })}
      </nav>
      <TokensManager scopes={scopes} />
    </div>
  );
}

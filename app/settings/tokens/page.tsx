import type { Metadata } from "next";
import { requireUser } from "@/server/auth";
import { TOKEN_SCOPES } from "@/server/services/api/tokens";
import { TokensManager } from "@/components/settings/tokens-manager";
import { SettingsNav } from "@/components/settings/settings-nav";

export const metadata: Metadata = { title: "API tokens" };


/** /settings/tokens: personal access tokens for Herald's HTTP API (`/api/v1`). */
export default async function TokenSettingsPage() {
  await requireUser("/settings/tokens");
  const scopes = Object.entries(TOKEN_SCOPES).map(([scope, description]) => ({ scope, description }));
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <SettingsNav current="/settings/tokens" />
      <TokensManager scopes={scopes} />
    </div>
  );
}

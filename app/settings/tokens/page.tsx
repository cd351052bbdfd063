import type { Metadata } from "next";
import { currentUser, requireUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { TOKEN_SCOPE_NAMES } from "@/server/services/api/tokens";
import { TokensManager } from "@/components/settings/tokens-manager";
import { SettingsNav } from "@/components/settings/settings-nav";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("tokens.title") };
}

/** /settings/tokens: personal access tokens for Herald's HTTP API (`/api/v1`). */
export default async function TokenSettingsPage() {
  const user = await requireUser("/settings/tokens");
  const t = await requestTranslator(user);
  const scopes = TOKEN_SCOPE_NAMES.map((scope) => ({ scope, description: t(`tokens.scope.${scope}`) }));
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <SettingsNav current="/settings/tokens" />
      <TokensManager scopes={scopes} />
    </div>
  );
}

import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { currentUser, requireUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { ApiKeysManager } from "@/components/admin/api-keys-manager";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("adminPages.apiKeys") };
}

/** /admin/api-keys: admins create, list and revoke host-platform keys for `POST /api/v1/events`. */
export default async function AdminApiKeysPage() {
  const user = await requireUser("/admin/api-keys");
  if (user.role !== "ADMIN") forbidden();
  return (
    <div className="mx-auto max-w-3xl">
      <ApiKeysManager />
    </div>
  );
}

import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { currentUser, requireUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { WebhooksManager } from "@/components/admin/webhooks-manager";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("adminPages.webhooks") };
}

/** /admin/webhooks: admins register the host platform's webhook endpoints and read the delivery log. */
export default async function AdminWebhooksPage() {
  const user = await requireUser("/admin/webhooks");
  if (user.role !== "ADMIN") forbidden();
  return (
    <div className="mx-auto max-w-4xl">
      <WebhooksManager />
    </div>
  );
}

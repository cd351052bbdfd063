import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { requireUser } from "@/server/auth";
import { WebhooksManager } from "@/components/admin/webhooks-manager";

export const metadata: Metadata = { title: "Webhooks" };

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

import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { requireUser } from "@/server/auth";
import { ApiKeysManager } from "@/components/admin/api-keys-manager";

export const metadata: Metadata = { title: "API keys" };

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

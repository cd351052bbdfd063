import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { currentUser, requireUser } from "@/server/auth";
import { requestTranslator } from "@/server/i18n-request";
import { UsersAdmin } from "@/components/admin/users-admin";

export async function generateMetadata(): Promise<Metadata> {
  const t = await requestTranslator(await currentUser());
  return { title: t("adminPages.users") };
}

/** /admin/users: admins find accounts by email, change their role (which signs that account out everywhere) and link their Stripe customer. */
export default async function AdminUsersPage() {
  const user = await requireUser("/admin/users");
  if (user.role !== "ADMIN") forbidden();
  return (
    <div className="mx-auto max-w-3xl">
      <UsersAdmin currentUserId={user.id} />
    </div>
  );
}

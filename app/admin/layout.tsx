import type { ReactNode } from "react";
import { currentUser } from "@/server/auth";
import { AdminTabs } from "@/components/admin/admin-tabs";

/** Every /admin page: the admin tabs for admins (each page still checks the role itself, and answers 403). */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <>
      {user?.role === "ADMIN" ? <AdminTabs /> : null}
      {children}
    </>
  );
}

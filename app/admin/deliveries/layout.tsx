import type { ReactNode } from "react";
import { forbidden, redirect } from "next/navigation";
import { currentUser } from "@/server/auth";

/**
 * The delivery log is for admins. Decided here, outside the list's loading boundary ((log)/loading.tsx),
 * so the answer is a real redirect or 403 before anything streams (a page under a loading boundary would
 * already have sent 200).
 */
export default async function AdminDeliveriesLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent("/admin/deliveries")}`);
  if (user.role !== "ADMIN") forbidden();
  return children;
}

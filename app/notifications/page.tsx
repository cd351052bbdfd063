import type { Metadata } from "next";
import { requireUser } from "@/server/auth";
import { Inbox } from "@/components/inbox/inbox";
import { NOTIFICATION_TYPES, NOTIFICATION_TYPE_NAMES } from "@/server/services/notifications/catalog";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  await requireUser("/notifications");
  const types = NOTIFICATION_TYPE_NAMES.map((t) => ({ value: t, label: NOTIFICATION_TYPES[t].label }));
  return <Inbox types={types} />;
}

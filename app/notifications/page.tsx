import type { Metadata } from "next";
import { requireUser } from "@/server/auth";
import { Inbox } from "@/components/inbox/inbox";
import { NOTIFICATION_TYPE_NAMES } from "@/server/services/notifications/catalog";
import { requestTranslator } from "@/server/i18n-request";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const user = await requireUser("/notifications");
  const t = await requestTranslator(user);
  const types = NOTIFICATION_TYPE_NAMES.map((type) => ({ value: type, label: t(`types.${type}.label`) }));
  return <Inbox types={types} />;
}

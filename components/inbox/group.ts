"use client";
/**
 * Grouped notifications on the client (issue 5; docs/requirements.md R5.4): the wording of a
 * group and the query behind "Show all". The grouping itself happens on the server
 * (server/services/notifications/list-notifications.ts), so groups are right across pages.
 */
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslations } from "use-intl";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/root";
import { useTRPC } from "@/components/trpc";

type Outputs = inferRouterOutputs<AppRouter>["notifications"];
/** One entry of the grouped inbox: a notification, or the newest member of a group (`group` set). */
export type InboxEntry = Outputs["list"]["items"][number];
/** One notification. */
export type InboxNotification = Outputs["group"]["items"][number];
/** A group of similar unread notifications (`count` ≥ 2, `ids` newest first, at most 50). */
export type InboxGroupInfo = NonNullable<InboxEntry["group"]>;

/**
 * A group's words in the reader's language:
 * - `summary`: "5 new listings from Mario's Trattoria" (the catalog's plural of its type; a type the
 *   catalog no longer has uses the server's noun);
 * - `markLabel`: "Mark all 5 read"; a group larger than the ids it carries marks its newest ones, and says
 *   so ("Mark 50 newest read"), since the button marks exactly the ids it holds.
 */
export function useGroupWords() {
  const t = useTranslations();
  return {
    summary: (g: InboxGroupInfo) => {
      const key = `types.${g.type}.count` as "types.new_listing.count";
      const items = t.has(key) ? t(key, { count: g.count }) : `${g.count} ${g.noun}`;
      return t("group.summary", { items, business: g.businessName });
    },
    markLabel: (g: InboxGroupInfo) => (g.ids.length >= g.count ? t("group.markAll", { count: g.count }) : t("group.markNewest", { count: g.ids.length })),
  };
}

/** The members of a group (its unread notifications), fetched only while `enabled` (the group is open). */
export function useGroupMembers(g: InboxGroupInfo, enabled: boolean) {
  const trpc = useTRPC();
  return useInfiniteQuery({
    ...trpc.notifications.group.infiniteQueryOptions(
      { type: g.type, businessId: g.businessId, limit: 50 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
    enabled,
  });
}

"use client";
/**
 * Grouped notifications on the client (issue 5, seed 000 "aggregate notifications"): the wording of a
 * group and the query behind "Show all". The grouping itself happens on the server
 * (server/services/notifications/list-notifications.ts), so groups are right across pages.
 */
import { useInfiniteQuery } from "@tanstack/react-query";
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

/** "5 new listings from Mario's Trattoria". */
export function groupSummary(g: InboxGroupInfo): string {
  return `${g.count} ${g.noun} from ${g.businessName}`;
}

/**
 * The group's "mark read" button: "Mark all 5 read"; a group larger than the ids it carries marks its
 * newest ones, and says so ("Mark 50 newest read"), since the button marks exactly the ids it holds.
 */
export function markGroupLabel(g: InboxGroupInfo): string {
  return g.ids.length >= g.count ? `Mark all ${g.count} read` : `Mark ${g.ids.length} newest read`;
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

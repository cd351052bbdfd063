"use client";
/** Inbox mutations; each one refetches the inbox and the badge from the server afterwards. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { refreshQueries } from "@/components/refresh-queries";

export function useNotificationActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSettled = () => refreshQueries(queryClient, trpc.notifications.pathKey());
  return {
    markSeen: useMutation(trpc.notifications.markSeen.mutationOptions({ onSettled })),
    markRead: useMutation(trpc.notifications.markRead.mutationOptions({ onSettled })),
    markUnread: useMutation(trpc.notifications.markUnread.mutationOptions({ onSettled })),
    archive: useMutation(trpc.notifications.archive.mutationOptions({ onSettled })),
    unarchive: useMutation(trpc.notifications.unarchive.mutationOptions({ onSettled })),
    remove: useMutation(trpc.notifications.delete.mutationOptions({ onSettled })),
    restore: useMutation(trpc.notifications.restore.mutationOptions({ onSettled })),
    markAllRead: useMutation(trpc.notifications.markAllRead.mutationOptions({ onSettled })),
    snooze: useMutation(trpc.notifications.snooze.mutationOptions({ onSettled })),
    unsnooze: useMutation(trpc.notifications.unsnooze.mutationOptions({ onSettled })),
    act: useMutation(trpc.notifications.act.mutationOptions({ onSettled })),
  };
}

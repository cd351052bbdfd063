"use client";
/**
 * Subscribes the signed-in user to `private-user-<id>` (and a business owner to `private-business-<id>`)
 * with pusher-js, and keeps the cached inbox and badge live (docs/architecture.md "Live inbox"):
 * `notification.new` carries the recipient's entry, unread count and inbox sequence number, which patch
 * the cache without a request (./inbox-cache.ts); a gap in the numbers, and every other inbox change,
 * refetches. Every (re)subscription refetches, so the badge and inbox stay the server's after any reconnect.
 */
import Pusher from "pusher-js";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { refreshQueries } from "@/components/refresh-queries";
import { applyInboxSignal } from "./apply-inbox-signal";
import { businessChannel, INBOX_EVENTS, userChannel } from "@/lib/realtime";

/** What the browser needs to reach the realtime server (public values only; no secret). */
export interface RealtimeClientConfig {
  key: string;
  cluster: string;
  wsHost?: string;
  wsPort?: number;
  forceTLS: boolean;
}

export type ConnectionState = "connecting" | "connected" | "unavailable" | "failed" | "disconnected" | "initialized";

interface RealtimeContextValue {
  state: ConnectionState;
  /** The connection was up and is not now (pusher-js is retrying): live updates wait until it is back. */
  reconnecting: boolean;
  pusher: Pusher | null;
}

const RealtimeContext = createContext<RealtimeContextValue>({ state: "initialized", reconnecting: false, pusher: null });

/** The connection state and client, e.g. for a "reconnecting…" hint or a business's follower feed. */
export function useRealtime(): RealtimeContextValue {
  return useContext(RealtimeContext);
}

export function RealtimeProvider(props: { config: RealtimeClientConfig; userId: string; businessId: string | null; children: ReactNode }) {
  const { config, userId, businessId } = props;
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  const [value, setValue] = useState<RealtimeContextValue>({ state: "initialized", reconnecting: false, pusher: null });

  useEffect(() => {
    const pusher = new Pusher(config.key, {
      cluster: config.cluster,
      ...(config.wsHost ? { wsHost: config.wsHost, wsPort: config.wsPort, wssPort: config.wsPort } : {}),
      forceTLS: config.forceTLS,
      enabledTransports: config.forceTLS ? ["wss"] : ["ws"],
      disableStats: true,
      channelAuthorization: { endpoint: "/api/pusher/auth", transport: "ajax" },
    });
    const refresh = () => {
      void refreshQueries(queryClient, trpc.notifications.pathKey());
    };
    let wasConnected = false;
    pusher.connection.bind("state_change", ({ current }: { current: ConnectionState }) => {
      wasConnected ||= current === "connected";
      setValue({ state: current, reconnecting: wasConnected && current !== "connected", pusher });
    });
    const channel = pusher.subscribe(userChannel(userId));
    // Refetch once the subscription is confirmed (pusher-js resubscribes after every reconnect): events
    // published from then on arrive, and the refetch covers everything before. Refetching on "connected"
    // alone would leave a gap between the refetch and the subscription.
    channel.bind("pusher:subscription_succeeded", refresh);
    const keys = { list: trpc.notifications.list.pathKey(), count: trpc.notifications.unreadCount.pathKey(), all: trpc.notifications.pathKey() };
    for (const name of INBOX_EVENTS) {
      channel.bind(name, (data: unknown) => applyInboxSignal(queryClient, keys, name, data));
    }
    if (businessId) pusher.subscribe(businessChannel(businessId));
    return () => {
      pusher.disconnect();
    };
  }, [config, userId, businessId, queryClient, trpc]);

  return <RealtimeContext.Provider value={value}>{props.children}</RealtimeContext.Provider>;
}

import "server-only";
import { env } from "./env";
import type { RealtimeClientConfig } from "@/components/realtime/realtime-provider";

/** Public realtime settings for the browser (key and WebSocket endpoint; never the secret). */
export function realtimeClientConfig(): RealtimeClientConfig {
  const e = env("realtime");
  const wsHost = e.PUSHER_PUBLIC_HOST ?? e.PUSHER_HOST;
  return { key: e.PUSHER_KEY, cluster: e.PUSHER_CLUSTER, wsHost, wsPort: wsHost ? (e.PUSHER_PUBLIC_PORT ?? e.PUSHER_PORT) : undefined, forceTLS: e.PUSHER_USE_TLS };
}

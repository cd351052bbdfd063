/**
 * The component's client of Herald's embed API (lib/embed.ts): `fetch` with the user token in
 * `Authorization: Bearer`, never cookies (`credentials: "omit"`), never cached.
 *
 * @module
 */
import { EMBED_PATHS, type EmbedCountsJson, type EmbedMarkedJson, type EmbedPageJson, type EmbedSessionJson } from "../lib/embed";

/** A refusal from Herald: its HTTP status and error code (`UNAUTHORIZED`, `RATE_LIMITED`, …), or status 0 offline. */
export class EmbedApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "EmbedApiError";
  }
}

/** The API, bound to Herald's origin and a way to read the current token (it may be replaced later). */
export type EmbedClient = ReturnType<typeof createClient>;

/**
 * A client for `origin` (Herald's, e.g. `https://herald.example.com`).
 * @param token reads the current user token at each call
 */
export function createClient(origin: string, token: () => string) {
  async function call<T>(path: string, init: { method?: "GET" | "POST"; body?: unknown } = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, origin), {
        method: init.method ?? "GET",
        mode: "cors",
        credentials: "omit",
        cache: "no-store",
        headers: { authorization: `Bearer ${token()}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    } catch (err) {
      throw new EmbedApiError(0, "NETWORK", (err as Error).message);
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
      throw new EmbedApiError(res.status, body?.error?.code ?? "HTTP_" + res.status, body?.error?.message ?? res.statusText);
    }
    return (await res.json()) as T;
  }
  return {
    session: () => call<EmbedSessionJson>(EMBED_PATHS.session),
    notifications: (limit: number, cursor?: string | null) =>
      call<EmbedPageJson>(`${EMBED_PATHS.notifications}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`),
    counts: () => call<EmbedCountsJson>(EMBED_PATHS.counts),
    markRead: (ids: string[]) => call<EmbedMarkedJson>(EMBED_PATHS.markRead, { method: "POST", body: { notification_ids: ids } }),
    markSeen: (ids: string[]) => call<EmbedMarkedJson>(EMBED_PATHS.markSeen, { method: "POST", body: { notification_ids: ids } }),
    markAllRead: () => call<EmbedMarkedJson>(EMBED_PATHS.markAllRead, { method: "POST", body: {} }),
    channelAuth: (socketId: string, channelName: string) =>
      call<{ auth: string }>(EMBED_PATHS.channelAuth, { method: "POST", body: { socket_id: socketId, channel_name: channelName } }),
  };
}

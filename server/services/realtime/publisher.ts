/**
 * The server-side realtime publisher port (docs/requirements.md R6.2; docs/architecture.md "Live inbox"):
 * what Herald's services call after a write, to signal the browsers concerned.
 *
 * Built on the real `pusher` package, so the same code talks to Pusher Channels (`cluster`), soketi, or
 * Herald's embedded server (`host` + `port`) by configuration only. One event goes out as one
 * `trigger` (`POST /apps/:id/events`); the same event to many channels as multi-channel `trigger`s of at
 * most 100 channels; other mixes as `triggerBatch` calls of at most 10 events (`POST
 * /apps/:id/batch_events`, Pusher's batch limit; more where the server allows it, `batchSize`), with a few
 * requests in flight at once.
 *
 * Delivery is best effort by design: clients refetch through tRPC on every reconnect (R6.3), so a
 * lost signal never leaves a badge wrong. `publish` does not retry; it reports failures by rejecting.
 *
 * Not imported with "server-only" so Vitest can load it; server code adds that boundary.
 *
 * @module
 */
import http from "node:http";
import https from "node:https";
import pLimit from "p-limit";
import Pusher from "pusher";

/** Events per `batch_events` request: Pusher's limit (HTTP API reference), the default of {@link RealtimePublisherConfig.batchSize}. */
const PUSHER_MAX_BATCH = 10;
/**
 * Events a large publish keeps in flight by default. Each request waits on the server's answer, so one at a
 * time leaves the server idle (with 5,000 events, 8 requests of 10 were sent about a third faster than
 * 4); a server given much more at once writes bursts of frames that, on a busy machine, overflowed the
 * kernel's per-CPU packet backlog (1,000) and were retransmitted (8 requests of 100, bench/live.ts).
 */
const EVENTS_IN_FLIGHT = 300;
/** Channels per multi-channel trigger (Pusher HTTP API limit). */
const MAX_CHANNELS = 100;
const MAX_EVENT_DATA_BYTES = 10 * 1024;
const MAX_EVENT_NAME = 200;
const CHANNEL_NAME = /^[A-Za-z0-9_\-=@,.;]+$/;

/** Connection settings of {@link createRealtimePublisher}. Give `host` (soketi, embedded) or `cluster` (Pusher). */
export interface RealtimePublisherConfig {
  /** Pusher app id (`PUSHER_APP_ID`). */
  appId: string;
  /** Pusher app key (`PUSHER_KEY`). */
  key: string;
  /** Pusher app secret (`PUSHER_SECRET`). */
  secret: string;
  /** API host, e.g. `127.0.0.1` for the embedded server or soketi. Wins over `cluster`. */
  host?: string;
  /** API port (default: 80, or 443 with TLS). */
  port?: number;
  /** Use HTTPS. Default: false with `host`, true with `cluster`. */
  useTLS?: boolean;
  /** Pusher cluster, e.g. `eu` → `api-eu.pusher.com`. */
  cluster?: string;
  /**
   * Events per `batch_events` request. Default 10, Pusher's limit. Larger only for a server configured to
   * accept them (soketi's `SOKETI_EVENT_MAX_BATCH_SIZE`, the embedded server's `maxBatchEvents`): each
   * request costs both sides far more than its events do, so 100 per request sends a large fan-out's
   * signals at about twice the rate.
   */
  batchSize?: number;
  /** Per-request timeout in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /**
   * Batch requests in flight at once for large publishes. Default: about {@link EVENTS_IN_FLIGHT} events'
   * worth, 2 to 8 requests (8 batches of 10; 3 of 100).
   */
  concurrency?: number;
}

/** One realtime event: the channel, the event name (R6.2 names), and JSON-serialisable data. */
export interface RealtimeEvent {
  channel: string;
  name: string;
  /** Serialised with `JSON.stringify` unless already a string; at most 10 KB once serialised. */
  data: unknown;
}

/** The publisher port. */
export interface RealtimePublisher {
  /**
   * Sends the events. Resolves when every request has been accepted by the realtime server.
   * @throws RealtimePublishError before sending anything when an event is invalid (channel name,
   *   event name, data over 10 KB), or after all requests settled when some were refused or failed.
   */
  publish(events: readonly RealtimeEvent[]): Promise<void>;
  /**
   * Asks the realtime server for its channel list (`GET /apps/<id>/channels`, signed): resolves when it
   * answers 200 with no refusal in its body, so the server is reachable and accepts Herald's credentials.
   * @throws the `pusher` library's error (unreachable, timeout, or a refusal such as 401), or an error with
   *   `status` for a refusal written into a 200 answer's body (soketi; see `accepted`).
   */
  ping(): Promise<void>;
}

/** Raised by {@link RealtimePublisher.publish}: invalid input, or some requests failed. */
export class RealtimePublishError extends Error {
  constructor(
    message: string,
    /** Events that were not accepted (all of them for invalid input). */
    readonly failedEvents: number,
    /** Events in the call. */
    readonly totalEvents: number,
    /** HTTP status of the first refused request, when the server answered. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RealtimePublishError";
  }
}

interface PreparedEvent {
  channel: string;
  name: string;
  data: string;
}

function prepare(events: readonly RealtimeEvent[]): PreparedEvent[] {
  return events.map((event, index) => {
    const where = `event ${index}`;
    if (
      typeof event.channel !== "string" ||
      event.channel.length === 0 ||
      event.channel.length > 200 ||
      !CHANNEL_NAME.test(event.channel)
    ) {
      throw new RealtimePublishError(`${where}: invalid channel name`, events.length, events.length);
    }
    if (typeof event.name !== "string" || event.name.length === 0 || event.name.length > MAX_EVENT_NAME) {
      throw new RealtimePublishError(`${where}: event name must be 1-200 characters`, events.length, events.length);
    }
    const data = typeof event.data === "string" ? event.data : (JSON.stringify(event.data) ?? "null");
    if (Buffer.byteLength(data, "utf8") > MAX_EVENT_DATA_BYTES) {
      throw new RealtimePublishError(`${where}: data over 10 KB`, events.length, events.length);
    }
    return { channel: event.channel, name: event.name, data };
  });
}

/** A refusal the server wrote into the body of a "200 OK" answer (see {@link accepted}). */
class RefusedInBody extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "RefusedInBody";
  }
}

function statusOf(err: unknown): number | undefined {
  if ((err instanceof Pusher.RequestError || err instanceof RefusedInBody) && typeof err.status === "number") return err.status;
  return undefined;
}

/**
 * Resolves when the server's answer is an acceptance. Pusher answers refusals with a 4xx status, which the
 * `pusher` library throws as a RequestError. soketi 1.6.1 on the uWebSockets.js build that package.json's
 * `overrides` installs writes its CORS headers before the status, so its refusals (a wrong secret, a batch
 * over `SOKETI_EVENT_MAX_BATCH_SIZE`) arrive as "200 OK" with a body `{"error": "…", "code": 401}`; an
 * acceptance's body is `{}` or the requested channel info, never a numeric `code` ≥ 400 with an `error`.
 * @throws RefusedInBody carrying the body's code as the status.
 */
async function accepted(response: { text(): Promise<string> }): Promise<void> {
  const text = await response.text();
  if (!text.includes('"error"')) return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return;
  }
  const { error, code } = (body ?? {}) as { error?: unknown; code?: unknown };
  if (typeof error === "string" && typeof code === "number" && code >= 400) throw new RefusedInBody(`${code}: ${error}`, code);
}

/**
 * Runs a request, and once more when it failed without an HTTP answer (a reset keep-alive socket, a
 * timeout while the server's process was busy): a signal only makes clients refetch, so sending one twice
 * is harmless, while losing it leaves a badge stale until the next one. Refusals (4xx/5xx) are not retried.
 */
async function withOneRetry<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (statusOf(err) !== undefined) throw err;
    return send();
  }
}

/**
 * Creates the publisher for one Pusher app.
 *
 * @param config `appId`, `key`, `secret`, and either `host` (+ `port`, `useTLS`) for soketi or the
 *   embedded server, or `cluster` for Pusher Channels.
 * @throws Error when neither `host` nor `cluster` is given.
 */
export function createRealtimePublisher(config: RealtimePublisherConfig): RealtimePublisher {
  const timeout = config.timeoutMs ?? 10_000;
  const batchSize = Math.max(1, Math.floor(config.batchSize ?? PUSHER_MAX_BATCH));
  const concurrency = Math.max(1, Math.floor(config.concurrency ?? Math.min(8, Math.max(2, Math.ceil(EVENTS_IN_FLIGHT / batchSize)))));
  let pusher: Pusher;
  if (config.host) {
    const useTLS = config.useTLS ?? false;
    const AgentClass = useTLS ? https.Agent : http.Agent;
    pusher = new Pusher({
      appId: config.appId,
      key: config.key,
      secret: config.secret,
      host: config.host,
      ...(config.port !== undefined ? { port: String(config.port) } : {}),
      useTLS,
      timeout,
      agent: new AgentClass({ keepAlive: true, maxSockets: concurrency * 2 }),
    });
  } else if (config.cluster) {
    pusher = new Pusher({
      appId: config.appId,
      key: config.key,
      secret: config.secret,
      cluster: config.cluster,
      useTLS: config.useTLS ?? true,
      timeout,
      agent: new https.Agent({ keepAlive: true, maxSockets: concurrency * 2 }),
    });
  } else {
    throw new Error("createRealtimePublisher: give host (soketi / embedded server) or cluster (Pusher)");
  }

  async function publish(events: readonly RealtimeEvent[]): Promise<void> {
    if (events.length === 0) return;
    const prepared = prepare(events);

    if (prepared.length === 1) {
      const only = prepared[0] as PreparedEvent;
      try {
        await withOneRetry(async () => accepted(await pusher.trigger(only.channel, only.name, only.data)));
      } catch (err) {
        throw new RealtimePublishError(`realtime publish failed: ${String(err)}`, 1, 1, statusOf(err), { cause: err });
      }
      return;
    }

    // The same event to many channels (a fan-out's signals) goes as one multi-channel trigger per
    // MAX_CHANNELS channels (Pusher's limit); the rest as batches of `batchSize` different events.
    const groups = new Map<string, PreparedEvent[]>();
    for (const e of prepared) {
      const key = `${e.name}\u0000${e.data}`;
      const g = groups.get(key);
      if (g) g.push(e);
      else groups.set(key, [e]);
    }
    const requests: { size: number; send: () => Promise<unknown> }[] = [];
    const singles: PreparedEvent[] = [];
    for (const group of groups.values()) {
      if (group.length < 2) {
        singles.push(...group);
        continue;
      }
      const { name, data } = group[0] as PreparedEvent;
      for (let i = 0; i < group.length; i += MAX_CHANNELS) {
        const channels = group.slice(i, i + MAX_CHANNELS).map((e) => e.channel);
        requests.push({ size: channels.length, send: async () => accepted(await pusher.trigger(channels, name, data)) });
      }
    }
    for (let i = 0; i < singles.length; i += batchSize) {
      const batch = singles.slice(i, i + batchSize);
      // Fresh objects: pusher's triggerBatch rewrites `data` in place.
      requests.push({
        size: batch.length,
        send: async () => accepted(await pusher.triggerBatch(batch.map((e) => ({ channel: e.channel, name: e.name, data: e.data })))),
      });
    }

    let failedEvents = 0;
    let firstError: unknown;
    await pLimit(concurrency).map(requests, async (request) => {
      try {
        await withOneRetry(request.send);
      } catch (err) {
        failedEvents += request.size;
        firstError ??= err;
      }
    });
    if (failedEvents > 0) {
      throw new RealtimePublishError(
        `realtime publish failed for ${failedEvents} of ${prepared.length} events: ${String(firstError)}`,
        failedEvents,
        prepared.length,
        statusOf(firstError),
        { cause: firstError },
      );
    }
  }

  async function ping(): Promise<void> {
    await accepted(await pusher.get({ path: "/channels" }));
  }

  return { publish, ping };
}

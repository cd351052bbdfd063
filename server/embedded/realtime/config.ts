/**
 * Options of Herald's embedded Pusher-protocol server and their defaults (docs/protocols.md "Pusher
 * Channels (the embedded realtime server)").
 *
 * Owns: the public option types ({@link RealtimeAppConfig}, {@link RealtimeServerOptions}), the constants
 * the launcher and benches share ({@link REALTIME_V8_FLAGS}, {@link EMBEDDED_BATCH_EVENTS}), and
 * {@link resolveSettings}, which applies the defaults and refuses invalid options. The defaults are
 * Pusher's own limits: the activity timeout of the WebSocket protocol
 * (https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/), the event size,
 * batch size and timestamp window of the HTTP API
 * (https://pusher.com/docs/channels/library_auth_reference/rest-api/), and the 30 minutes of cache channels
 * (https://pusher.com/docs/channels/using_channels/cache-channels/).
 *
 * @module
 */

/** One Pusher app served by the embedded server: numeric-or-text id, public key, secret. */
export interface RealtimeAppConfig {
  id: string;
  key: string;
  secret: string;
}

/** Options of `startRealtimeServer` (./server.ts). Times are in seconds, sizes in bytes. */
export interface RealtimeServerOptions {
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** TCP port; `0` (default) picks a free one. */
  port?: number;
  /** Apps served; ids and keys must be unique. At least one. */
  apps: RealtimeAppConfig[];
  /**
   * Seconds of client silence after which the server sends `pusher:ping`; also advertised to clients as
   * `activity_timeout` (rounded up to a whole second, at least 1). Default 120 (Pusher's default).
   */
  activityTimeoutSec?: number;
  /** Seconds to wait for any frame after a server ping before closing with 4201. Default 30. */
  pongTimeoutSec?: number;
  /** Largest event `data`, in UTF-8 bytes, the HTTP API accepts (413 above). Default 10240 (Pusher's 10 KB). */
  maxEventBytes?: number;
  /**
   * Events per `batch_events` request (400 above). Default 10, Pusher's limit; soketi's
   * `SOKETI_EVENT_MAX_BATCH_SIZE` is the same setting. A publisher may send larger batches only to a server
   * configured for them (`PUSHER_BATCH_SIZE`).
   */
  maxBatchEvents?: number;
  /** Largest HTTP API request body in bytes (413 above). Default 256 KiB per 10 events of `maxBatchEvents`. */
  maxBodyBytes?: number;
  /** How long a cache channel keeps its last event, in seconds. Default 1800 (Pusher's 30 minutes). */
  cacheTtlSec?: number;
  /** Allowed clock skew of `auth_timestamp`, in seconds (401 beyond). Default 600 (Pusher's). */
  timestampToleranceSec?: number;
  /**
   * Bearer token of `GET /metrics` (Prometheus text: `herald_realtime_connections`, `_channels`,
   * `_events_delivered_total`, `_events_accepted_total`), as soketi serves its own on a metrics port.
   * Unset: `/metrics` answers 404. scripts/herald.ts passes HERALD_METRICS_TOKEN.
   */
  metricsToken?: string;
  /** Receives one-line operational messages (start, refusals of broken requests, internal errors). */
  log?: (msg: string) => void;
}

/**
 * V8 flags for a process that hosts this server (scripts/realtime-process.ts, bench/realtime.ts). Opening
 * 10,000 connections grows V8's young generation by ~25 MB, which stays committed; capping a semi-space at
 * 2 MB keeps it small, and compacting on every full GC keeps the old generation from fragmenting. Measured
 * (bench/RESULTS.md "Realtime"): RSS per connection ~5.8 KB with V8's defaults, 3.5–3.7 KB with these flags,
 * at the same delivered events/s (1 MB semi-spaces: ~3.8 KB, ~10 % fewer events/s).
 * `--compact-on-every-full-gc` cannot be set through NODE_OPTIONS: pass them as the process's own flags.
 */
export const REALTIME_V8_FLAGS: readonly string[] = ["--max-semi-space-size=2", "--compact-on-every-full-gc"];

/**
 * `maxBatchEvents` as Herald's launcher (scripts/herald.ts) starts the embedded server, with the publisher's
 * `PUSHER_BATCH_SIZE` set to match.
 */
export const EMBEDDED_BATCH_EVENTS = 100;

/** {@link RealtimeServerOptions} with every default applied, in the units the modules use. */
export interface RealtimeSettings {
  /** Interface to bind. */
  host: string;
  /** TCP port to bind; `0` picks a free one. */
  port: number;
  /** Client silence before a server `pusher:ping`, in ms. */
  activityMs: number;
  /** Wait for any frame after a server ping before closing with 4201, in ms. */
  pongMs: number;
  /** `activity_timeout` advertised in `pusher:connection_established`, in whole seconds (at least 1). */
  advertisedActivityTimeout: number;
  /** Largest event `data` the HTTP API accepts, in UTF-8 bytes. */
  maxEventBytes: number;
  /** Events per `batch_events` request (at least 1). */
  maxBatchEvents: number;
  /** Largest HTTP API request body, in bytes. */
  maxBodyBytes: number;
  /** Allowed clock skew of `auth_timestamp`, in seconds. */
  toleranceSec: number;
  /** How long a cache channel keeps its last event, in ms. */
  cacheTtlMs: number;
  /** Bearer token of `GET /metrics`; undefined or empty turns `/metrics` off. */
  metricsToken: string | undefined;
  /** Operational log sink (a no-op by default). */
  log: (msg: string) => void;
}

/**
 * Applies the defaults of {@link RealtimeServerOptions}. The apps themselves are checked by `createState`
 * (./state.ts).
 *
 * @throws Error when `cacheTtlSec`, `activityTimeoutSec` or `pongTimeoutSec` is not positive, or `apps` is empty.
 */
export function resolveSettings(opts: RealtimeServerOptions): RealtimeSettings {
  const activityTimeoutSec = opts.activityTimeoutSec ?? 120;
  const pongTimeoutSec = opts.pongTimeoutSec ?? 30;
  const maxBatchEvents = Math.max(1, Math.floor(opts.maxBatchEvents ?? 10));
  const cacheTtlMs = (opts.cacheTtlSec ?? 1800) * 1000;

  if (!(cacheTtlMs > 0)) throw new Error("cacheTtlSec must be a positive number of seconds");
  if (!(activityTimeoutSec > 0) || !(pongTimeoutSec > 0)) {
    throw new Error("activityTimeoutSec and pongTimeoutSec must be positive numbers of seconds");
  }
  if (opts.apps.length === 0) throw new Error("startRealtimeServer: at least one app is required");

  return {
    host: opts.host ?? "127.0.0.1",
    port: opts.port ?? 0,
    activityMs: activityTimeoutSec * 1000,
    pongMs: pongTimeoutSec * 1000,
    advertisedActivityTimeout: Math.max(1, Math.ceil(activityTimeoutSec)),
    maxEventBytes: opts.maxEventBytes ?? 10 * 1024,
    maxBatchEvents,
    maxBodyBytes: opts.maxBodyBytes ?? 256 * 1024 * Math.ceil(maxBatchEvents / 10),
    toleranceSec: opts.timestampToleranceSec ?? 600,
    cacheTtlMs,
    metricsToken: opts.metricsToken,
    log: opts.log ?? noop,
  };
}

function noop(): void {}

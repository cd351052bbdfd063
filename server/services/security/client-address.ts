import "server-only";
/**
 * The client's address for per-address limits (rate limits, sign-in throttling; issue 12 "Client address").
 *
 * Rule: the socket address (the peer of the TCP connection) unless the operator declares how many reverse
 * proxies sit in front of Herald with `HERALD_TRUSTED_PROXIES=<n>` (server/env.ts, group `network`). Then
 * the n-th address from the right of `X-Forwarded-For` is used: each proxy appends the address it was
 * connected from, so the rightmost n entries were written by the operator's own proxies and everything to
 * their left may be made up by the client. With fewer entries than n, the leftmost one is used (as
 * Express's `trust proxy` hop count does). A header is never trusted with n = 0.
 *
 * Where the socket address comes from: Next.js route handlers receive a web `Request` without the socket
 * (Next 15 removed `request.ip`; in Next 16 the only trace is `x-forwarded-for`, which
 * node_modules/next/dist/server/base-server.js fills with `socket.remoteAddress` ONLY when the client sent
 * none, so it cannot be told apart from a forged one). {@link installSocketAddressStamp} therefore hooks
 * the Node HTTP server of the process: every incoming request gets the header {@link SOCKET_ADDRESS_HEADER}
 * = `<per-process secret> <socket address>`, overwriting whatever the client sent, and
 * {@link clientAddress} accepts it only with the right secret. It is installed when this module loads
 * inside a Next.js Node server (`NEXT_RUNTIME=nodejs`); a request that arrived before (the first one of a
 * route bundle) has no stamp and counts as `"unknown"`: one shared bucket, never a header's word.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import { isIP } from "node:net";
import { env } from "../../env";
import { constantTimeEqual } from "../../signing";

/** The header the stamp writes (any value a client sends under this name is overwritten). */
export const SOCKET_ADDRESS_HEADER = "x-herald-socket-address";

/** The address of clients whose address is not known (one shared bucket). */
export const UNKNOWN_ADDRESS = "unknown";

interface StampState {
  secret: string;
  installed: boolean;
}

// On globalThis: Next may evaluate this module once per route bundle, and every copy must share one secret.
const STATE = Symbol.for("herald.clientAddress.stamp");
function stampState(): StampState {
  const g = globalThis as unknown as Record<symbol, StampState | undefined>;
  return (g[STATE] ??= { secret: randomBytes(24).toString("base64url"), installed: false });
}

/**
 * Makes every `http.Server` of this process write the socket address of each request into
 * {@link SOCKET_ADDRESS_HEADER} (with the process's secret) before any handler sees the request.
 * Idempotent; call it as early as possible (it is called when this module loads in a Next.js Node server;
 * `instrumentation.ts` `register()` may call it too, so even the very first request is stamped).
 */
export function installSocketAddressStamp(): void {
  const state = stampState();
  if (state.installed) return;
  state.installed = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function emitWithStamp(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      req.headers[SOCKET_ADDRESS_HEADER] = `${state.secret} ${req.socket?.remoteAddress ?? ""}`;
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
}

if (process.env.NEXT_RUNTIME === "nodejs") installSocketAddressStamp();

/**
 * Headers carrying `address` as the socket address, exactly as the stamp writes them: for tests and for a
 * custom server that knows the socket. Returns a new `Headers`.
 */
export function withSocketAddress(init: HeadersInit | undefined, address: string): Headers {
  const headers = new Headers(init);
  headers.set(SOCKET_ADDRESS_HEADER, `${stampState().secret} ${address}`);
  return headers;
}

/** The socket address stamped on these headers, or null when absent or not written by this process. */
export function stampedSocketAddress(headers: Headers): string | null {
  const value = headers.get(SOCKET_ADDRESS_HEADER);
  if (!value) return null;
  const space = value.indexOf(" ");
  if (space < 0) return null;
  const given = Buffer.from(value.slice(0, space));
  const secret = Buffer.from(stampState().secret);
  if (!constantTimeEqual(given, secret)) return null;
  return value.slice(space + 1) || null;
}

/**
 * One address as a bucket name: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as IPv4, a port or brackets some
 * proxies add (`1.2.3.4:5678`, `[2001:db8::1]:443`) removed, IPv6 lower-cased; null when it is not an
 * IP address at all (e.g. `unknown`, a hostname, garbage).
 */
export function normalizeAddress(raw: string | null | undefined): string | null {
  let a = (raw ?? "").trim();
  if (!a) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  a = a.replace(/%.*$/, "").toLowerCase(); // zone index (fe80::1%eth0)
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) a = mapped[1]!;
  return isIP(a) ? a : null;
}

/**
 * The client's address (see the module comment for the rule; issue 12 "Client address").
 * @param source the request or its headers
 * @param socketAddress the TCP peer's address when the caller has it (a custom server, tests); default:
 *   the stamped one ({@link stampedSocketAddress}), else unknown
 * @param trustedProxies reverse proxies in front of Herald; default `HERALD_TRUSTED_PROXIES` (0)
 * @returns a normalized IPv4 or IPv6 address, or {@link UNKNOWN_ADDRESS} (`"unknown"`) when the address
 *   cannot be known without trusting the client: callers must treat it as one shared bucket
 */
export function clientAddress(source: Request | Headers, socketAddress?: string | null, trustedProxies: number = env("network").HERALD_TRUSTED_PROXIES): string {
  const headers = source instanceof Headers ? source : source.headers;
  const socket = normalizeAddress(socketAddress ?? stampedSocketAddress(headers));
  if (trustedProxies <= 0) return socket ?? UNKNOWN_ADDRESS;
  // Headers.get joins repeated X-Forwarded-For headers with ", " in order, as RFC 9110 §5.3 allows.
  const hops = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  if (hops.length === 0) return socket ?? UNKNOWN_ADDRESS;
  const hop = hops.length >= trustedProxies ? hops[hops.length - trustedProxies] : hops[0];
  return normalizeAddress(hop) ?? UNKNOWN_ADDRESS;
}

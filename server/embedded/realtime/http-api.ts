/**
 * The HTTP API of Herald's embedded Pusher-protocol server, the side the `pusher` server library calls
 * (docs/protocols.md "HTTP API side (`pusher`)").
 *
 * Implements, of the Pusher Channels HTTP API (https://pusher.com/docs/channels/library_auth_reference/rest-api/):
 * request authentication (`auth_key`, `auth_timestamp` within `timestampToleranceSec`, `auth_version=1.0`,
 * `body_md5`, `auth_signature` = HMAC-SHA256 of `"<METHOD>\n<path>\n<sorted query>"`, checked by
 * ./signature.ts); `POST /apps/:id/events` (up to 100 channels) and `POST /apps/:id/batch_events` (up to
 * `maxBatchEvents`, every event validated before any is delivered), both with `socket_id` exclusion and the
 * `info` attributes (`subscription_count`, `user_count`); and channel introspection: `GET /apps/:id/channels`
 * (`filter_by_prefix`, `info`), `GET /apps/:id/channels/:name` (`occupied`, `info`) and
 * `GET /apps/:id/channels/:name/users` (presence channels). Delivery to the subscribers is ./channels.ts;
 * the frames it sends are those of the WebSocket protocol
 * (https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/).
 *
 * Answers are JSON: 200 with the result, or `{error}` with 400 (malformed request), 401 (authentication),
 * 404 (unknown app or path; user features such as `terminate_connections` are refused so), 405 (method),
 * 413 (event over `maxEventBytes` or body over `maxBodyBytes`; the connection is then closed) or 500.
 *
 * @module
 */
import type http from "node:http";
import { z } from "zod";
import { deliver, type PreparedEvent } from "./channels";
import { MAX_EVENT_NAME_CHARS, safeDecode } from "./protocol";
import { isValidChannelName, isValidSocketId, md5Hex, signRequest, timingSafeEqualHex } from "./signature";
import { memberCount, type AppState, type RealtimeState } from "./state";

/** Channels per `events` request (Pusher's limit). */
const MAX_EVENT_CHANNELS = 100;

const eventsBodySchema = z
  .object({
    name: z.string(),
    data: z.string(),
    channels: z.array(z.string()).optional(),
    channel: z.string().optional(),
    socket_id: z.string().optional(),
    info: z.string().optional(),
  })
  .strict();

const batchItemSchema = z
  .object({
    channel: z.string(),
    name: z.string(),
    data: z.string(),
    socket_id: z.string().optional(),
    info: z.string().optional(),
  })
  .strict();

const batchBodySchema = z.object({ batch: z.array(batchItemSchema) }).strict();

/** A refusal with its HTTP status; the message becomes the `{error}` body. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid request body";
  const path = issue.path.length > 0 ? issue.path.join(".") : "body";
  return `Invalid request body: ${path}: ${issue.message}`;
}

/** Parses the `info` parameter: a comma-separated subset of `allowed`. Throws 400 otherwise. */
function parseInfo(info: string | undefined | null, allowed: readonly string[]): Set<string> {
  const out = new Set<string>();
  if (info === undefined || info === null || info === "") return out;
  for (const part of info.split(",")) {
    const attr = part.trim();
    if (!allowed.includes(attr)) throw new HttpError(400, `Unsupported info attribute: ${attr.slice(0, 50)}`);
    out.add(attr);
  }
  return out;
}

function validateEventChannel(channel: string): void {
  if (!isValidChannelName(channel)) throw new HttpError(400, "Invalid channel name");
}

function validateEventName(name: string): void {
  if (name.length === 0 || name.length > MAX_EVENT_NAME_CHARS) {
    throw new HttpError(400, `Event name must be 1-${MAX_EVENT_NAME_CHARS} characters`);
  }
  if (name.startsWith("pusher:") || name.startsWith("pusher_internal:")) {
    throw new HttpError(400, "Event names starting with pusher: or pusher_internal: are reserved");
  }
}

function readBody(req: http.IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      reject(new HttpError(413, `Request body over ${maxBodyBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        done = true;
        reject(new HttpError(413, `Request body over ${maxBodyBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
    req.on("error", (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}

/** Verifies `auth_*` and `body_md5` (Pusher HTTP API "Authentication"). Throws 401 on any failure. */
function authenticate(
  app: AppState,
  toleranceSec: number,
  method: string,
  path: string,
  params: Array<[string, string]>,
  body: Buffer,
): void {
  const seen = new Map<string, string>();
  for (const [k, v] of params) {
    if (seen.has(k)) throw new HttpError(400, `Duplicate query parameter: ${k.slice(0, 50)}`);
    seen.set(k, v);
  }
  const authKey = seen.get("auth_key");
  const timestamp = seen.get("auth_timestamp");
  const version = seen.get("auth_version");
  const signature = seen.get("auth_signature");
  if (authKey === undefined || timestamp === undefined || version === undefined || signature === undefined) {
    throw new HttpError(401, "Missing authentication parameters (auth_key, auth_timestamp, auth_version, auth_signature)");
  }
  if (authKey !== app.config.key) throw new HttpError(401, "Unknown auth_key");
  if (version !== "1.0") throw new HttpError(401, "Unsupported auth_version: expected 1.0");
  if (!/^\d{1,12}$/.test(timestamp)) throw new HttpError(401, "Invalid auth_timestamp");
  const skew = Math.abs(Date.now() / 1000 - Number(timestamp));
  if (skew > toleranceSec) {
    throw new HttpError(401, `Timestamp expired: auth_timestamp is more than ${toleranceSec} s from server time`);
  }
  const bodyMd5 = seen.get("body_md5");
  if (body.length > 0 || bodyMd5 !== undefined) {
    if (!timingSafeEqualHex(md5Hex(body), bodyMd5)) throw new HttpError(401, "body_md5 does not match the body");
  }
  const expected = signRequest(app.config.secret, method, path, params);
  if (!timingSafeEqualHex(expected, signature)) throw new HttpError(401, "Invalid signature");
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    throw new HttpError(400, "Invalid JSON body");
  }
}

function channelInfo(app: AppState, channel: string, info: Set<string>): Record<string, number> {
  const out: Record<string, number> = {};
  if (info.has("subscription_count")) out.subscription_count = memberCount(app.channels.get(channel));
  if (info.has("user_count") && channel.startsWith("presence-")) {
    out.user_count = app.presence.get(channel)?.size ?? 0;
  }
  return out;
}

function checkEventCommon(maxEventBytes: number, name: string, data: string, socketId: string | undefined): void {
  validateEventName(name);
  if (Buffer.byteLength(data, "utf8") > maxEventBytes) {
    throw new HttpError(413, `Event data over ${maxEventBytes} bytes`);
  }
  if (socketId !== undefined && !isValidSocketId(socketId)) throw new HttpError(400, "Invalid socket_id");
}

function postEvents(state: RealtimeState, app: AppState, body: Buffer): unknown {
  const parsed = eventsBodySchema.safeParse(parseJson(body));
  if (!parsed.success) throw new HttpError(400, zodMessage(parsed.error));
  const { name, data, channels, channel, socket_id: socketId, info } = parsed.data;
  if ((channels === undefined) === (channel === undefined)) {
    throw new HttpError(400, "Give exactly one of channel or channels");
  }
  const targets = channels ?? [channel as string];
  if (targets.length === 0) throw new HttpError(400, "channels must not be empty");
  if (targets.length > MAX_EVENT_CHANNELS) {
    throw new HttpError(400, `Too many channels: at most ${MAX_EVENT_CHANNELS} per event`);
  }
  for (const target of targets) validateEventChannel(target);
  checkEventCommon(state.settings.maxEventBytes, name, data, socketId);
  const attrs = parseInfo(info, ["subscription_count", "user_count"]);
  for (const target of new Set(targets)) {
    deliver(state, app, { channel: target, name, data, socketId });
    state.eventsAccepted++;
  }
  if (attrs.size === 0) return {};
  const out: Record<string, Record<string, number>> = {};
  for (const target of targets) out[target] = channelInfo(app, target, attrs);
  return { channels: out };
}

function postBatch(state: RealtimeState, app: AppState, body: Buffer): unknown {
  const { maxBatchEvents, maxEventBytes } = state.settings;
  const json = parseJson(body);
  if (
    typeof json === "object" &&
    json !== null &&
    Array.isArray((json as { batch?: unknown }).batch) &&
    (json as { batch: unknown[] }).batch.length > maxBatchEvents
  ) {
    throw new HttpError(400, `Batch too large: at most ${maxBatchEvents} events`);
  }
  const parsed = batchBodySchema.safeParse(json);
  if (!parsed.success) throw new HttpError(400, zodMessage(parsed.error));
  const { batch } = parsed.data;
  if (batch.length === 0) throw new HttpError(400, "batch must not be empty");
  // Validate every event before delivering any.
  const prepared: Array<PreparedEvent & { attrs: Set<string> }> = [];
  for (const item of batch) {
    validateEventChannel(item.channel);
    checkEventCommon(maxEventBytes, item.name, item.data, item.socket_id);
    const attrs = parseInfo(item.info, ["subscription_count", "user_count"]);
    prepared.push({ channel: item.channel, name: item.name, data: item.data, socketId: item.socket_id, attrs });
  }
  let anyInfo = false;
  for (const event of prepared) {
    deliver(state, app, event);
    state.eventsAccepted++;
    if (event.attrs.size > 0) anyInfo = true;
  }
  if (!anyInfo) return {};
  return { batch: prepared.map((event) => channelInfo(app, event.channel, event.attrs)) };
}

function getChannels(app: AppState, query: URLSearchParams): unknown {
  const prefix = query.get("filter_by_prefix") ?? "";
  const attrs = parseInfo(query.get("info"), ["user_count", "subscription_count"]);
  if (attrs.has("user_count") && !prefix.startsWith("presence-")) {
    throw new HttpError(400, "info=user_count needs filter_by_prefix=presence-");
  }
  const channels: Record<string, Record<string, number>> = {};
  for (const name of app.channels.keys()) {
    if (name.startsWith(prefix)) channels[name] = channelInfo(app, name, attrs);
  }
  return { channels };
}

function getChannel(app: AppState, channel: string, query: URLSearchParams): unknown {
  const attrs = parseInfo(query.get("info"), ["user_count", "subscription_count"]);
  if (attrs.has("user_count") && !channel.startsWith("presence-")) {
    throw new HttpError(400, "info=user_count is only available for presence channels");
  }
  return { occupied: app.channels.has(channel), ...channelInfo(app, channel, attrs) };
}

function getUsers(app: AppState, channel: string): unknown {
  if (!channel.startsWith("presence-")) throw new HttpError(400, "Users are only available for presence channels");
  const members = app.presence.get(channel);
  return { users: members ? [...members.values()].map((m) => ({ id: m.id })) : [] };
}

async function handleApi(state: RealtimeState, req: http.IncomingMessage): Promise<{ status: number; body: unknown }> {
  const rawUrl = req.url ?? "/";
  const q = rawUrl.indexOf("?");
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = new URLSearchParams(q < 0 ? "" : rawUrl.slice(q + 1));
  const match = /^\/apps\/([^/]+)\/(.+)$/.exec(path);
  if (!match || match[1] === undefined || match[2] === undefined) throw new HttpError(404, "Not found");
  const appId = safeDecode(match[1]);
  const app = appId === null ? undefined : state.appsById.get(appId);
  if (!app) throw new HttpError(404, "Unknown app");
  const method = (req.method ?? "GET").toUpperCase();
  const body = method === "POST" || method === "PUT" ? await readBody(req, state.settings.maxBodyBytes) : Buffer.alloc(0);
  authenticate(app, state.settings.toleranceSec, method, path, [...query.entries()], body);

  const rest = match[2];
  if (rest === "events" || rest === "batch_events") {
    if (method !== "POST") throw new HttpError(405, "Method not allowed: use POST");
    return { status: 200, body: rest === "events" ? postEvents(state, app, body) : postBatch(state, app, body) };
  }
  if (rest === "channels") {
    if (method !== "GET") throw new HttpError(405, "Method not allowed: use GET");
    return { status: 200, body: getChannels(app, query) };
  }
  const channelMatch = /^channels\/([^/]+)(\/users)?$/.exec(rest);
  if (channelMatch && channelMatch[1] !== undefined) {
    if (method !== "GET") throw new HttpError(405, "Method not allowed: use GET");
    const channel = safeDecode(channelMatch[1]);
    if (channel === null || !isValidChannelName(channel)) throw new HttpError(400, "Invalid channel name");
    return {
      status: 200,
      body: channelMatch[2] ? getUsers(app, channel) : getChannel(app, channel, query),
    };
  }
  if (/^users\//.test(rest)) throw new HttpError(404, "User features (terminate_connections) are not supported by this server");
  throw new HttpError(404, "Not found");
}

/**
 * Writes `body` as a JSON answer (`cache-control: no-store`), unless headers were already sent;
 * `closeConnection` adds `connection: close`.
 */
export function respond(res: http.ServerResponse, status: number, body: unknown, closeConnection = false): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...(closeConnection ? { connection: "close" } : {}),
  });
  res.end(text);
}

/**
 * Answers one HTTP API request (any path but `/metrics`). Never throws: a refusal is its status with
 * `{error}`, anything else is logged and answered 500 with the connection closed.
 */
export function handleApiRequest(state: RealtimeState, req: http.IncomingMessage, res: http.ServerResponse): void {
  handleApi(state, req).then(
    ({ status, body }) => respond(res, status, body),
    (err: unknown) => {
      if (err instanceof HttpError) {
        // On 413 the rest of the body is not read: close the connection after answering.
        respond(res, err.status, { error: err.message }, err.status === 413);
        if (err.status === 413) res.on("finish", () => req.socket.destroy());
      } else {
        state.settings.log(`realtime: internal error on ${req.method ?? "?"} ${(req.url ?? "").split("?")[0] ?? ""}: ${String(err)}`);
        respond(res, 500, { error: "Internal server error" }, true);
      }
    },
  );
}

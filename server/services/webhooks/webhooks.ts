import "server-only";
/**
 * Outbound webhooks (docs/requirements.md R20): a host platform registers an endpoint (an admin, at
 * /admin/webhooks) for event types such as `notification.action_clicked`, and Herald POSTs each event to it,
 * signed as Standard Webhooks (https://www.standardwebhooks.com/, with the maintained `standardwebhooks`
 * library): headers `webhook-id` (`msg_<delivery id>`, the same on every retry), `webhook-timestamp` (Unix
 * seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` with the
 * endpoint's `whsec_` secret). The body is `{ type, timestamp, data }`.
 *
 * Every event becomes one `webhook_deliveries` row per subscribed, enabled endpoint, written in the
 * transaction of the change that caused it, with a `webhook/delivery-requested` outbox event each; the
 * `send-webhook` function tries it: a 2xx is SUCCEEDED; a 4xx other than 408 and 429 is FAILED (the
 * receiver refused it; a retry would not help); anything else (5xx, 408, 429, a timeout, a network error)
 * is retried with the executor's backoff, up to {@link MAX_ATTEMPTS} attempts in all, then FAILED. Every
 * attempt is recorded (the delivery log).
 *
 * No SSRF: an endpoint must be https (http only on loopback, and only with
 * `HERALD_WEBHOOKS_ALLOW_PRIVATE`), and requests never connect to non-public addresses unless that is set.
 */
import { randomBytes } from "node:crypto";
import { request as httpRequest, Agent as HttpAgent } from "node:http";
import { request as httpsRequest, Agent as HttpsAgent } from "node:https";
import { Webhook } from "standardwebhooks";
import { z } from "zod";
import { db } from "../../db";
import { env } from "../../env";
import { AppError } from "../errors";
import type { Emit, Tx } from "../outbox/outbox";
import { isNonPublicHost, publicOnlyLookup } from "../../http/public-network";
import { webhookDeliveryRequested } from "../../events";

/** The event types an endpoint can subscribe to. */
export const WEBHOOK_EVENTS = ["notification.action_clicked"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** Attempts per delivery, the first included (the `send-webhook` function retries 6 times). */
export const MAX_ATTEMPTS = 7;
/** Per attempt, in ms. */
const TIMEOUT_MS = 10_000;

/** An endpoint as the admin page lists it (never its secret). Times ISO 8601, UTC. */
export interface WebhookEndpointView {
  id: string;
  url: string;
  events: string[];
  description: string;
  createdAt: string;
  disabledAt: string | null;
}

/** What an admin registers. */
export const webhookEndpointInput = z
  .object({
    url: z.string().trim().min(1, "Enter the URL").max(2000),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, "Choose at least one event").max(WEBHOOK_EVENTS.length),
    description: z.string().trim().max(200).default(""),
  })
  .strict();

const allowPrivate = () => env("webhooks").HERALD_WEBHOOKS_ALLOW_PRIVATE;

/**
 * Checks a webhook URL: https with a host, no credentials; http only on loopback and only with
 * `HERALD_WEBHOOKS_ALLOW_PRIVATE`; no non-public address unless that is set.
 * @throws AppError VALIDATION_ERROR naming what is wrong
 */
export function checkWebhookUrl(raw: string): URL {
  const refuse = (why: string) => new AppError("VALIDATION_ERROR", why, { url: [why] });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("Enter a full URL, e.g. https://platform.example/hooks/herald");
  }
  if (url.username || url.password) throw refuse("The URL must not carry a user name or password");
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback && allowPrivate())) throw refuse("The URL must start with https://");
  if (!allowPrivate() && isNonPublicHost(url.hostname)) throw refuse("The URL must be on a public address");
  return url;
}

/** A new signing secret: "whsec_" + base64 of 24 random bytes (the Standard Webhooks format). */
function newSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

function view(e: { id: string; url: string; events: string[]; description: string; createdAt: Date; disabledAt: Date | null }): WebhookEndpointView {
  return { id: e.id, url: e.url, events: e.events, description: e.description, createdAt: e.createdAt.toISOString(), disabledAt: e.disabledAt?.toISOString() ?? null };
}

/**
 * Registers an endpoint (recorded in the audit log).
 * @returns the endpoint and its secret, which is shown this once
 * @throws AppError VALIDATION_ERROR for a URL {@link checkWebhookUrl} refuses
 */
export async function createWebhookEndpoint(adminId: string, input: z.input<typeof webhookEndpointInput>): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  const parsed = webhookEndpointInput.parse(input);
  const url = checkWebhookUrl(parsed.url);
  const secret = newSecret();
  const endpoint = await db.$transaction(async (tx) => {
    const e = await tx.webhookEndpoint.create({ data: { url: url.href, secret, events: [...new Set(parsed.events)], description: parsed.description, createdBy: adminId } });
    await tx.auditLog.create({ data: { actorId: adminId, action: "webhook.create", targetType: "webhook_endpoint", targetId: e.id, details: { url: e.url, events: e.events } } });
    return e;
  });
  return { endpoint: view(endpoint), secret };
}

/** Every endpoint, newest first. */
export async function listWebhookEndpoints(): Promise<WebhookEndpointView[]> {
  return (await db.webhookEndpoint.findMany({ orderBy: { createdAt: "desc" } })).map(view);
}

/**
 * Turns an endpoint off (no new deliveries; pending ones fail at their next attempt) or on again.
 * @throws AppError NOT_FOUND
 */
export async function setWebhookEndpointEnabled(adminId: string, id: string, enabled: boolean): Promise<WebhookEndpointView> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.webhookEndpoint.updateMany({ where: { id }, data: { disabledAt: enabled ? null : new Date() } });
    if (count === 0) throw new AppError("NOT_FOUND", "Webhook endpoint not found");
    await tx.auditLog.create({ data: { actorId: adminId, action: enabled ? "webhook.enable" : "webhook.disable", targetType: "webhook_endpoint", targetId: id } });
    return view(await tx.webhookEndpoint.findUniqueOrThrow({ where: { id } }));
  });
}

/** One row of the delivery log. Times ISO 8601, UTC. */
export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  endpointUrl: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

/** The latest deliveries, newest first (of one endpoint, or of all). @param limit 1–100 */
export async function listWebhookDeliveries(opts: { endpointId?: string; limit?: number } = {}): Promise<WebhookDeliveryView[]> {
  const rows = await db.webhookDelivery.findMany({
    where: opts.endpointId ? { endpointId: opts.endpointId } : {},
    orderBy: { createdAt: "desc" },
    take: Math.min(Math.max(opts.limit ?? 50, 1), 100),
    include: { endpoint: { select: { url: true } } },
  });
  return rows.map((d) => ({
    id: d.id,
    endpointId: d.endpointId,
    endpointUrl: d.endpoint.url,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  }));
}

/**
 * Records one event for every enabled endpoint that subscribes to `type`, in `tx` (the transaction of the
 * change it reports), with a `webhook/delivery-requested` event each. One statement, whatever the number of
 * endpoints.
 * @returns the delivery ids
 */
export async function enqueueWebhookEvent(tx: Tx, emit: Emit, type: WebhookEventType, data: Record<string, unknown>, at = new Date()): Promise<string[]> {
  const payload = { type, timestamp: at.toISOString(), data };
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO webhook_deliveries (endpoint_id, event_type, payload)
    SELECT id, ${type}, ${JSON.stringify(payload)}::jsonb FROM webhook_endpoints
    WHERE disabled_at IS NULL AND ${type} = ANY(events)
    RETURNING id`;
  if (rows.length > 0) await emit(rows.map((r) => webhookDeliveryRequested.create({ deliveryId: r.id })));
  return rows.map((r) => r.id);
}

/** An HTTP answer, or a network failure (`status` null). */
export interface PostOutcome {
  status: number | null;
  error: string | null;
}

/** POSTs `body` with `headers`; never throws (a failure is an outcome). */
export type WebhookPoster = (url: string, headers: Record<string, string>, body: string) => Promise<PostOutcome>;

const agents = {
  public: { http: new HttpAgent({ keepAlive: true, lookup: publicOnlyLookup }), https: new HttpsAgent({ keepAlive: true, lookup: publicOnlyLookup }) },
  any: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
};

/** The real poster: node:http(s), {@link TIMEOUT_MS}, no redirects followed, non-public addresses refused unless allowed. */
export const postWebhook: WebhookPoster = (url, headers, body) =>
  new Promise((resolve) => {
    const u = new URL(url);
    const pool = allowPrivate() ? agents.any : agents.public;
    const send = u.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(u, { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, agent: u.protocol === "https:" ? pool.https : pool.http, timeout: TIMEOUT_MS }, (res) => {
      res.resume(); // the body is not needed
      res.on("end", () => resolve({ status: res.statusCode ?? null, error: null }));
      res.on("error", (err) => resolve({ status: res.statusCode ?? null, error: err.message }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on("error", (err) => resolve({ status: null, error: err.message }));
    req.end(body);
  });

/** A delivery worth another attempt (the `send-webhook` step throws it, so the executor backs off and retries). */
export class WebhookRetryableError extends Error {}

/**
 * One attempt at a delivery: signs and POSTs it, and records the attempt. Does nothing for a delivery that
 * is no longer PENDING (a repeated call after success or failure).
 * @returns the delivery's status after the attempt
 * @throws WebhookRetryableError when the attempt failed in a way worth retrying and attempts remain
 * @throws AppError NOT_FOUND for an unknown delivery
 */
export async function sendWebhookDelivery(deliveryId: string, opts: { post?: WebhookPoster; now?: () => Date } = {}): Promise<"SUCCEEDED" | "FAILED" | "PENDING"> {
  const now = opts.now ?? (() => new Date());
  const d = await db.webhookDelivery.findUnique({ where: { id: deliveryId }, include: { endpoint: true } });
  if (!d) throw new AppError("NOT_FOUND", "Webhook delivery not found");
  if (d.status !== "PENDING") return d.status as "SUCCEEDED" | "FAILED";
  let outcome: PostOutcome;
  if (d.endpoint.disabledAt) {
    outcome = { status: null, error: "the endpoint is disabled" };
  } else {
    const body = JSON.stringify(d.payload);
    const msgId = `msg_${d.id}`;
    const at = now();
    const headers = {
      "content-type": "application/json",
      "user-agent": "Herald-Webhooks/1",
      "webhook-id": msgId,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(d.endpoint.secret).sign(msgId, at, body),
    };
    outcome = await (opts.post ?? postWebhook)(d.endpoint.url, headers, body);
  }
  const attempts = d.attempts + 1;
  const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
  const refused = outcome.status !== null && outcome.status >= 400 && outcome.status < 500 && outcome.status !== 408 && outcome.status !== 429;
  const status = ok ? "SUCCEEDED" : refused || d.endpoint.disabledAt || attempts >= MAX_ATTEMPTS ? "FAILED" : "PENDING";
  await db.webhookDelivery.update({
    where: { id: d.id },
    data: {
      attempts,
      status,
      lastStatus: outcome.status,
      lastError: ok ? null : (outcome.error ?? `answered ${outcome.status}`).slice(0, 500),
      lastAttemptAt: now(),
      ...(ok ? { deliveredAt: now() } : {}),
    },
  });
  if (status === "PENDING") throw new WebhookRetryableError(`webhook ${d.id}: ${outcome.error ?? `answered ${outcome.status}`} (attempt ${attempts} of ${MAX_ATTEMPTS})`);
  return status;
}

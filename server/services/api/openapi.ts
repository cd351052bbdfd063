import "server-only";
/**
 * The OpenAPI 3.1 document of `/api/v1` (served at `GET /api/v1/openapi.json`, rendered at `/docs/api`).
 * Schemas are zod schemas turned into JSON Schema 2020-12 by zod 4's `z.toJSONSchema()` — the very schemas
 * the handlers validate with where they are exported (events, preferences, the query building blocks), and
 * response schemas written here in zod that app/api/v1/openapi.test.ts checks real answers against.
 * Errors use the API's error body (docs/architecture.md, Errors); each operation lists the codes it can answer.
 */
import { z } from "zod";
import { LOCALES } from "@/lib/i18n";
import { NOTIFICATION_TYPE_NAMES, type NotificationType } from "../notifications/catalog";
import { API_KEY_LIMIT } from "./api-keys";
import { EVENT_DATA, SUPPORTED_EVENTS } from "./events";
import { boolParam, dayParam, MAX_BODY_BYTES, uuidParam } from "./contract";
import { MAX_PAGINATION_DEPTH, pageParams } from "./pagination";
import { apiPreferencesBody } from "./preferences";
import { ROLE_LIMITS } from "./rate-limit";
import { TOKEN_SCOPES, type TokenScope } from "./tokens";
import { fcmToken, MAX_NATIVE_DEVICES_PER_USER, nativeDeviceInput } from "../push/native-devices";

// ── response schemas ─────────────────────────────────────────────────────────────────────────────────────

const isoDateTime = () => z.string().meta({ format: "date-time" });
const uuid = () => z.string().meta({ format: "uuid" });
const url = () => z.string().meta({ format: "uri" });

export const errorSchema = z
  .object({
    error: z
      .object({
        code: z.string().meta({ description: "Stable machine-readable code", examples: ["VALIDATION_ERROR"] }),
        message: z.string().meta({ description: "For people" }),
        details: z.record(z.string(), z.unknown()).optional().meta({ description: "Field → messages for validation errors; context otherwise" }),
      })
      .strict(),
  })
  .strict()
  .meta({ description: "The error body of every refusal: { error: { code, message, details? } }" });

const businessRef = z.object({ id: uuid(), name: z.string(), logo: url() }).strict();

const notification = z
  .object({
    id: uuid(),
    notification_type: z.enum(NOTIFICATION_TYPE_NAMES as [NotificationType, ...NotificationType[]]),
    title: z.string(),
    message: z.string(),
    data: z.record(z.string(), z.unknown()),
    sender: z.object({ id: uuid(), name: z.string(), user_type: z.enum(["customer", "ngo", "provider", "admin"]) }).strict().nullable(),
    business: businessRef.nullable(),
    is_read: z.boolean(),
    is_deleted: z.literal(false),
    created_at: isoDateTime(),
    read_at: isoDateTime().nullable(),
    is_seen: z.boolean().meta({ description: "Shown in the bell (or read): no longer counted in unseen_count" }),
    seen_at: isoDateTime().nullable(),
  })
  .strict();

const pageLinks = { count: z.number().int().min(0), next: url().nullable(), previous: url().nullable() };

const counts = {
  unread_count: z.number().int().min(0),
  unseen_count: z.number().int().min(0).meta({ description: "Unread notifications not yet seen: the number on the bell's badge" }),
};
const notificationsPage = z.object({ ...pageLinks, ...counts, results: z.array(notification) }).strict();
const unreadCount = z.object(counts).strict();
const markedResponse = z.object({ message: z.string(), marked_count: z.number().int().min(0), ...counts }).strict();
const messageResponse = z.object({ message: z.string() }).strict();

const cell = z.object({ channel: z.string(), enabled: z.boolean(), available: z.boolean(), locked: z.string().nullable() }).strict();
/** A channel master toggle: a cell plus what the channel still needs to reach the user (no push device, no verified phone). */
const channelToggle = cell.extend({ note: z.string().nullable() }).strict();
const preferences = z
  .object({
    email_notifications: z.boolean(),
    new_listing_notifications: z.boolean(),
    promotional_notifications: z.boolean(),
    weekly_digest: z.boolean(),
    channels: z.array(channelToggle),
    categories: z.array(z.object({ category: z.string(), description: z.string(), always_sent: z.array(z.string()), cells: z.array(cell) }).strict()),
    digest_cadence: z.enum(["OFF", "DAILY", "WEEKLY"]),
    quiet_hours: z.object({ enabled: z.boolean(), start: z.string(), end: z.string() }).strict(),
    timezone: z.string(),
    locale: z
      .enum(LOCALES)
      .nullable()
      .meta({ description: "The language Herald writes to the user in; null until chosen (then the browser's language, else the platform's)" }),
    email_unsubscribed_at: isoDateTime().nullable(),
  })
  .strict();

const followResponse = z.object({ message: z.string(), follower_id: uuid(), created: z.boolean(), business: businessRef }).strict();
const followingPage = z
  .object({
    ...pageLinks,
    results: z.array(
      z
        .object({
          id: uuid(),
          business: z.object({ id: uuid(), name: z.string(), logo: url(), address: z.string(), rating: z.number(), followers_count: z.number().int() }).strict(),
          followed_at: isoDateTime(),
          notification_count: z.number().int().min(0),
        })
        .strict(),
    ),
  })
  .strict();
const followersPage = z
  .object({
    ...pageLinks,
    results: z.array(
      z
        .object({
          id: uuid(),
          user: z.object({ id: uuid(), name: z.string(), user_type: z.enum(["customer", "ngo", "provider", "admin"]), profile_image: z.null() }).strict(),
          followed_at: isoDateTime(),
          engagement_score: z.number().min(0).max(10),
        })
        .strict(),
    ),
  })
  .strict();
const nativeDevice = z
  .object({
    id: uuid(),
    platform: z.enum(["android", "ios"]),
    app_version: z.string(),
    locale: z.enum(LOCALES).nullable(),
    created_at: isoDateTime(),
    last_seen_at: isoDateTime().meta({ description: "The last registration of this token" }),
  })
  .strict();
const deviceRegistered = z
  .object({ message: z.string(), created: z.boolean().meta({ description: "true: new to the caller (201); false: the caller's device, refreshed (200)" }), device: nativeDevice })
  .strict();

const eventAccepted = z
  .object({
    id: uuid().meta({
      description:
        "The id of what the event created or changed: the listing (listing.created), the pickup (pickup.*, order.status_changed confirmed/completed/cancelled), the user (user.registered), otherwise the notification",
    }),
    status: z.literal("accepted"),
  })
  .strict();

// ── operations ───────────────────────────────────────────────────────────────────────────────────────────

type Security = { kind: "pat"; scope: TokenScope } | { kind: "apikey" } | { kind: "public" };
type ErrorCase = [status: number, codes: string[]];

export interface Operation {
  method: "get" | "post" | "put" | "delete";
  path: string;
  operationId: string;
  tag: "Notifications" | "Preferences" | "Following" | "Devices" | "Events" | "Meta";
  summary: string;
  description: string;
  security: Security;
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  headers?: { name: string; required: boolean; description: string; schema: Record<string, unknown> }[];
  requestExample?: unknown;
  success: { status: number; description: string; schema: z.ZodType; example: unknown };
  /** Other success statuses answering the same schema (e.g. 200 beside 201 for an idempotent create). */
  alsoSuccess?: { status: number; description: string }[];
  errors: ErrorCase[];
}

const COMMON_ERRORS: ErrorCase[] = [
  [401, ["UNAUTHORIZED"]],
  [429, ["RATE_LIMITED"]],
  [500, ["INTERNAL_ERROR"]],
];
const pat = (scope: TokenScope): Security => ({ kind: "pat", scope });
const NID = "7d6f3c5e-2b1a-4c8d-9e0f-1a2b3c4d5e6f";
const BID = "3f2e1d0c-9b8a-4765-8432-10fedcba9876";
const example = {
  notification: {
    id: NID,
    notification_type: "new_listing",
    title: "New from Corner Bakery",
    message: "Croissants · R30.50 · pickup 17:00–18:00",
    data: { listing_id: "5c4b3a29-1807-4f6e-9d5c-4b3a29180716" },
    sender: null,
    business: { id: BID, name: "Corner Bakery", logo: "https://herald.example/businesses/corner-bakery/logo.svg" },
    is_read: false,
    is_deleted: false,
    created_at: "2026-11-22T08:00:00.000Z",
    read_at: null,
    is_seen: false,
    seen_at: null,
  },
};

export const OPERATIONS: Operation[] = [
  {
    method: "get",
    path: "/api/v1/notifications",
    operationId: "listNotifications",
    tag: "Notifications",
    summary: "List notifications",
    description: `The caller's inbox (not deleted, not archived), newest first, in page-number pages. Pages reach at most ${MAX_PAGINATION_DEPTH} results deep.`,
    security: pat("notifications:read"),
    query: z
      .object({
        ...pageParams(20, 100),
        is_read: boolParam().optional(),
        notification_type: z.enum(NOTIFICATION_TYPE_NAMES as [NotificationType, ...NotificationType[]]).optional(),
        date_from: dayParam().optional().meta({ description: "First UTC day, YYYY-MM-DD (inclusive)" }),
        date_to: dayParam().optional().meta({ description: "Last UTC day, YYYY-MM-DD (inclusive)" }),
      })
      .strict(),
    success: {
      status: 200,
      description: "A page of notifications",
      schema: notificationsPage,
      example: { count: 1, next: null, previous: null, unread_count: 1, unseen_count: 1, results: [example.notification] },
    },
    errors: [[400, ["VALIDATION_ERROR"]], [403, ["PERMISSION_DENIED"]]],
  },
  {
    method: "get",
    path: "/api/v1/notifications/unread-count",
    operationId: "getUnreadCount",
    tag: "Notifications",
    summary: "Unread and unseen counts",
    description: "The unread count and the unseen count behind the bell's badge: unread notifications not yet shown in the bell.",
    security: pat("notifications:read"),
    success: { status: 200, description: "The counts", schema: unreadCount, example: { unread_count: 3, unseen_count: 1 } },
    errors: [[403, ["PERMISSION_DENIED"]]],
  },
  {
    method: "post",
    path: "/api/v1/notifications/mark-read",
    operationId: "markNotificationsRead",
    tag: "Notifications",
    summary: "Mark notifications as read",
    description: "All or nothing: an id that is missing, deleted or someone else's answers 404 and changes nothing.",
    security: pat("notifications:write"),
    body: z.object({ notification_ids: z.array(z.uuid()).min(1).max(500) }).strict(),
    requestExample: { notification_ids: [NID] },
    success: { status: 200, description: "Marked", schema: markedResponse, example: { message: "1 notification marked as read", marked_count: 1, unread_count: 2, unseen_count: 0 } },
    errors: [[400, ["VALIDATION_ERROR"]], [403, ["PERMISSION_DENIED"]], [404, ["NOT_FOUND"]]],
  },
  {
    method: "post",
    path: "/api/v1/notifications/mark-seen",
    operationId: "markNotificationsSeen",
    tag: "Notifications",
    summary: "Mark notifications as seen",
    description:
      "What a client showed in its bell: those leave unseen_count and stay unread. Ids that are missing, deleted or someone else's are skipped (marked_count says how many changed).",
    security: pat("notifications:write"),
    body: z.object({ notification_ids: z.array(z.uuid()).min(1).max(500) }).strict(),
    requestExample: { notification_ids: [NID] },
    success: { status: 200, description: "Marked", schema: markedResponse, example: { message: "1 notification marked as seen", marked_count: 1, unread_count: 3, unseen_count: 0 } },
    errors: [[400, ["VALIDATION_ERROR"]], [403, ["PERMISSION_DENIED"]]],
  },
  {
    method: "post",
    path: "/api/v1/notifications/mark-all-read",
    operationId: "markAllNotificationsRead",
    tag: "Notifications",
    summary: "Mark all notifications as read",
    description: "Any request body is ignored.",
    security: pat("notifications:write"),
    success: { status: 200, description: "Marked", schema: markedResponse, example: { message: "All notifications marked as read", marked_count: 3, unread_count: 0, unseen_count: 0 } },
    errors: [[403, ["PERMISSION_DENIED"]]],
  },
  ...(["/api/v1/notifications/{id}", "/api/v1/notifications/{id}/delete"] as const).map(
    (path, i): Operation => ({
      method: "delete",
      path,
      operationId: i === 0 ? "deleteNotification" : "deleteNotificationSeedPath",
      tag: "Notifications",
      summary: i === 0 ? "Delete a notification" : "Delete a notification (`…/delete` path)",
      description: i === 0 ? "Soft-deletes one of the caller's notifications; another user's id answers 404." : "The same as `DELETE /api/v1/notifications/{id}`, at the `…/{id}/delete` path of the original API.",
      security: pat("notifications:write"),
      params: z.object({ id: uuidParam() }).strict(),
      success: { status: 200, description: "Deleted", schema: messageResponse, example: { message: "Notification deleted successfully" } },
      errors: [[400, ["VALIDATION_ERROR"]], [403, ["PERMISSION_DENIED"]], [404, ["NOT_FOUND"]]],
    }),
  ),
  {
    method: "get",
    path: "/api/v1/preferences",
    operationId: "getPreferences",
    tag: "Preferences",
    summary: "Get preferences",
    description: "The original API's four booleans plus Herald's full preference model.",
    security: pat("preferences"),
    success: { status: 200, description: "The caller's preferences", schema: z.object({ preferences }).strict(), example: null },
    errors: [[403, ["PERMISSION_DENIED"]]],
  },
  {
    method: "put",
    path: "/api/v1/preferences",
    operationId: "updatePreferences",
    tag: "Preferences",
    summary: "Update preferences",
    description: "Any of the original API's booleans and/or Herald's fields; at least one. Locked cells and unavailable channels are a 400.",
    security: pat("preferences"),
    body: apiPreferencesBody,
    requestExample: { email_notifications: true, weekly_digest: false, quiet_hours: { enabled: true, start: "22:00", end: "07:00" } },
    success: { status: 200, description: "The new preferences", schema: z.object({ message: z.string(), preferences }).strict(), example: null },
    errors: [[400, ["VALIDATION_ERROR"]], [403, ["PERMISSION_DENIED"]]],
  },
  {
    method: "post",
    path: "/api/v1/follow",
    operationId: "followBusiness",
    tag: "Following",
    summary: "Follow a business",
    description: "Customers and NGOs only. `created` is false when an earlier follow was restored.",
    security: pat("following"),
    body: z.object({ business_id: z.uuid() }).strict(),
    requestExample: { business_id: BID },
    success: {
      status: 201,
      description: "Following",
      schema: followResponse,
      example: { message: "Successfully followed business", follower_id: NID, created: true, business: example.notification.business },
    },
    errors: [[400, ["VALIDATION_ERROR"]], [403, ["PERMISSION_DENIED"]], [404, ["BUSINESS_NOT_FOUND"]], [409, ["ALREADY_FOLLOWING"]], [422, ["FOLLOW_LIMIT_REACHED"]]],
  },
  {
    method: "delete",
    path: "/api/v1/unfollow/{business_id}",
    operationId: "unfollowBusiness",
    tag: "Following",
    summary: "Unfollow a business",
    description: "404 when the caller does not follow it.",
    security: pat("following"),
    params: z.object({ business_id: uuidParam() }).strict(),
    success: { status: 200, description: "Unfollowed", schema: messageResponse, example: { message: "Successfully unfollowed business" } },
    errors: [[400, ["VALIDATION_ERROR"]], [403, ["PERMISSION_DENIED"]], [404, ["NOT_FOUND"]]],
  },
  {
    method: "get",
    path: "/api/v1/following",
    operationId: "listFollowing",
    tag: "Following",
    summary: "Businesses the caller follows",
    description: "Most recent first.",
    security: pat("following"),
    query: z.object(pageParams(20, 100)).strict(),
    success: { status: 200, description: "A page of follows", schema: followingPage, example: null },
    errors: [[400, ["VALIDATION_ERROR"]], [403, ["PERMISSION_DENIED"]]],
  },
  {
    method: "get",
    path: "/api/v1/followers",
    operationId: "listFollowers",
    tag: "Following",
    summary: "Followers of the caller's business",
    description: "Business accounts only. `engagement_score` = 10 × read ÷ received over the last 30 days (0–10).",
    security: pat("following"),
    query: z.object({ ...pageParams(50, 100), user_type: z.enum(["customer", "ngo"]).optional() }).strict(),
    success: { status: 200, description: "A page of followers", schema: followersPage, example: null },
    errors: [[400, ["VALIDATION_ERROR"]], [403, ["PERMISSION_DENIED"]], [404, ["BUSINESS_NOT_FOUND"]]],
  },
  {
    method: "post",
    path: "/api/v1/devices",
    operationId: "registerDevice",
    tag: "Devices",
    summary: "Register a device for push",
    description:
      "A native app (Android, iOS) registers the Firebase Cloud Messaging registration token of the device it runs on; the caller's push notifications then reach it through FCM, " +
      "decided like web push (preferences, quiet hours, daily caps; email when every device is gone). Idempotent: the same token again refreshes the device (200); a token another " +
      `user had moves to the caller (201). Register at every app start and whenever the SDK issues a new token. At most ${MAX_NATIVE_DEVICES_PER_USER} devices per user: the one seen longest ago is dropped. ` +
      "Texts come in the language chosen in Herald; the badge is the caller's unseen count. 404 NOT_FOUND when this server has no FCM configured.",
    security: pat("devices"),
    body: nativeDeviceInput,
    requestExample: { token: "eXampLeT0ken:APA91bH-registration-token-from-the-firebase-sdk", platform: "android", app_version: "2.4.1 (310)", locale: "zu" },
    success: {
      status: 201,
      description: "Registered (new to the caller)",
      schema: deviceRegistered,
      example: {
        message: "Device registered",
        created: true,
        device: { id: NID, platform: "android", app_version: "2.4.1 (310)", locale: "zu", created_at: "2026-11-22T08:00:00.000Z", last_seen_at: "2026-11-22T08:00:00.000Z" },
      },
    },
    alsoSuccess: [{ status: 200, description: "Refreshed (already the caller's device; `created` is false)" }],
    errors: [[400, ["VALIDATION_ERROR"]], [403, ["PERMISSION_DENIED"]], [404, ["NOT_FOUND"]]],
  },
  {
    method: "delete",
    path: "/api/v1/devices/{token}",
    operationId: "removeDevice",
    tag: "Devices",
    summary: "Remove a device",
    description: "Unregisters one of the caller's devices (the app signed out or turned push off): nothing is pushed to that token any more. A token that is not the caller's answers 404.",
    security: pat("devices"),
    params: z.object({ token: fcmToken() }).strict(),
    success: { status: 200, description: "Removed", schema: messageResponse, example: { message: "Device removed" } },
    errors: [[400, ["VALIDATION_ERROR"]], [403, ["PERMISSION_DENIED"]], [404, ["NOT_FOUND"]]],
  },
  {
    method: "post",
    path: "/api/v1/events",
    operationId: "sendEvent",
    tag: "Events",
    summary: "Send a host-platform event",
    description:
      `A host platform reports an event; Herald notifies the people concerned. Supported: ${SUPPORTED_EVENTS.map((e) => `\`${e}\``).join(", ")} ` +
      "(`listing.created` creates the listing and notifies the business's followers; `pickup.*` and `order.status_changed` keep the pickup and its reminders — 24 h email, 1 h in-app, missed after 30 min — and notify both sides; the others notify the user or business concerned). Other names answer 422 UNSUPPORTED_EVENT. " +
      "`Idempotency-Key` is required: the same key with the same body (compared after RFC 8785 canonicalization) answers the same status and body again " +
      "with `Idempotent-Replayed: true` and delivers nothing twice, for 24 hours; with another body it is a 422 IDEMPOTENCY_KEY_REUSED; while the first " +
      "request still runs, 409 IDEMPOTENCY_IN_PROGRESS (retry after `Retry-After`). Refusals after validation (e.g. 404) are replayed too; server errors are not. " +
      `Rate limit: ${API_KEY_LIMIT.limit} requests a minute per key.`,
    security: { kind: "apikey" },
    body: z
      .union(SUPPORTED_EVENTS.map((name) => z.object({ name: z.literal(name), data: EVENT_DATA[name] }).strict().meta({ title: name })))
      .meta({ description: "Envelope: the event's `name` and its `data`" }),
    headers: [
      {
        name: "Idempotency-Key",
        required: true,
        description: "1–255 visible ASCII characters, unique per event (e.g. the host platform's event id). Records are kept per API key for 24 hours.",
        schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7E]+$" },
      },
    ],
    requestExample: {
      name: "listing.created",
      data: {
        business_id: BID,
        title: "Croissants",
        description: "A dozen, from this morning",
        price: "30.50",
        currency: "ZAR",
        pickup_start: "2026-11-22T15:00:00Z",
        pickup_end: "2026-11-22T16:00:00Z",
        expires_at: "2026-11-22T16:00:00Z",
      },
    },
    success: { status: 202, description: "Accepted (also the replay of an accepted request)", schema: eventAccepted, example: { id: "5c4b3a29-1807-4f6e-9d5c-4b3a29180716", status: "accepted" } },
    errors: [
      [400, ["VALIDATION_ERROR"]],
      [404, ["BUSINESS_NOT_FOUND", "NOT_FOUND"]],
      [409, ["IDEMPOTENCY_IN_PROGRESS", "CONFLICT"]],
      [422, ["UNSUPPORTED_EVENT", "IDEMPOTENCY_KEY_REUSED"]],
    ],
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    operationId: "getOpenApi",
    tag: "Meta",
    summary: "This document",
    description: "The OpenAPI 3.1 document of `/api/v1`. Public; no credentials.",
    security: { kind: "public" },
    success: { status: 200, description: "OpenAPI 3.1", schema: z.object({ openapi: z.string() }).passthrough(), example: null },
    errors: [],
  },
];

// ── the document ─────────────────────────────────────────────────────────────────────────────────────────

type JsonSchema = Record<string, unknown>;

/** zod → JSON Schema 2020-12 (request side: what a client sends, before transforms). Registered ids become `$ref`s. */
function schemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const out = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any", reused: "inline" }) as JsonSchema;
  delete out.$schema;
  return out;
}

function parametersOf(op: Operation) {
  const params: Record<string, unknown>[] = [];
  const add = (obj: z.ZodType | undefined, where: "path" | "query") => {
    if (!obj) return;
    const s = schemaOf(obj, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(s.properties ?? {})) {
      const { description, ...rest } = schema;
      params.push({ name, in: where, required: where === "path" || (s.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest });
    }
  };
  add(op.params, "path");
  add(op.query, "query");
  for (const h of op.headers ?? []) params.push({ name: h.name, in: "header", required: h.required, description: h.description, schema: h.schema });
  return params;
}

const ERROR_TEXT: Record<number, string> = {
  400: "Validation failed (`details`: field → messages)",
  401: "Missing, malformed, unknown, revoked or expired credentials",
  403: "The token lacks the scope, or the account may not do this",
  404: "Not found (or not yours)",
  409: "Conflict",
  422: "Refused by a business rule",
  429: "Too many requests (`Retry-After`)",
  500: "Failed on our side",
};

/** The OpenAPI 3.1 document of `/api/v1`. `serverUrl` is the app's public origin. */
export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const errors = op.security.kind === "public" ? op.errors : [...op.errors, ...COMMON_ERRORS].sort((a, b) => a[0] - b[0]);
    const responses: Record<string, unknown> = {
      [op.success.status]: {
        description: op.success.description,
        content: { "application/json": { schema: schemaOf(op.success.schema, "output"), ...(op.success.example ? { example: op.success.example } : {}) } },
      },
    };
    for (const also of op.alsoSuccess ?? []) {
      responses[also.status] = { description: also.description, content: { "application/json": { schema: schemaOf(op.success.schema, "output") } } };
    }
    for (const [status, codes] of errors) {
      responses[status] = {
        description: `${ERROR_TEXT[status] ?? "Error"}. Codes: ${codes.join(", ")}`,
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" }, example: { error: { code: codes[0], message: ERROR_TEXT[status] ?? "Error" } } } },
        "x-error-codes": codes,
      };
    }
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      operationId: op.operationId,
      tags: [op.tag],
      summary: op.summary,
      description: op.description,
      security: op.security.kind === "public" ? [] : op.security.kind === "pat" ? [{ personalAccessToken: [op.security.scope] }] : [{ apiKey: [] }],
      ...(op.security.kind === "pat" ? { "x-scope": op.security.scope } : {}),
      parameters: parametersOf(op),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: schemaOf(op.body, "input"), ...(op.requestExample ? { example: op.requestExample } : {}) } },
            },
          }
        : {}),
      responses,
    };
  }
  const limits = Object.entries(ROLE_LIMITS)
    .map(([role, r]) => `${role.toLowerCase()} ${r.limit}/min`)
    .join(", ");
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Herald HTTP API",
      version: "1",
      description:
        "Herald's HTTP API (`/api/v1`). People and their apps use personal access tokens (created at /settings/tokens, scoped); host platforms " +
        "send events with API keys (created by admins at /admin/api-keys). Errors use one body: `{ \"error\": { \"code\", \"message\", \"details\"? } }`. " +
        `Every answer carries \`Cache-Control: no-store\` and \`X-RateLimit-Limit/Remaining/Reset\`. Rate limits per token by role: ${limits}; ` +
        `per API key ${API_KEY_LIMIT.limit}/min; failed authentication 100/hour per client IP. JSON bodies are at most ${MAX_BODY_BYTES} bytes; unknown fields are a 400.`,
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: serverUrl }],
    tags: [
      { name: "Notifications", description: "The caller's inbox" },
      { name: "Preferences", description: "What the caller receives, where and when" },
      { name: "Following", description: "Businesses the caller follows; a business's followers" },
      { name: "Devices", description: "The caller's native app devices for push (Firebase Cloud Messaging)" },
      { name: "Events", description: "Host platforms report what happened" },
      { name: "Meta", description: "About the API itself" },
    ],
    paths,
    components: {
      schemas: { Error: schemaOf(errorSchema, "output") },
      securitySchemes: {
        personalAccessToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "hrld_pat_…",
          description: `A personal access token. Scopes: ${Object.entries(TOKEN_SCOPES)
            .map(([s, d]) => `\`${s}\` (${d})`)
            .join("; ")}.`,
        },
        apiKey: { type: "http", scheme: "bearer", bearerFormat: "hrld_key_…", description: "A host platform's API key (admins create them at /admin/api-keys)." },
      },
    },
  };
}
export type OpenApiDocument = ReturnType<typeof openApiDocument>;

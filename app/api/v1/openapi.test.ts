/**
 * `GET /api/v1/openapi.json` against the real handlers: every `/api/v1` route file's methods are in the
 * document, and real answers (successes and errors, docs/requirements.md R15.4) match the document's
 * response schemas.
 *
 * No JSON Schema 2020-12 validator is a dependency of this project (node_modules holds only ajv 6, a
 * draft-07 transitive dependency of eslint), so a small recursive checker below covers what the document
 * uses: type (incl. "null"), properties/required/additionalProperties, items, enum, const, anyOf/oneOf,
 * minimum/maximum, minLength/maxLength, pattern, format (uuid, date-time, uri) and local `$ref`s. It is
 * itself tested against wrong bodies so that a pass means something.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppJobs } from "@/test/app-jobs";
import { createBusiness, createNotification, createUser } from "@/prisma/factory";
import { db } from "@/server/db";
import { createApiKey } from "@/server/services/api/api-keys";
import { call, req, tokenFor, userWithToken, ORIGIN, randomIp, type Answer } from "./_test/helpers";

type Schema = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is JSON under test
let doc: any;
let jobs: Awaited<ReturnType<typeof startAppJobs>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- route modules loaded by path
type AnyHandler = (request: Request, context?: { params: Promise<any> }) => Promise<Response>;
const routes = new Map<string, Record<string, AnyHandler>>();

/** `app/api/v1/**\/route.ts` → OpenAPI path (`[id]` → `{id}`). */
function routeFiles(dir = path.join(import.meta.dirname)): { file: string; apiPath: string }[] {
  const out: { file: string; apiPath: string }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory() && !e.name.startsWith("_")) out.push(...routeFiles(full));
    else if (e.name === "route.ts") {
      const rel = path.relative(import.meta.dirname, path.dirname(full)).split(path.sep).join("/");
      out.push({ file: full, apiPath: `/api/v1/${rel}`.replace(/\[([^\]]+)\]/g, "{$1}") });
    }
  }
  return out;
}

beforeAll(async () => {
  jobs = await startAppJobs();
  for (const { file, apiPath } of routeFiles()) routes.set(apiPath, (await import(file)) as Record<string, AnyHandler>);
  const r = await routes.get("/api/v1/openapi.json")!.GET!(new Request(`${ORIGIN}/api/v1/openapi.json`));
  expect(r.status).toBe(200);
  doc = await r.json();
});
afterAll(async () => {
  await jobs?.stop();
});

// ── the checker ──────────────────────────────────────────────────────────────────────────────────────────

const FORMATS: Record<string, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  "date-time": /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  uri: /^https?:\/\/\S+$/,
};
const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v);

/** Problems of `value` against `schema` (empty when it conforms). */
function check(schema: Schema, value: unknown, at = "$"): string[] {
  if (typeof schema.$ref === "string") {
    const target = schema.$ref.replace(/^#\//, "").split("/").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], doc);
    return check(target as Schema, value, at);
  }
  const errs: string[] = [];
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
    const alts = (schema.anyOf ?? schema.oneOf) as Schema[];
    const ok = alts.filter((s) => check(s, value, at).length === 0).length;
    if (schema.oneOf ? ok !== 1 : ok === 0) errs.push(`${at}: matches ${ok} of ${alts.length} alternatives`);
  }
  if (schema.type !== undefined) {
    const types = ([] as unknown[]).concat(schema.type);
    const t = typeOf(value);
    if (!types.includes(t) && !(t === "integer" && types.includes("number"))) return [...errs, `${at}: ${t} is not ${types.join("|")}`];
  }
  if ("const" in schema && value !== schema.const) errs.push(`${at}: not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errs.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) errs.push(`${at}: below minimum`);
    if (typeof schema.maximum === "number" && value > schema.maximum) errs.push(`${at}: above maximum`);
  }
  if (typeof value === "string") {
    if (typeof schema.minLength === "number" && value.length < schema.minLength) errs.push(`${at}: too short`);
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength) errs.push(`${at}: too long`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) errs.push(`${at}: does not match ${schema.pattern}`);
    const f = typeof schema.format === "string" ? FORMATS[schema.format] : undefined;
    if (f && !f.test(value)) errs.push(`${at}: not a ${String(schema.format)}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errs.push(...check(schema.items as Schema, v, `${at}[${i}]`)));
  if (typeOf(value) === "object") {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) errs.push(`${at}: missing ${r}`);
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) errs.push(...check(props[k], v, `${at}.${k}`));
      else if (schema.additionalProperties === false) errs.push(`${at}: unexpected ${k}`);
      else if (typeof schema.additionalProperties === "object") errs.push(...check(schema.additionalProperties as Schema, v, `${at}.${k}`));
    }
  }
  return errs;
}

/** Checks a real answer against the document's response of (path, method, status); error codes too. */
function conforms(apiPath: string, method: string, a: Answer) {
  const op = doc.paths[apiPath]?.[method];
  expect(op, `${method} ${apiPath} is documented`).toBeDefined();
  const response = op.responses[String(a.status)];
  expect(response, `${method} ${apiPath} documents status ${a.status}`).toBeDefined();
  expect(check(response.content["application/json"].schema, a.body), `${method} ${apiPath} ${a.status}: ${JSON.stringify(a.body).slice(0, 400)}`).toEqual([]);
  if (a.status >= 400) expect(response["x-error-codes"], `${method} ${apiPath} ${a.status}`).toContain(a.body.error.code);
}

// ── tests ────────────────────────────────────────────────────────────────────────────────────────────────

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with both bearer schemes, the R15.4 error schema, and every /api/v1 route and method", async () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes).toMatchObject({
      personalAccessToken: { type: "http", scheme: "bearer" },
      apiKey: { type: "http", scheme: "bearer" },
    });
    expect(doc.components.schemas.Error).toMatchObject({ type: "object", required: ["error"] });
    const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    for (const [apiPath, mod] of routes) {
      for (const m of methods.filter((m) => typeof mod[m] === "function")) {
        expect(doc.paths[apiPath]?.[m.toLowerCase()], `${m} ${apiPath}`).toBeDefined();
      }
    }
    for (const [apiPath, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const m of Object.keys(ops)) expect(typeof routes.get(apiPath)?.[m.toUpperCase()], `${m} ${apiPath} exists`).toBe("function");
    }
    const events = doc.paths["/api/v1/events"].post;
    expect(events.security).toEqual([{ apiKey: [] }]);
    expect(events.parameters).toContainEqual(expect.objectContaining({ name: "Idempotency-Key", in: "header", required: true }));
    const variants = events.requestBody.content["application/json"].schema.anyOf as Schema[];
    const variant = (name: string) => variants.find((v) => (v.properties as Record<string, Schema>).name!.const === name);
    expect(variants).toHaveLength(14);
    expect((variant("listing.created")!.properties as Record<string, Schema>).data!.required).toEqual(expect.arrayContaining(["business_id", "title", "pickup_start"]));
    expect((variant("pickup.scheduled")!.properties as Record<string, Schema>).data!.required).toEqual(expect.arrayContaining(["pickup_id", "customer_id", "scheduled_at"]));
    expect(Object.keys(events.responses)).toEqual(expect.arrayContaining(["202", "400", "401", "409", "422", "429"]));
    expect(doc.paths["/api/v1/notifications"].get.security).toEqual([{ personalAccessToken: ["notifications:read"] }]);
  });

  it("has a checker that catches wrong bodies (so passing means something)", () => {
    const s = doc.paths["/api/v1/notifications/unread-count"].get.responses["200"].content["application/json"].schema;
    expect(check(s, { unread_count: 2, unseen_count: 1 })).toEqual([]);
    expect(check(s, { unread_count: 2 })).not.toEqual([]);
    expect(check(s, { unread_count: "2", unseen_count: 1 })).not.toEqual([]);
    expect(check(s, { unread_count: 2, unseen_count: 1, extra: true })).not.toEqual([]);
    expect(check({ $ref: "#/components/schemas/Error" }, { error: { code: "X" } })).not.toEqual([]);
  });
});

describe("real answers match the document", () => {
  it("notifications: list, unread count, mark read, mark all read, delete (both spellings), and errors", async () => {
    const { user, token } = await userWithToken();
    const { business, owner } = await createBusiness(db);
    const n1 = await createNotification(db, { userId: user.id, businessId: business.id, type: "new_listing" });
    const n2 = await createNotification(db, { userId: user.id, readAt: new Date() });
    const n3 = await createNotification(db, { userId: user.id });
    await db.notification.update({ where: { id: n3.id }, data: { actorId: owner.id } });
    const h = routes;
    const list = await call(h.get("/api/v1/notifications")!.GET!, req("GET", "/api/v1/notifications?page_size=2", { token }));
    expect(list.status).toBe(200);
    expect(list.body.results).toHaveLength(2);
    conforms("/api/v1/notifications", "get", list);
    conforms("/api/v1/notifications", "get", await call(h.get("/api/v1/notifications")!.GET!, req("GET", "/api/v1/notifications?page=2&page_size=2", { token })));
    conforms("/api/v1/notifications", "get", await call(h.get("/api/v1/notifications")!.GET!, req("GET", "/api/v1/notifications?page=x", { token })));
    conforms("/api/v1/notifications", "get", await call(h.get("/api/v1/notifications")!.GET!, req("GET", "/api/v1/notifications", {})));
    conforms("/api/v1/notifications/unread-count", "get", await call(h.get("/api/v1/notifications/unread-count")!.GET!, req("GET", "/x", { token })));
    const marked = await call(h.get("/api/v1/notifications/mark-read")!.POST!, req("POST", "/x", { token, body: { notification_ids: [n1.id] } }));
    expect(marked.status).toBe(200);
    conforms("/api/v1/notifications/mark-read", "post", marked);
    conforms("/api/v1/notifications/mark-read", "post", await call(h.get("/api/v1/notifications/mark-read")!.POST!, req("POST", "/x", { token, body: { notification_ids: [crypto.randomUUID()] } })));
    conforms("/api/v1/notifications/mark-all-read", "post", await call(h.get("/api/v1/notifications/mark-all-read")!.POST!, req("POST", "/x", { token })));
    const del = await call(h.get("/api/v1/notifications/{id}")!.DELETE!, req("DELETE", "/x", { token }), { id: n2.id });
    expect(del.status).toBe(200);
    conforms("/api/v1/notifications/{id}", "delete", del);
    conforms("/api/v1/notifications/{id}/delete", "delete", await call(h.get("/api/v1/notifications/{id}/delete")!.DELETE!, req("DELETE", "/x", { token }), { id: n3.id }));
    conforms("/api/v1/notifications/{id}", "delete", await call(h.get("/api/v1/notifications/{id}")!.DELETE!, req("DELETE", "/x", { token }), { id: n2.id }));
    const readOnly = await tokenFor(user.id, ["notifications:read"]);
    conforms("/api/v1/notifications/{id}", "delete", await call(h.get("/api/v1/notifications/{id}")!.DELETE!, req("DELETE", "/x", { token: readOnly }), { id: n1.id }));
  });

  it("preferences: get, put, and a 400", async () => {
    const { token } = await userWithToken();
    const h = routes.get("/api/v1/preferences")!;
    const got = await call(h.GET!, req("GET", "/x", { token }));
    expect(got.status).toBe(200);
    conforms("/api/v1/preferences", "get", got);
    const put = await call(h.PUT!, req("PUT", "/x", { token, body: { weekly_digest: true, quiet_hours: { enabled: true, start: "22:00", end: "07:00" } } }));
    expect(put.status).toBe(200);
    conforms("/api/v1/preferences", "put", put);
    conforms("/api/v1/preferences", "put", await call(h.PUT!, req("PUT", "/x", { token, body: { nope: 1 } })));
  });

  it("following: follow, following, followers, unfollow, and their errors", async () => {
    const { user, token } = await userWithToken();
    const { business, owner } = await createBusiness(db);
    const followed = await call(routes.get("/api/v1/follow")!.POST!, req("POST", "/x", { token, body: { business_id: business.id } }));
    expect(followed.status).toBe(201);
    conforms("/api/v1/follow", "post", followed);
    conforms("/api/v1/follow", "post", await call(routes.get("/api/v1/follow")!.POST!, req("POST", "/x", { token, body: { business_id: business.id } })));
    conforms("/api/v1/follow", "post", await call(routes.get("/api/v1/follow")!.POST!, req("POST", "/x", { token, body: { business_id: crypto.randomUUID() } })));
    await createNotification(db, { userId: user.id, businessId: business.id });
    const following = await call(routes.get("/api/v1/following")!.GET!, req("GET", "/api/v1/following", { token }));
    expect(following.body.results).toHaveLength(1);
    conforms("/api/v1/following", "get", following);
    const ownerToken = await tokenFor(owner.id);
    const followers = await call(routes.get("/api/v1/followers")!.GET!, req("GET", "/api/v1/followers", { token: ownerToken }));
    expect(followers.body.results).toHaveLength(1);
    conforms("/api/v1/followers", "get", followers);
    conforms("/api/v1/followers", "get", await call(routes.get("/api/v1/followers")!.GET!, req("GET", "/api/v1/followers", { token })));
    const unfollowed = await call(routes.get("/api/v1/unfollow/{business_id}")!.DELETE!, req("DELETE", "/x", { token }), { business_id: business.id });
    expect(unfollowed.status).toBe(200);
    conforms("/api/v1/unfollow/{business_id}", "delete", unfollowed);
    conforms("/api/v1/unfollow/{business_id}", "delete", await call(routes.get("/api/v1/unfollow/{business_id}")!.DELETE!, req("DELETE", "/x", { token }), { business_id: business.id }));
  });

  it("devices: register (201, then 200), remove, and their errors", async () => {
    // Native pushes captured (the embedded mode's transport), so registration is open (issue 17).
    const g = globalThis as unknown as { heraldNativePushTransport?: unknown };
    const { createNativeCaptureTransport } = await import("@/server/services/push/fcm");
    g.heraldNativePushTransport = createNativeCaptureTransport(db);
    try {
      const { user, token } = await userWithToken();
      const fcm = `openapi${Date.now().toString(36)}:APA91bHun4MxP5egoKMwt2KZFBaFUH`;
      const POST = routes.get("/api/v1/devices")!.POST!;
      const DELETE = routes.get("/api/v1/devices/{token}")!.DELETE!;
      const example = doc.paths["/api/v1/devices"].post.requestBody.content["application/json"].example;
      expect(check(doc.paths["/api/v1/devices"].post.requestBody.content["application/json"].schema, example)).toEqual([]);
      const created = await call(POST, req("POST", "/x", { token, body: { ...example, token: fcm } }));
      expect(created.status).toBe(201);
      conforms("/api/v1/devices", "post", created);
      const refreshed = await call(POST, req("POST", "/x", { token, body: { ...example, token: fcm } }));
      expect(refreshed.status).toBe(200);
      conforms("/api/v1/devices", "post", refreshed);
      conforms("/api/v1/devices", "post", await call(POST, req("POST", "/x", { token, body: { ...example, token: fcm, extra: 1 } })));
      conforms("/api/v1/devices", "post", await call(POST, req("POST", "/x", { token: await tokenFor(user.id, ["following"]), body: { ...example, token: fcm } })));
      const removed = await call(DELETE, req("DELETE", "/x", { token }), { token: fcm });
      expect(removed.status).toBe(200);
      conforms("/api/v1/devices/{token}", "delete", removed);
      conforms("/api/v1/devices/{token}", "delete", await call(DELETE, req("DELETE", "/x", { token }), { token: fcm }));
      conforms("/api/v1/devices/{token}", "delete", await call(DELETE, req("DELETE", "/x", { token }), { token: "bad token" }));
    } finally {
      delete g.heraldNativePushTransport;
    }
  });

  it("events: 202, replay, 400, 401, 404, 409, 422", async () => {
    const admin = await createUser(db, { role: "ADMIN" });
    const { key, summary } = await createApiKey(admin.id, { name: "OpenAPI test" });
    const { business } = await createBusiness(db);
    const POST = routes.get("/api/v1/events")!.POST!;
    const send = (body: unknown, idem: string | null, k: string | null = key) => {
      const headers = new Headers({ "x-forwarded-for": randomIp(), "content-type": "application/json" });
      if (k) headers.set("authorization", `Bearer ${k}`);
      if (idem) headers.set("idempotency-key", idem);
      return call(POST, new Request(`${ORIGIN}/api/v1/events`, { method: "POST", headers, body: JSON.stringify(body) }));
    };
    const event = doc.paths["/api/v1/events"].post.requestBody.content["application/json"].example;
    const body = {
      ...event,
      data: {
        ...event.data,
        business_id: business.id,
        pickup_start: new Date(Date.now() + 3_600_000).toISOString(),
        pickup_end: new Date(Date.now() + 7_200_000).toISOString(),
        expires_at: new Date(Date.now() + 7_200_000).toISOString(),
      },
    };
    // the documented example request is itself valid against the documented request schema
    expect(check(doc.paths["/api/v1/events"].post.requestBody.content["application/json"].schema, body)).toEqual([]);
    const idem = `openapi-${crypto.randomUUID()}`;
    const ok = await send(body, idem);
    expect(ok.status).toBe(202);
    conforms("/api/v1/events", "post", ok);
    conforms("/api/v1/events", "post", await send(body, idem));
    conforms("/api/v1/events", "post", await send({ ...body, data: { ...body.data, title: "Other" } }, idem));
    conforms("/api/v1/events", "post", await send(body, null));
    conforms("/api/v1/events", "post", await send(body, "x", null));
    conforms("/api/v1/events", "post", await send({ ...body, data: { ...body.data, business_id: crypto.randomUUID() } }, crypto.randomUUID()));
    conforms("/api/v1/events", "post", await send({ name: "user.registered", data: {} }, crypto.randomUUID()));
    const held = crypto.randomUUID();
    const { requestHash } = await import("@/server/services/api/idempotency");
    await db.idempotencyRecord.create({ data: { key: `apikey:${summary.id}:${held}`, requestHash: requestHash(body), status: 0, response: {} } });
    const busy = await send(body, held);
    expect(busy.status).toBe(409);
    conforms("/api/v1/events", "post", busy);
    await jobs.executor.idle();
  });
});

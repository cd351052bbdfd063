/**
 * Issue 12 "Request hygiene" on the tRPC endpoint, through the real route handler and database: NUL and
 * lone surrogates answer 400 naming the field (never 500), bodies over 1 MiB answer 413 without being read
 * whole, mutations from another site or origin answer 403, and every answer is `private, no-store`.
 */
import { describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ user: null as null | { id: string; role: "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN" } }));
vi.mock("@/server/auth", async (importOriginal) => ({ ...(await importOriginal<object>()), currentUser: async () => session.user }));

import { db } from "@/server/db";
import { createBusiness, createUser } from "@/prisma/factory";
import { errorOf as formError } from "@/components/admin/campaigns/campaign-types";
import { GET, POST } from "./route";

const APP = "http://localhost:3000";

interface TrpcError {
  message: string;
  data: { code: string; httpStatus: number; path: string; appCode: string | null; details: Record<string, string[]> | null };
}

async function answer(res: Response) {
  const text = await res.text();
  return { status: res.status, cache: res.headers.get("cache-control"), body: text ? (JSON.parse(text) as unknown) : null };
}
/** The error of a single (non-batch) call: `{ error: { json: shape } }` (superjson). */
const errorOf = (body: unknown) => (body as { error: { json: TrpcError } }).error.json;

function query(path: string, input: unknown, batch = false) {
  const enc = encodeURIComponent(JSON.stringify(batch ? { 0: { json: input } } : { json: input }));
  return GET(new Request(`${APP}/api/trpc/${path}?${batch ? "batch=1&" : ""}input=${enc}`));
}

function mutate(path: string, body: BodyInit | null, headers: Record<string, string> = {}, init: RequestInit = {}) {
  return POST(new Request(`${APP}/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json", origin: APP, "sec-fetch-site": "same-origin", ...headers }, body, ...init }));
}

async function adminAndBusiness() {
  const admin = await createUser(db, { role: "ADMIN" });
  const { business } = await createBusiness(db);
  return { admin, business };
}
const campaign = (businessId: string, over: Record<string, unknown> = {}) => ({
  name: "Hygiene drive",
  inAppTitle: "Winter food drive",
  inAppBody: "Double the pickups all July",
  emailSubject: "Winter food drive",
  emailBody: "Help us double the pickups.",
  channels: ["IN_APP"],
  audience: { kind: "followers", businessId },
  ...over,
});

describe("tRPC: NUL and lone surrogates", () => {
  it("a query with NUL in a field answers 400 naming it, not 500", async () => {
    const r = await answer(await query("businesses.list", { query: "ba\u0000kery" }));
    expect(r.status).toBe(400);
    expect(errorOf(r.body).data).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION_ERROR", details: { query: [expect.stringMatching(/NUL/)] } });
    expect(r.cache).toBe("private, no-store");
  });

  it("a batched query names the field inside each call", async () => {
    const r = await answer(await query("businesses.list", { query: "\ud800x" }, true));
    expect(r.status).toBe(400);
    const [item] = r.body as { error: { json: TrpcError } }[];
    expect(item!.error.json.data.details).toEqual({ query: [expect.stringMatching(/surrogate/)] });
  });

  it("a mutation with NUL or a lone surrogate answers 400 with the field named and writes nothing", async () => {
    const { admin, business } = await adminAndBusiness();
    session.user = { id: admin.id, role: "ADMIN" };
    try {
      const name = `Hygiene ${admin.id}`;
      for (const [field, value, words] of [
        ["inAppTitle", "Winter\u0000drive", /NUL/],
        ["name", `${name} \udc00`, /surrogate/],
      ] as const) {
        const r = await answer(await mutate("campaigns.create", JSON.stringify({ json: campaign(business.id, { name, [field]: value }) })));
        expect(r.status, field).toBe(400);
        expect(errorOf(r.body).data.details).toEqual({ [field]: [expect.stringMatching(words)] });
        expect(errorOf(r.body).message).toContain(field);
      }
      // Nested fields are named with their path, keys too.
      const nested = await answer(await mutate("campaigns.create", JSON.stringify({ json: campaign(business.id, { name, audience: { kind: "followers", businessId: `${business.id}\u0000` } }) })));
      expect(errorOf(nested.body).data.details).toEqual({ "audience.businessId": [expect.any(String)] });
      expect(await db.campaign.count({ where: { name: { startsWith: name } } })).toBe(0);
      // The same input without the bad character goes through.
      const ok = await answer(await mutate("campaigns.create", JSON.stringify({ json: campaign(business.id, { name }) })));
      expect(ok.status).toBe(200);
      expect(ok.cache).toBe("private, no-store");
    } finally {
      session.user = null;
    }
  });
});

describe("tRPC: errors as the admin forms read them", () => {
  const words = { failed: "Something went wrong", checkFields: "Check the highlighted fields." };

  it("an input that fails validation is summed up for the form, each field keeping its own message", async () => {
    const { admin, business } = await adminAndBusiness();
    session.user = { id: admin.id, role: "ADMIN" };
    try {
      const r = await answer(await mutate("campaigns.create", JSON.stringify({ json: campaign(business.id, { name: "" }) })));
      expect(r.status).toBe(400);
      const shape = errorOf(r.body);
      expect(shape.message).toBe("Give the campaign a name"); // the first field's message, not zod's JSON
      expect(formError(shape, words)).toEqual({ message: "Check the highlighted fields.", fields: { name: ["Give the campaign a name"] } });

      // A service's own sentence stays, beside the field it highlights.
      const created = await answer(await mutate("campaigns.create", JSON.stringify({ json: campaign(business.id, { name: `Form errors ${admin.id}` }) })));
      const draftId = (created.body as { result: { data: { json: { id: string } } } }).result.data.json.id;
      const far = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 16);
      const tooFar = await answer(await mutate("campaigns.schedule", JSON.stringify({ json: { id: draftId, localDateTime: far, timeZone: "UTC" } })));
      expect(tooFar.status).toBe(400);
      expect(formError(errorOf(tooFar.body), words)).toEqual({ message: "Campaigns can be scheduled at most 30 days ahead", fields: { scheduledAt: ["At most 30 days ahead"] } });

      // Any other error keeps the server's sentence too.
      const missing = await answer(await mutate("campaigns.update", JSON.stringify({ json: { id: "00000000-0000-4000-8000-000000000000", ...campaign(business.id) } })));
      expect(missing.status).toBe(404);
      expect(formError(errorOf(missing.body), words)?.message).toBe(errorOf(missing.body).message);
      expect(errorOf(missing.body).message).not.toBe(words.checkFields);
    } finally {
      session.user = null;
    }
  });
});

describe("tRPC: body size", () => {
  it("refuses a declared Content-Length over 1 MiB with 413 before reading the body", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const r = await answer(await mutate("campaigns.create", body, { "content-length": String(2 * 1024 * 1024) }, { duplex: "half" } as RequestInit));
    expect(r.status).toBe(413);
    expect(errorOf(r.body).data.code).toBe("PAYLOAD_TOO_LARGE");
    expect(pulled).toBeLessThanOrEqual(1); // the stream's first pull happens when the Request is built, at most
  });

  it("stops reading an undeclared body at the limit (413), whatever its real size", async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += 64 * 1024;
        c.enqueue(new Uint8Array(64 * 1024).fill(0x20));
        if (sent > 64 * 1024 * 1024) c.close(); // 64 MiB: never reached
      },
    });
    const r = await answer(await mutate("campaigns.create", body, {}, { duplex: "half" } as RequestInit));
    expect(r.status).toBe(413);
    expect(sent).toBeLessThan(2 * 1024 * 1024);
  });

  it("answers 400 for a body that is not UTF-8 or not JSON", async () => {
    expect((await mutate("campaigns.create", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).status).toBe(400);
    expect((await mutate("campaigns.create", "{not json")).status).toBe(400);
  });
});

describe("tRPC: cross-site mutations", () => {
  const body = () => JSON.stringify({ json: { businessId: "00000000-0000-4000-8000-000000000000" } });

  it.each([
    [{ origin: "https://evil.example", "sec-fetch-site": "" }],
    [{ origin: "null", "sec-fetch-site": "" }],
    [{ origin: "https://evil.example", "sec-fetch-site": "cross-site" }],
    [{ origin: APP, "sec-fetch-site": "cross-site" }],
    [{ origin: "http://sub.localhost:3000", "sec-fetch-site": "same-site" }],
    [{ origin: "", "sec-fetch-site": "", "content-type": "text/plain" }],
  ])("refuses %j with 403 and changes nothing", async (headers) => {
    const user = await createUser(db);
    session.user = { id: user.id, role: "CUSTOMER" };
    try {
      const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ""));
      const req = new Request(`${APP}/api/trpc/following.follow`, { method: "POST", headers: { "content-type": "application/json", ...clean }, body: body() });
      const r = await answer(await POST(req));
      expect(r.status).toBe(403);
      expect(errorOf(r.body).data.code).toBe("FORBIDDEN");
      expect(r.cache).toBe("private, no-store");
    } finally {
      session.user = null;
    }
  });

  it("lets same-origin browsers and JSON clients without Origin through", async () => {
    const user = await createUser(db);
    const { business } = await createBusiness(db);
    session.user = { id: user.id, role: "CUSTOMER" };
    try {
      const follow = (headers: Record<string, string>) =>
        POST(new Request(`${APP}/api/trpc/following.unfollow`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ json: { businessId: business.id } }) }));
      const variants: Record<string, string>[] = [{ origin: APP, "sec-fetch-site": "same-origin" }, { origin: APP }, { "sec-fetch-site": "same-origin" }, {}];
      for (const h of variants) {
        expect((await follow(h)).status, JSON.stringify(h)).not.toBe(403);
      }
    } finally {
      session.user = null;
    }
  });

  it("queries (GET) are not refused by Sec-Fetch-Site: they change nothing", async () => {
    const r = await answer(await GET(new Request(`${APP}/api/trpc/businesses.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`, { headers: { "sec-fetch-site": "cross-site" } })));
    expect(r.status).toBe(200);
    expect(r.cache).toBe("private, no-store");
  });
});

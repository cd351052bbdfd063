/**
 * Prometheus metrics (issue 15): who may scrape them, and that the HTTP API, tRPC, a fan-out chunk and the
 * email transport are each counted, read back through the scrape endpoint as Prometheus would.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createBusiness, createFollowers, createListing, createUser } from "../../../prisma/factory";
import { createCaller } from "../../trpc/root";
import { GET as listNotifications } from "../../../app/api/v1/notifications/route";
import { deliverListingChunk } from "../delivery/fan-out-listing";
import { emailTransport } from "../email";
import { metricsResponse } from "../../http/metrics-scrape";
import { routeLabel } from "./metrics";
import { startRealtimeServer } from "../../embedded/realtime/server";
import { sample } from "../../../test/prometheus";

const TOKEN = "metrics-token-0123456789abcdef0123456789";

async function scrape(): Promise<string> {
  const res = await metricsResponse(new Request("http://herald.test/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }), TOKEN);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(res.headers.get("cache-control")).toBe("private, no-store");
  return res.text();
}

describe("GET /api/metrics", () => {
  it("answers 404 while no token is configured, 401 without the right bearer token, 200 with it", async () => {
    const req = (auth?: string) => new Request("http://herald.test/api/metrics", auth ? { headers: { authorization: auth } } : {});
    const off = await metricsResponse(req(`Bearer ${TOKEN}`), undefined);
    expect(off.status).toBe(404);
    expect(await off.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    for (const auth of [undefined, "Bearer wrong-token", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const res = await metricsResponse(req(auth), TOKEN);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="herald-metrics"');
    }
    expect(await scrape()).toContain("herald_process_cpu_user_seconds_total");
  });

  it("times /api/v1 requests by route template and status, and tRPC procedures by path and outcome", async () => {
    const apiSeries = 'herald_http_request_duration_seconds_count{surface="api",route="/api/v1/notifications",method="GET",status="401"}';
    const trpcSeries = 'herald_http_request_duration_seconds_count{surface="trpc",route="notifications.unreadCount",method="query",status="UNAUTHORIZED"}';
    const before = await scrape();
    const res = await listNotifications(new Request("http://herald.test/api/v1/notifications"), { params: Promise.resolve({}) });
    expect(res.status).toBe(401);
    await expect(createCaller({ user: null }).notifications.unreadCount()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const after = await scrape();
    expect(sample(after, apiSeries) - sample(before, apiSeries)).toBe(1);
    expect(sample(after, trpcSeries) - sample(before, trpcSeries)).toBe(1);
    expect(routeLabel("/api/v1/notifications/3f2b8c1e-9d4a-4b7e-8f00-1234567890ab/read")).toBe("/api/v1/notifications/:id/read");
    expect(routeLabel("/api/v1/devices/dXk2:APA91bHun4MxP5egoKMwt2KZFBaFUH")).toBe("/api/v1/devices/:token");
    expect(routeLabel("/api/v1/devices")).toBe("/api/v1/devices");
  });

  it("adds the realtime server's connection counters when it serves them, and nothing when it does not", async () => {
    const realtime = await startRealtimeServer({ apps: [{ id: "7", key: "k7", secret: "s7" }], metricsToken: TOKEN });
    try {
      const req = new Request("http://herald.test/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
      const withRealtime = await (await metricsResponse(req, TOKEN, { realtimeMetricsUrl: `http://127.0.0.1:${realtime.port}/metrics` })).text();
      expect(withRealtime).toContain("\nherald_realtime_connections 0\n");
      expect(withRealtime).toContain("herald_process_cpu_user_seconds_total");
      // A server that does not serve them (404 without a token of its own) adds nothing and fails nothing.
      const plain = await startRealtimeServer({ apps: [{ id: "8", key: "k8", secret: "s8" }] });
      try {
        const without = await (await metricsResponse(req, TOKEN, { realtimeMetricsUrl: `http://127.0.0.1:${plain.port}/metrics` })).text();
        expect(without).not.toContain("herald_realtime_connections");
      } finally {
        await plain.close();
      }
    } finally {
      await realtime.close();
    }
  });

  it("counts a fan-out chunk's rows and the emails the transport took", async () => {
    const { business } = await createBusiness(db);
    await createFollowers(db, business.id, 25);
    const listing = await createListing(db, business.id, { title: "Rye" });
    const rows = 'herald_fanout_chunk_rows_sum{kind="listing"}';
    const chunks = 'herald_fanout_chunk_duration_seconds_count{kind="listing"}';
    const sent = 'herald_emails_total{status="sent"}';
    const before = await scrape();
    expect((await deliverListingChunk(listing.id, { afterUserId: null, throughUserId: null })).inserted).toBe(25);
    const user = await createUser(db);
    await emailTransport().send({ to: user.email, from: "Herald <n@herald.test>", subject: "Hello", html: "<p>Hi</p>", text: "Hi", headers: {}, tags: [], idempotencyKey: `metrics-test:${user.id}` });
    const after = await scrape();
    expect(sample(after, rows) - sample(before, rows)).toBe(25);
    expect(sample(after, chunks) - sample(before, chunks)).toBe(1);
    expect(sample(after, sent) - sample(before, sent)).toBe(1);
  });
});

/**
 * GET /api/health (readiness) against the test run's real database and realtime server, and a real
 * embedded executor's event API for the jobs check; each engine is then made unreachable in turn.
 */
import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { GET } from "./route";
import { createHarness, type Harness } from "../../../server/embedded/jobs/test-harness";

let h: Harness | undefined;
const savedEnv = { ...process.env };
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
  process.env = { ...savedEnv };
  // The realtime publisher is built once from the environment; let the next use build it again.
  (globalThis as { heraldRealtime?: unknown }).heraldRealtime = undefined;
});

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe("GET /api/health", () => {
  it("answers 200 ready when the database, the realtime server and the executor answer", async () => {
    h = createHarness({ define: () => [] });
    await h.executor.start();
    const api = await h.executor.listen(0);
    process.env.INNGEST_BASE_URL = `http://127.0.0.1:${api.port}`;
    const res = await GET();
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const body = await res.json();
    expect(body).toMatchObject({
      ready: true,
      checks: { database: { status: "ok" }, realtime: { status: "ok" }, jobs: { status: "ok" } },
    });
    await api.close();
  });

  it("answers 503 naming the engine that does not answer, and nothing about why beyond that", async () => {
    process.env.INNGEST_BASE_URL = `http://127.0.0.1:${await closedPort()}`;
    let res = await GET();
    expect(res.status).toBe(503);
    let body = await res.json();
    expect(body.checks.database).toMatchObject({ status: "ok" });
    expect(body.checks.realtime).toMatchObject({ status: "ok" });
    expect(body.checks.jobs).toEqual({ status: "error", ms: expect.any(Number), error: "unreachable" });

    // The realtime publisher pointed at a port where nothing listens (the app builds it once, from env).
    delete process.env.INNGEST_BASE_URL;
    const { createRealtimePublisher } = await import("../../../server/services/realtime/publisher");
    (globalThis as { heraldRealtime?: unknown }).heraldRealtime = createRealtimePublisher({
      appId: process.env.PUSHER_APP_ID!,
      key: process.env.PUSHER_KEY!,
      secret: process.env.PUSHER_SECRET!,
      host: "127.0.0.1",
      port: await closedPort(),
    });
    res = await GET();
    expect(res.status).toBe(503);
    body = await res.json();
    expect(body.checks.realtime).toEqual({ status: "error", ms: expect.any(Number), error: "unreachable" });
    expect(body.checks.jobs).toEqual({ status: "skipped", reason: "Inngest Cloud (no INNGEST_BASE_URL)" });
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  });
});

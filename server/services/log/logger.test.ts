/**
 * Structured request logs with a request id (issue 15): one JSON line per answered request, and the id in
 * the response, read back from what the process writes to stdout.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createCaller } from "../../trpc/root";
import { GET as listNotifications } from "../../../app/api/v1/notifications/route";
import { requestIdOf } from "./logger";
import { logsOf } from "../../../test/logs";

afterEach(() => vi.restoreAllMocks());

describe("request ids and request logs", () => {
  it("keeps a caller's plain x-request-id and replaces anything else with a new UUID", () => {
    const withId = (id?: string) => new Request("http://herald.test/", id === undefined ? {} : { headers: { "x-request-id": id } });
    expect(requestIdOf(withId("lb-7f3a.12:4"))).toBe("lb-7f3a.12:4");
    for (const bad of [undefined, "", "two words", "x".repeat(129), 'quote"', "ünïcode"]) {
      expect(requestIdOf(withId(bad))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it("logs an /api/v1 answer as one JSON line with its request id, and echoes the id in x-request-id", async () => {
    let res: Response | undefined;
    const lines = await logsOf(async () => {
      res = await listNotifications(new Request("http://herald.test/api/v1/notifications", { headers: { "x-request-id": "req-api-1" } }), {
        params: Promise.resolve({}),
      });
    });
    expect(res!.status).toBe(401);
    expect(res!.headers.get("x-request-id")).toBe("req-api-1");
    const line = lines.find((l) => l.requestId === "req-api-1");
    expect(line).toMatchObject({ level: "info", service: "herald", msg: "request", surface: "api", route: "/api/v1/notifications", method: "GET", status: 401 });
    expect(typeof line!.ms).toBe("number");
    expect(new Date(line!.time as string).toISOString()).toBe(line!.time);
  });

  it("logs a tRPC procedure with the request id of its context and its outcome", async () => {
    const lines = await logsOf(() => createCaller({ user: null, requestId: "req-trpc-1" }).notifications.unreadCount().catch(() => undefined));
    expect(lines.find((l) => l.requestId === "req-trpc-1")).toMatchObject({
      level: "info",
      surface: "trpc",
      route: "notifications.unreadCount",
      method: "query",
      status: "UNAUTHORIZED",
    });
  });
});

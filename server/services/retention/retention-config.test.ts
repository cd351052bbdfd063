/**
 * HERALD_RETENTION_* (server/env.ts "retention"): defaults, configured values reaching the job's plan, and
 * invalid values refused with the variable's name. Each case loads fresh modules (env() caches per process).
 */
import { afterEach, describe, expect, it, vi } from "vitest";

const VARS = [
  "HERALD_RETENTION_READ_DAYS",
  "HERALD_RETENTION_DELIVERY_DAYS",
  "HERALD_RETENTION_REVOKED_DAYS",
  "HERALD_RETENTION_WEBHOOK_DAYS",
  "HERALD_RETENTION_MAILBOX_DAYS",
  "HERALD_RETENTION_BATCH",
] as const;
const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));

async function freshRetention() {
  vi.resetModules();
  return import("./retention");
}

afterEach(() => {
  for (const v of VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
});

describe("retention configuration", () => {
  it("defaults: 90 days read, 180 days deliveries, 30 days revoked/webhooks/mailbox, 24 h, 1 day, 5,000 rows", async () => {
    for (const v of VARS) delete process.env[v];
    const { retentionPolicy } = await freshRetention();
    expect(retentionPolicy()).toEqual({
      readNotificationDays: 90,
      deliveryDays: 180,
      revokedCredentialDays: 30,
      webhookEventDays: 30,
      capturedEmailDays: 30,
      idempotencyMs: 24 * 3_600_000,
      rateLimitMs: 86_400_000,
      batchSize: 5000,
    });
  });

  it("reads the configured periods and batch size into every run's plan", async () => {
    Object.assign(process.env, {
      HERALD_RETENTION_READ_DAYS: "30",
      HERALD_RETENTION_DELIVERY_DAYS: "365",
      HERALD_RETENTION_REVOKED_DAYS: "7",
      HERALD_RETENTION_WEBHOOK_DAYS: "14",
      HERALD_RETENTION_MAILBOX_DAYS: "3",
      HERALD_RETENTION_BATCH: "1000",
    });
    const { retentionPlan } = await freshRetention();
    const plan = retentionPlan(new Date("2026-06-30T02:30:00Z"));
    expect(plan.batchSize).toBe(1000);
    expect(plan.cutoffs).toMatchObject({
      notificationsReadBefore: "2026-05-31T02:30:00.000Z",
      deliveriesCreatedBefore: "2025-06-30T02:30:00.000Z",
      credentialsRevokedBefore: "2026-06-23T02:30:00.000Z",
      webhookReceivedBefore: "2026-06-16T02:30:00.000Z",
      capturedEmailCreatedBefore: "2026-06-27T02:30:00.000Z",
    });
  });

  it("refuses invalid values, naming the variable", async () => {
    for (const [name, value] of [
      ["HERALD_RETENTION_BATCH", "0"],
      ["HERALD_RETENTION_READ_DAYS", "ninety"],
      ["HERALD_RETENTION_DELIVERY_DAYS", "-1"],
    ] as const) {
      for (const v of VARS) delete process.env[v];
      process.env[name] = value;
      const { retentionPolicy } = await freshRetention();
      expect(() => retentionPolicy()).toThrow(new RegExp(`Invalid environment \\(retention\\)[\\s\\S]*${name}`));
    }
  });
});

/**
 * Delivery analytics against the real database, with hand-built notifications and deliveries: every count
 * and rate is checked exactly (ratios of small integers), zero denominators give null, another campaign's
 * rows are never counted, days are UTC, and the new-campaign complaint guard trips strictly above 0.3 %.
 * The database is shared with other test files, so every case works in its own far-future dates (or
 * filters by its own campaign / type).
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { createUser } from "../../../prisma/factory";
import type { DeliveryStatus } from "../../generated/prisma/client";
import {
  assertComplaintRateAllowsNewCampaign,
  campaignAnalytics,
  campaignComplaintWarnings,
  campaignMetrics,
  dailyMetricsByType,
  recentCampaignComplaintStatus,
  resolveRange,
} from "./analytics";
import { campaignComplaintWarning, deriveMetrics, emptyCounts, rate } from "./metrics";

let userId: string;
beforeAll(async () => {
  userId = (await createUser(db, { name: "Analytics Recipient" })).id;
});

async function campaign(o: { startedAt: Date | null; name?: string; channels?: ("IN_APP" | "EMAIL")[] }) {
  return db.campaign.create({
    data: {
      name: o.name ?? `Analytics ${randomUUID().slice(0, 8)}`,
      inAppTitle: "Hello",
      inAppBody: "",
      emailSubject: "Hello",
      emailBody: "Hello",
      channels: o.channels ?? ["IN_APP", "EMAIL"],
      audience: { kind: "everyone" },
      status: o.startedAt ? "SENT" : "DRAFT",
      startedAt: o.startedAt,
    },
  });
}

interface RowSpec {
  campaignId?: string | null;
  type?: string;
  createdAt: Date;
  /** The EMAIL delivery's status; null: no email delivery. */
  status?: DeliveryStatus | null;
  read?: boolean;
  /** Written as the record of an email-only send: read and archived at the same instant. */
  record?: boolean;
  /** Read, then archived later by the user. */
  archivedLater?: boolean;
  clicked?: boolean;
  unsubscribed?: boolean;
  /** Also a PUSH delivery (not an email: never in the email counts). */
  push?: DeliveryStatus;
  count?: number;
}

/** Writes `count` identical notifications (one statement) and their EMAIL (and PUSH) deliveries. */
async function rows(spec: RowSpec) {
  const tag = randomUUID();
  const at = spec.createdAt;
  const readAt = spec.record || spec.read ? at : null;
  const archivedAt = spec.record ? at : spec.archivedLater ? new Date(at.getTime() + 60_000) : null;
  await db.$executeRaw`
    INSERT INTO notifications (user_id, type, category, title, campaign_id, dedupe_key, created_at, read_at, archived_at)
    SELECT ${userId}::uuid, ${spec.type ?? "system_announcement"}, 'announcements', 'Hello', ${spec.campaignId ?? null}::uuid,
           ${tag} || ':' || g, ${at}::timestamptz, ${readAt}::timestamptz, ${archivedAt}::timestamptz
    FROM generate_series(1, ${spec.count ?? 1}::int) g`;
  const status = spec.status ?? null;
  if (status) {
    await db.$executeRaw`
      INSERT INTO deliveries (notification_id, user_id, channel, status, sent_at, clicked_at, unsubscribed_at)
      SELECT n.id, n.user_id, 'EMAIL', ${status}::"DeliveryStatus", ${at}::timestamptz,
             ${spec.clicked ? at : null}::timestamptz, ${spec.unsubscribed ? at : null}::timestamptz
      FROM notifications n WHERE n.user_id = ${userId}::uuid AND n.dedupe_key LIKE ${`${tag}:%`}`;
  }
  if (spec.push) {
    await db.$executeRaw`
      INSERT INTO deliveries (notification_id, user_id, channel, status, clicked_at)
      SELECT n.id, n.user_id, 'PUSH', ${spec.push}::"DeliveryStatus", ${at}::timestamptz
      FROM notifications n WHERE n.user_id = ${userId}::uuid AND n.dedupe_key LIKE ${`${tag}:%`}`;
  }
}

describe("formulas", () => {
  it("divides exactly and answers null (never NaN) for a zero denominator", () => {
    expect(rate(1, 3)).toBe(1 / 3);
    expect(rate(0, 5)).toBe(0);
    expect(rate(0, 0)).toBeNull();
    expect(rate(3, 0)).toBeNull();
    const m = deriveMetrics(emptyCounts());
    expect([m.deliveryRate, m.readRate, m.clickThroughRate, m.unsubscribeRate, m.bounceRate, m.complaintRate]).toEqual([null, null, null, null, null, null]);
    expect(
      deriveMetrics({ recipients: 10, inApp: 8, read: 2, sent: 4, delivered: 3, bounced: 1, complained: 1, clicked: 2, unsubscribed: 1 }),
    ).toMatchObject({ readRate: 2 / 8, deliveryRate: 3 / 4, clickThroughRate: 2 / 4, unsubscribeRate: 1 / 4, bounceRate: 1 / 4, complaintRate: 1 / 4 });
  });

  it("flags a campaign strictly above 0.1 % complaints", () => {
    expect(campaignComplaintWarning({ complained: 0, sent: 0 })).toBe(false);
    expect(campaignComplaintWarning({ complained: 1, sent: 1000 })).toBe(false); // exactly 0.1 %
    expect(campaignComplaintWarning({ complained: 1, sent: 999 })).toBe(true);
    expect(campaignComplaintWarning({ complained: 2, sent: 1000 })).toBe(true);
  });
});

describe("campaign analytics", () => {
  it("counts each status into the right metric, for this campaign only", async () => {
    const day = new Date("2031-03-02T10:00:00Z");
    const a = await campaign({ startedAt: day, name: "Spring drive" });
    const b = await campaign({ startedAt: day });
    const A = { campaignId: a.id, createdAt: day };
    await rows({ ...A, status: "SENT", read: true });
    await rows({ ...A, status: "SENT", clicked: true, push: "SENT" });
    await rows({ ...A, status: "DELIVERED", read: true, clicked: true, count: 2 });
    await rows({ ...A, status: "DELIVERED", unsubscribed: true, archivedLater: true, read: true });
    await rows({ ...A, status: "DELIVERED" });
    await rows({ ...A, status: "BOUNCED" });
    await rows({ ...A, status: "COMPLAINED", unsubscribed: true, read: true });
    await rows({ ...A, status: "FAILED", clicked: true }); // never sent: its click is not counted
    await rows({ ...A, status: "HELD" });
    await rows({ ...A, status: "QUEUED" });
    await rows({ ...A, status: "SKIPPED" });
    await rows({ ...A, status: null, push: "DELIVERED" }); // in-app (and push) only
    // Another campaign, same day, every status: none of it may leak into A.
    for (const status of ["SENT", "DELIVERED", "BOUNCED", "COMPLAINED"] as const) await rows({ campaignId: b.id, createdAt: day, status, read: true, clicked: true, unsubscribed: true, count: 3 });
    await rows({ campaignId: null, createdAt: day, status: "COMPLAINED", count: 2 });

    const m = await campaignMetrics(a.id);
    expect(m).toMatchObject({ id: a.id, name: "Spring drive", sentAt: day, complaintWarning: true });
    expect(m.metrics).toEqual({
      recipients: 13,
      inApp: 13,
      read: 5,
      sent: 8, // 2 SENT + 4 DELIVERED + 1 BOUNCED + 1 COMPLAINED
      delivered: 5, // 4 DELIVERED + 1 COMPLAINED
      bounced: 1,
      complained: 1,
      clicked: 3,
      unsubscribed: 2,
      deliveryRate: 5 / 8,
      readRate: 5 / 13,
      clickThroughRate: 3 / 8,
      unsubscribeRate: 2 / 8,
      bounceRate: 1 / 8,
      complaintRate: 1 / 8,
    });
    expect((await campaignMetrics(b.id)).metrics).toMatchObject({ recipients: 12, sent: 12, delivered: 6, bounced: 3, complained: 3, clicked: 12, unsubscribed: 12 });

    const warnings = await campaignComplaintWarnings([a.id, b.id, a.id]);
    expect(warnings.get(a.id)).toEqual({ sent: 8, complained: 1, complaintRate: 1 / 8, complaintWarning: true });
    expect(warnings.size).toBe(2);
  });

  it("gives null rates for zero denominators and no read rate for an email-only send", async () => {
    const day = new Date("2031-04-10T08:00:00Z");
    const emailOnly = await campaign({ startedAt: day, channels: ["EMAIL"] });
    await rows({ campaignId: emailOnly.id, createdAt: day, record: true, status: "DELIVERED", count: 4 });
    const m = (await campaignMetrics(emailOnly.id)).metrics;
    expect(m).toMatchObject({ recipients: 4, inApp: 0, read: 0, readRate: null, sent: 4, delivered: 4, deliveryRate: 1, complaintRate: 0 });

    const inAppOnly = await campaign({ startedAt: day, channels: ["IN_APP"] });
    await rows({ campaignId: inAppOnly.id, createdAt: day, read: true });
    await rows({ campaignId: inAppOnly.id, createdAt: day, count: 2 });
    expect((await campaignMetrics(inAppOnly.id)).metrics).toEqual({
      ...emptyCounts(),
      recipients: 3,
      inApp: 3,
      read: 1,
      readRate: 1 / 3,
      deliveryRate: null,
      clickThroughRate: null,
      unsubscribeRate: null,
      bounceRate: null,
      complaintRate: null,
    });

    const nothing = await campaign({ startedAt: day });
    const n = await campaignMetrics(nothing.id);
    expect(n.metrics).toEqual(deriveMetrics(emptyCounts()));
    expect(n.complaintWarning).toBe(false);
    for (const v of Object.values(n.metrics)) expect(Number.isNaN(v)).toBe(false);

    await expect(campaignMetrics(randomUUID())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lists the campaigns that started in the range (UTC days, both ends), newest first", async () => {
    const before = await campaign({ startedAt: new Date("2032-01-31T23:59:59.999Z") });
    const first = await campaign({ startedAt: new Date("2032-02-01T00:00:00.000Z") });
    const last = await campaign({ startedAt: new Date("2032-02-03T23:59:59.999Z") });
    const after = await campaign({ startedAt: new Date("2032-02-04T00:00:00.000Z") });
    await campaign({ startedAt: null }); // a draft has no "sent at"
    await rows({ campaignId: last.id, createdAt: new Date("2032-02-03T23:59:59.999Z"), status: "COMPLAINED" });
    await rows({ campaignId: last.id, createdAt: new Date("2032-02-03T23:59:59.999Z"), status: "DELIVERED", count: 999 });
    await rows({ campaignId: first.id, createdAt: new Date("2032-02-01T00:00:00Z"), status: "COMPLAINED" });
    await rows({ campaignId: first.id, createdAt: new Date("2032-02-01T00:00:00Z"), status: "DELIVERED", count: 998 });

    const { rows: listed, truncated, range } = await campaignAnalytics(resolveRange({ from: "2032-02-01", to: "2032-02-03" }));
    expect(range).toEqual({ from: "2032-02-01", to: "2032-02-03", days: 3 });
    expect(truncated).toBe(false);
    expect(listed.map((r) => r.id)).toEqual([last.id, first.id]);
    expect(listed.map((r) => r.id)).not.toContain(before.id);
    expect(listed.map((r) => r.id)).not.toContain(after.id);
    // 1 of 1000 is exactly 0.1 %: no warning; 1 of 999 is above it.
    expect(listed[0]).toMatchObject({ complaintWarning: false, metrics: { sent: 1000, complained: 1, complaintRate: 0.001 } });
    expect(listed[1]).toMatchObject({ complaintWarning: true, metrics: { sent: 999, complained: 1, complaintRate: 1 / 999 } });
  });
});

describe("per-type daily series", () => {
  it("buckets by the UTC day of writing, zero-fills the range and keeps other campaigns out", async () => {
    const c = await campaign({ startedAt: new Date("2041-06-01T00:00:00Z") });
    const other = await campaign({ startedAt: new Date("2041-06-01T00:00:00Z") });
    const C = { campaignId: c.id };
    await rows({ ...C, createdAt: new Date("2041-06-01T23:59:59.999Z"), status: "DELIVERED", read: true }); // June 1 (UTC)
    await rows({ ...C, createdAt: new Date("2041-06-01T22:30:00-02:00"), status: "BOUNCED" }); // June 2 00:30 UTC
    await rows({ ...C, createdAt: new Date("2041-06-02T00:00:00.000Z"), status: "SENT", clicked: true, count: 2 });
    await rows({ ...C, createdAt: new Date("2041-06-03T12:00:00Z"), type: "welcome", status: "COMPLAINED" });
    await rows({ ...C, createdAt: new Date("2041-05-31T23:59:59.999Z"), status: "DELIVERED", count: 5 }); // before the range
    await rows({ ...C, createdAt: new Date("2041-06-04T00:00:00.000Z"), status: "DELIVERED", count: 5 }); // after it
    await rows({ campaignId: other.id, createdAt: new Date("2041-06-02T12:00:00Z"), status: "COMPLAINED", count: 7 });

    const range = resolveRange({ from: "2041-06-01", to: "2041-06-03" });
    const s = await dailyMetricsByType(range, { campaignId: c.id });
    expect(s.types.map((t) => t.type)).toEqual(["system_announcement", "welcome"]);
    const ann = s.types[0]!;
    expect(ann.label).toBe("Announcement"); // the catalog's label
    expect(ann.days.map((d) => [d.day, d.recipients, d.sent, d.delivered, d.bounced, d.clicked, d.read])).toEqual([
      ["2041-06-01", 1, 1, 1, 0, 0, 1],
      ["2041-06-02", 3, 3, 0, 1, 2, 0],
      ["2041-06-03", 0, 0, 0, 0, 0, 0],
    ]);
    expect(ann.days[1]).toMatchObject({ deliveryRate: 0, bounceRate: 1 / 3, clickThroughRate: 2 / 3, readRate: 0 });
    expect(ann.days[2]).toMatchObject({ deliveryRate: null, readRate: null, clickThroughRate: null, complaintRate: null });
    expect(ann.totals).toMatchObject({ recipients: 4, sent: 4, delivered: 1, bounced: 1, clicked: 2, read: 1, deliveryRate: 1 / 4, readRate: 1 / 4, clickThroughRate: 2 / 4 });
    expect(s.types[1]!.days.map((d) => d.complained)).toEqual([0, 0, 1]);
    expect(s.totals).toMatchObject({ recipients: 5, sent: 5, complained: 1, complaintRate: 1 / 5 });

    // Without the campaign filter the other campaign's notifications are there, under their own counts.
    const all = await dailyMetricsByType(range);
    const day2 = all.types.find((t) => t.type === "system_announcement")!.days[1]!;
    expect(day2).toMatchObject({ day: "2041-06-02", recipients: 10, complained: 7 });
  });

  it("returns no types for a range without notifications", async () => {
    const s = await dailyMetricsByType(resolveRange({ from: "2045-01-01", to: "2045-12-31" }));
    expect(s.range.days).toBe(365);
    expect(s.types).toEqual([]);
    expect(s.totals).toEqual(deriveMetrics(emptyCounts()));
  });
});

describe("ranges", () => {
  const now = new Date("2026-05-20T15:00:00Z");
  it("defaults to the last 30 UTC days ending today", () => {
    expect(resolveRange({}, now)).toEqual({ from: "2026-04-21", to: "2026-05-20", days: 30 });
    expect(resolveRange({ days: 7 }, now)).toEqual({ from: "2026-05-14", to: "2026-05-20", days: 7 });
    expect(resolveRange({ from: "2026-05-01" }, now)).toEqual({ from: "2026-05-01", to: "2026-05-20", days: 20 });
    expect(resolveRange({ from: "2024-01-01", to: "2024-12-31" }, now).days).toBe(366);
  });
  it("refuses bad dates, reversed ranges and more than 366 days", () => {
    const code = (f: () => unknown) => {
      try {
        f();
        return "OK";
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    expect(code(() => resolveRange({ from: "2025-01-01", to: "2026-01-02" }, now))).toBe("VALIDATION_ERROR");
    expect(code(() => resolveRange({ from: "2026-05-02", to: "2026-05-01" }, now))).toBe("VALIDATION_ERROR");
    expect(code(() => resolveRange({ from: "2026-02-30" }, now))).toBe("VALIDATION_ERROR");
    expect(code(() => resolveRange({ days: 367 }, now))).toBe("VALIDATION_ERROR");
    expect(code(() => resolveRange({ days: 0 }, now))).toBe("VALIDATION_ERROR");
  });
});

describe("new-campaign complaint guard (0.3 % over 30 days)", () => {
  /** A campaign started a day before `now` with `complained` of `sent` emails marked as spam. */
  async function recent(now: Date, sent: number, complained: number, daysAgo = 1) {
    const c = await campaign({ startedAt: new Date(now.getTime() - daysAgo * 86_400_000) });
    await rows({ campaignId: c.id, createdAt: c.startedAt!, status: "COMPLAINED", count: complained });
    await rows({ campaignId: c.id, createdAt: c.startedAt!, status: "DELIVERED", count: sent - complained });
    return c;
  }

  it("allows below and at 0.3 %", async () => {
    const below = new Date("2091-01-01T00:00:00Z");
    await recent(below, 1000, 2);
    await expect(assertComplaintRateAllowsNewCampaign({ now: below })).resolves.toMatchObject({ sent: 1000, complained: 2, rate: 0.002, exceeded: false });

    const at = new Date("2092-01-01T00:00:00Z");
    await recent(at, 600, 1);
    await recent(at, 400, 2); // together: 3 of 1000, exactly the limit
    await expect(assertComplaintRateAllowsNewCampaign({ now: at })).resolves.toMatchObject({ sent: 1000, complained: 3, rate: 0.003, exceeded: false });
  });

  it("refuses above 0.3 % with a clear message, unless overridden", async () => {
    const now = new Date("2093-01-01T00:00:00Z");
    await recent(now, 1000, 4);
    await recent(now, 500, 50, 31); // started more than 30 days ago: not counted
    const err = await assertComplaintRateAllowsNewCampaign({ now }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: "CONFLICT",
      details: { reason: "COMPLAINT_RATE", rate: 0.004, limit: 0.003, complained: 4, sent: 1000, windowDays: 30 },
    });
    expect((err as Error).message).toContain("0.4%");
    expect((err as Error).message).toContain("0.3%");
    await expect(assertComplaintRateAllowsNewCampaign({ now, override: true })).resolves.toMatchObject({ exceeded: true, rate: 0.004 });
  });

  it("allows when no campaign email was sent in the window", async () => {
    const now = new Date("2094-01-01T00:00:00Z");
    await recent(now, 100, 100, 40); // all complaints, but long ago
    expect(await recentCampaignComplaintStatus(now)).toEqual({ sent: 0, complained: 0, rate: null, limit: 0.003, exceeded: false, windowDays: 30 });
    await expect(assertComplaintRateAllowsNewCampaign({ now })).resolves.toMatchObject({ exceeded: false });
  });
});

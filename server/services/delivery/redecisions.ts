import "server-only";
/**
 * Send-time decisions: every leg decides a queued delivery again just before sending it (a recipient who
 * turned the channel off, unsubscribed or entered quiet hours since the first decision is SKIPPED or HELD
 * instead). This records the ones that may not go now, for any channel.
 */
import { db } from "../../db";

/** A queued delivery decided again at send time (the columns the legs' decision queries return). */
export interface Redecision {
  delivery_id: string;
  status: "QUEUED" | "HELD" | "SKIPPED";
  reason: string | null;
  release_at: Date | null;
}

/**
 * Writes the new status, reason and release time (UTC) of every row that is no longer QUEUED, with one
 * statement; QUEUED rows are left as they are (they are sent next).
 * @returns counts by new status, e.g. `{ SKIPPED: 2, HELD: 1 }`
 */
export async function recordRedecisions(rows: readonly Redecision[]): Promise<Record<string, number>> {
  const changed = rows.filter((r) => r.status !== "QUEUED");
  const counts: Record<string, number> = {};
  if (changed.length === 0) return counts;
  await db.$executeRaw`
    UPDATE deliveries d SET status = x.status::"DeliveryStatus", reason = x.reason, release_at = x.release_at, updated_at = now()
    FROM unnest(${changed.map((r) => r.delivery_id)}::uuid[], ${changed.map((r) => r.status)}::text[], ${changed.map((r) => r.reason)}::text[],
                ${changed.map((r) => r.release_at)}::timestamptz[]) AS x(id, status, reason, release_at)
    WHERE d.id = x.id`;
  for (const r of changed) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

import "server-only";
/**
 * Saved segments (issue 6): named audience filters (./audience.ts `segmentFiltersSchema`) an admin builds
 * once and targets from any campaign as `{"kind":"segment","segmentId":…}`. A segment is read when a
 * campaign is counted or sent, so editing it changes who future sends reach. A segment that a scheduled,
 * sending or paused campaign targets cannot be deleted. Every change is written to the audit log.
 */
import { z } from "zod";
import { db } from "../../db";
import { Prisma, type Segment } from "../../generated/prisma/client";
import { AppError } from "../errors";
import { fieldErrors } from "../api/contract";
import { audienceCondition, segmentFiltersSchema } from "./audience";

export const segmentInput = z
  .object({
    name: z.string().trim().min(1, "Give the segment a name").max(80, "At most 80 characters"),
    filters: segmentFiltersSchema,
  })
  .strict();
export type SegmentInput = z.input<typeof segmentInput>;

/**
 * Validates a segment.
 * @throws AppError VALIDATION_ERROR whose details are keyed by field path (../api/contract.ts `fieldErrors`):
 * `name`, `filters` (the filters as a whole) or `filters.<filter>…` (e.g. `filters.joinedBefore`), so a form
 * places each message without reading it
 */
function parse(input: unknown) {
  const r = segmentInput.safeParse(input);
  if (r.success) return r.data;
  throw new AppError("VALIDATION_ERROR", "The segment is not valid", fieldErrors(r.error), { cause: r.error });
}

async function checkBusiness(businessId: string | undefined) {
  if (businessId && !(await db.business.findUnique({ where: { id: businessId }, select: { id: true } }))) {
    throw new AppError("BUSINESS_NOT_FOUND", "Business profile not found", { "filters.followsBusinessId": ["Unknown business"] });
  }
}

/** Maps a unique-name violation to a field error. */
async function uniqueName<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") {
      throw new AppError("CONFLICT", `A segment named “${name}” already exists`, { name: ["Choose another name"] });
    }
    throw e;
  }
}

/**
 * Every segment (at most 200), by name, with how many accounts each matches now — all counted in one pass
 * over `users` (one `count(*) FILTER (WHERE …)` per segment) — and the name of the business its follows
 * filter names (null when none, or when that business is gone).
 */
export async function listSegments(): Promise<(Segment & { size: number; businessName: string | null })[]> {
  const rows = await db.segment.findMany({ orderBy: { name: "asc" }, take: 200 });
  if (rows.length === 0) return [];
  const filters = rows.map((s) => segmentFiltersSchema.parse(s.filters));
  const [counts] = await db.$queryRaw<Record<string, bigint>[]>`
    SELECT ${Prisma.join(filters.map((f, i) => Prisma.sql`count(*) FILTER (WHERE ${audienceCondition({ kind: "filters", filters: f })}) AS ${Prisma.raw(`s${i}`)}`))}
    FROM users u`;
  const businessIds = [...new Set(filters.map((f) => f.followsBusinessId).filter((id): id is string => !!id))];
  const names = new Map((await db.business.findMany({ where: { id: { in: businessIds } }, select: { id: true, name: true } })).map((b) => [b.id, b.name]));
  return rows.map((s, i) => ({
    ...s,
    size: Number(counts?.[`s${i}`] ?? 0),
    businessName: (filters[i]!.followsBusinessId && names.get(filters[i]!.followsBusinessId)) || null,
  }));
}

/** Creates a segment. @throws AppError VALIDATION_ERROR; CONFLICT for a taken name; BUSINESS_NOT_FOUND */
export async function createSegment(adminId: string, input: SegmentInput): Promise<Segment> {
  const d = parse(input);
  await checkBusiness(d.filters.followsBusinessId);
  return uniqueName(d.name, () =>
    db.$transaction(async (tx) => {
      const s = await tx.segment.create({ data: { name: d.name, filters: d.filters as Prisma.InputJsonValue, createdById: adminId } });
      await tx.auditLog.create({ data: { actorId: adminId, action: "segment.create", targetType: "segment", targetId: s.id, details: { name: s.name } } });
      return s;
    }),
  );
}

/** Replaces a segment's name and filters. @throws AppError NOT_FOUND; VALIDATION_ERROR; CONFLICT; BUSINESS_NOT_FOUND */
export async function updateSegment(adminId: string, id: string, input: SegmentInput): Promise<Segment> {
  const d = parse(input);
  await checkBusiness(d.filters.followsBusinessId);
  return uniqueName(d.name, () =>
    db.$transaction(async (tx) => {
      const { count } = await tx.segment.updateMany({ where: { id }, data: { name: d.name, filters: d.filters as Prisma.InputJsonValue } });
      if (count === 0) throw new AppError("NOT_FOUND", "Segment not found");
      await tx.auditLog.create({ data: { actorId: adminId, action: "segment.edit", targetType: "segment", targetId: id, details: { name: d.name } } });
      return tx.segment.findUniqueOrThrow({ where: { id } });
    }),
  );
}

/** Deletes a segment no pending campaign targets. @throws AppError NOT_FOUND; CONFLICT naming the campaign that uses it */
export async function deleteSegment(adminId: string, id: string): Promise<void> {
  const [using] = await db.$queryRaw<{ name: string }[]>`
    SELECT name FROM campaigns WHERE audience->>'kind' = 'segment' AND audience->>'segmentId' = ${id}
      AND status IN ('SCHEDULED', 'SENDING', 'PAUSED') LIMIT 1`;
  if (using) throw new AppError("CONFLICT", `The campaign “${using.name}” still targets this segment`);
  await db.$transaction(async (tx) => {
    const { count } = await tx.segment.deleteMany({ where: { id } });
    if (count === 0) throw new AppError("NOT_FOUND", "Segment not found");
    await tx.auditLog.create({ data: { actorId: adminId, action: "segment.delete", targetType: "segment", targetId: id } });
  });
}

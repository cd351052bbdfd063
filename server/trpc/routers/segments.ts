import "server-only";
/**
 * Saved segments (issue 6; /admin/segments and the campaign editor's audience picker). Admins only.
 * The work is done by server/services/campaigns/segments.ts.
 */
import { z } from "zod";
import { adminProcedure, router } from "../init";
import { countAudience, segmentFiltersSchema } from "../../services/campaigns/audience";
import { createSegment, deleteSegment, listSegments, segmentInput, updateSegment } from "../../services/campaigns/segments";

const byId = z.object({ id: z.uuid({ error: "Not a segment id." }) }).strict();

/** The `segments` router (mounted in server/trpc/root.ts). */
export const segmentsRouter = router({
  /** Every segment by name, each with `size` (accounts it matches now). */
  list: adminProcedure.query(() => listSegments()),

  /** How many accounts some filters match now, while building a segment: `{ people, email }`. */
  size: adminProcedure
    .input(z.object({ filters: segmentFiltersSchema }).strict())
    .query(({ input }) => countAudience({ kind: "filters", filters: input.filters })),

  /** Saves a new segment. BAD_REQUEST with field details; CONFLICT for a taken name. */
  create: adminProcedure.input(segmentInput).mutation(({ ctx, input }) => createSegment(ctx.user.id, input)),

  /** Replaces a segment's name and filters. NOT_FOUND; CONFLICT for a taken name. */
  update: adminProcedure
    .input(z.object({ id: byId.shape.id, ...segmentInput.shape }).strict())
    .mutation(({ ctx, input: { id, ...rest } }) => updateSegment(ctx.user.id, id, rest)),

  /** Deletes a segment. CONFLICT while a scheduled, sending or paused campaign targets it. */
  delete: adminProcedure.input(byId).mutation(({ ctx, input }) => deleteSegment(ctx.user.id, input.id)),
});

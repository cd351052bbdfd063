import "server-only";
/**
 * Delivery analytics (issue 6; /admin/analytics). Admins only: UNAUTHORIZED when signed out, FORBIDDEN for
 * anyone else. Inputs are strict objects; ranges are whole UTC days (default the last 30, at most 366).
 * The counting and the formulas live in server/services/analytics.
 */
import { adminProcedure, router } from "../init";
import {
  CAMPAIGN_COMPLAINT_WARNING_RATE,
  campaignAnalytics,
  campaignMetrics,
  dailyMetricsByType,
  recentCampaignComplaintStatus,
  resolveRange,
} from "../../services/analytics/analytics";
import { analyticsRangeInput, campaignIdInput, dailySeriesInput } from "../../services/analytics/inputs";

export const analyticsRouter = router({
  /** Campaigns that started in the range, newest first, with metrics and the 0.1 % complaint warning. */
  campaigns: adminProcedure.input(analyticsRangeInput.optional()).query(async ({ input }) => ({
    ...(await campaignAnalytics(resolveRange(input ?? {}))),
    warningRate: CAMPAIGN_COMPLAINT_WARNING_RATE,
  })),
  /** One campaign's metrics (all its notifications). NOT_FOUND for an unknown id. */
  campaign: adminProcedure.input(campaignIdInput).query(({ input }) => campaignMetrics(input.id)),
  /** Per notification type and UTC day (zero-filled), optionally for one campaign. */
  byType: adminProcedure.input(dailySeriesInput.optional()).query(({ input }) => {
    const { campaignId, ...range } = input ?? {};
    return dailyMetricsByType(resolveRange(range), { campaignId });
  }),
  /** The last 30 days' campaign complaint rate against the 0.3 % new-campaign limit. */
  complaintStatus: adminProcedure.query(() => recentCampaignComplaintStatus()),
});

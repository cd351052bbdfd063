import "server-only";
/**
 * What the admin campaign pages show (issue 6; /admin/campaigns): each campaign with its progress, its
 * audience size and its complaint warning, gathered from ./campaigns.ts, ./send-campaign.ts, ./audience.ts
 * and the analytics service in as few queries as the list allows.
 */
import { campaignComplaintWarnings } from "../analytics/analytics";
import { countAudiences } from "./audience";
import { audienceOf, campaignAudit, campaignWithAudience, listCampaigns } from "./campaigns";
import { campaignProgress, campaignProgressMany, type CampaignProgress } from "./send-campaign";
import type { Campaign } from "../../generated/prisma/client";

/** A campaign's counts before anything was sent. */
const EMPTY_PROGRESS: CampaignProgress = { recipients: 0, read: 0, sent: 0, delivered: 0, bounced: 0, complained: 0, held: 0, skipped: 0, failed: 0, queued: 0 };
/** Nothing has been sent for a draft or a scheduled campaign, so those skip the progress query. */
const unsent = (c: Pick<Campaign, "status">) => c.status === "DRAFT" || c.status === "SCHEDULED";
const progressOf = (c: Pick<Campaign, "id" | "status">) => (unsent(c) ? Promise.resolve(EMPTY_PROGRESS) : campaignProgress(c.id));
/** Campaigns still to send or sending count their audience now; finished ones report whom they reached. */
const countsAudienceNow = (c: Pick<Campaign, "status">) => c.status !== "SENT" && c.status !== "CANCELLED";

/**
 * The newest campaigns (at most `limit`, default 50), each with `progress`, `audienceSize` (its audience
 * now, `{ people, email }`; null once sent or cancelled) and `complaintWarning` (its complaint rate passed
 * the 0.1 % warning threshold). One grouped query each for progress, warnings and audience sizes.
 */
export async function listCampaignOverviews(limit = 50) {
  const campaigns = await listCampaigns(limit);
  const counted = campaigns.filter(countsAudienceNow);
  const [warnings, progress, sizes] = await Promise.all([
    campaignComplaintWarnings(campaigns.map((c) => c.id)),
    campaignProgressMany(campaigns.filter((c) => !unsent(c)).map((c) => c.id)),
    countAudiences(counted.map((c) => ({ audience: audienceOf(c), critical: c.critical }))),
  ]);
  const sizeOf = new Map(counted.map((c, i) => [c.id, sizes[i] ?? null]));
  return campaigns.map((c) => ({
    ...c,
    progress: progress.get(c.id) ?? EMPTY_PROGRESS,
    audienceSize: sizeOf.get(c.id) ?? null,
    complaintWarning: warnings.get(c.id)?.complaintWarning ?? false,
  }));
}

/**
 * One campaign with its audience size, the name of its business or segment, its progress and its audit
 * trail (newest first, at most 100 entries, each with its actor's name and email).
 * @throws AppError NOT_FOUND for an unknown campaign
 */
export async function campaignOverview(id: string) {
  const { campaign, audience, businessName, segmentName } = await campaignWithAudience(id);
  const [progress, audit] = await Promise.all([progressOf(campaign), campaignAudit(campaign.id)]);
  return {
    campaign,
    audienceSize: audience,
    businessName,
    segmentName,
    progress,
    audit: audit.map((a) => ({ id: a.id, action: a.action, details: a.details, createdAt: a.createdAt, actor: a.actor })),
  };
}

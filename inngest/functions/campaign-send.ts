/**
 * Campaign sending (issue 6): one run per campaign plans the audience's chunks, then invokes
 * `campaign-chunk` for each in turn. Between chunks it checks the campaign: PAUSED waits (up to 30 days)
 * for `campaign/resumed`; CANCELLED — or the `campaign/cancelled` event, through cancelOn — stops it. After
 * each chunk the admin's page gets a `campaign.progress` signal. Every chunk is idempotent (dedupe keys,
 * delivery rows), so a crash or retry resumes without duplicates.
 *
 * Queue separation (seed 004): chunks run one at a time per campaign and at most two campaign chunks at
 * once overall (`concurrency`), so transactional work — a password reset, a critical reminder — always
 * finds the executor free.
 */
import { inngest } from "../client";
import { campaignCancelled, campaignChunkRequested, campaignResumed, campaignSendRequested } from "../events";
import { getCampaign } from "../../server/services/campaigns/campaigns";
import { campaignProgress, deliverCampaignChunk, finishCampaign, planCampaignChunks, sendCampaignEmails } from "../../server/services/campaigns/send-campaign";
import { signalUsers } from "../../server/services/realtime";
import { emailStep } from "./email-step-errors";

export const campaignChunk = inngest.createFunction(
  { id: "campaign-chunk", triggers: [campaignChunkRequested], retries: 4, concurrency: { limit: 2 } },
  async ({ event, step }) => {
    const chunk = { afterUserId: event.data.afterUserId, throughUserId: event.data.throughUserId };
    const delivered = await step.run("deliver", () => deliverCampaignChunk(event.data.campaignId, chunk));
    if (!delivered.email.QUEUED) return { delivered };
    const emails = await step.run("send-emails", () => emailStep(() => sendCampaignEmails(event.data.campaignId, chunk)));
    return { delivered, emails };
  },
);

export const campaignSend = inngest.createFunction(
  {
    id: "campaign-send",
    triggers: [campaignSendRequested],
    retries: 3,
    cancelOn: [{ event: campaignCancelled.name, if: "async.data.campaignId == event.data.campaignId" }],
  },
  async ({ event, step }) => {
    const { campaignId } = event.data;
    const chunks = await step.run("plan", () => planCampaignChunks(campaignId));
    for (const [i, chunk] of chunks.entries()) {
      let status = await step.run(`status-${i}`, async () => (await getCampaign(campaignId)).status);
      if (status === "PAUSED") {
        await step.waitForEvent(`resumed-${i}`, { event: campaignResumed.name, if: "async.data.campaignId == event.data.campaignId", timeout: "30d" });
        status = await step.run(`status-after-resume-${i}`, async () => (await getCampaign(campaignId)).status);
      }
      if (status !== "SENDING") return { stopped: status, at: i, of: chunks.length };
      await step.invoke(`chunk-${i}`, { function: campaignChunk, data: { campaignId, ...chunk } });
      await step.run(`progress-${i}`, async () => {
        const c = await getCampaign(campaignId);
        const progress = await campaignProgress(campaignId);
        if (c.createdById) await signalUsers([c.createdById], "campaign.progress", { campaign_id: campaignId, chunk: i + 1, chunks: chunks.length, ...progress });
        return progress;
      });
    }
    await step.run("finish", async () => {
      await finishCampaign(campaignId);
      const c = await getCampaign(campaignId);
      if (c.createdById) await signalUsers([c.createdById], "campaign.progress", { campaign_id: campaignId, status: c.status, ...(await campaignProgress(campaignId)) });
    });
    return { chunks: chunks.length };
  },
);

/**
 * Campaign sending: one run per campaign plans the audience's chunks, then invokes `campaign-chunk` (in-app
 * rows and email decisions) for every chunk, three at a time, then `campaign-chunk-emails` for every chunk,
 * three at a time, so everyone has the in-app card before the slower email leg starts. Between groups of
 * chunks it checks the campaign: PAUSED waits (up to 30 days) for `campaign/resumed`; CANCELLED — or the
 * `campaign/cancelled` event, through cancelOn — stops it. After each group the admin's page gets a
 * `campaign.progress` signal. Every chunk is idempotent (dedupe keys, delivery rows), so a crash or retry
 * resumes without duplicates.
 *
 * Queue separation: at most three campaign chunks of each leg run at once overall (`concurrency`), so
 * transactional work — a password reset, a critical reminder — always finds the executor free.
 */
import { inngest } from "../client";
import { campaignCancelled, campaignChunkEmailsRequested, campaignChunkRequested, campaignResumed, campaignSendRequested } from "../../server/events";
import { getCampaign } from "../../server/services/campaigns/campaigns";
import { campaignProgress, deliverCampaignChunk, finishCampaign, planCampaignChunks, sendCampaignEmails } from "../../server/services/campaigns/send-campaign";
import { signalUsers } from "../../server/services/realtime";
import { emailStep } from "./email-step-errors";

/** Chunks of one leg run at once: `campaign-send` invokes this many together, and each leg's concurrency limit. */
const CHUNKS_AT_ONCE = 3;

/** One chunk's in-app rows, realtime signals and email decisions (fast: a few statements). */
export const campaignChunk = inngest.createFunction(
  { id: "campaign-chunk", triggers: [campaignChunkRequested], retries: 4, concurrency: { limit: CHUNKS_AT_ONCE } },
  async ({ event, step }) => {
    const chunk = { afterUserId: event.data.afterUserId, throughUserId: event.data.throughUserId };
    return step.run("deliver", () => deliverCampaignChunk(event.data.campaignId, chunk));
  },
);

/** One chunk's queued emails, handed to the transport in batches of 100. */
export const campaignChunkEmails = inngest.createFunction(
  { id: "campaign-chunk-emails", triggers: [campaignChunkEmailsRequested], retries: 6, concurrency: { limit: CHUNKS_AT_ONCE } },
  async ({ event, step }) => {
    const chunk = { afterUserId: event.data.afterUserId, throughUserId: event.data.throughUserId };
    return step.run("send-emails", () => emailStep(() => sendCampaignEmails(event.data.campaignId, chunk)));
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
    // Every chunk's in-app rows first (seconds for 100,000 people), then every chunk's emails.
    const legs = [
      { name: "chunk", fn: campaignChunk },
      { name: "emails", fn: campaignChunkEmails },
    ] as const;
    for (const leg of legs) {
      // CHUNKS_AT_ONCE chunks at a time (parallel steps, within the functions' concurrency limit): the
      // database and the app each work on one chunk while another waits on them.
      for (let i = 0; i < chunks.length; i += CHUNKS_AT_ONCE) {
        let status = await step.run(`status-${leg.name}-${i}`, async () => (await getCampaign(campaignId)).status);
        if (status === "PAUSED") {
          await step.waitForEvent(`resumed-${leg.name}-${i}`, { event: campaignResumed.name, if: "async.data.campaignId == event.data.campaignId", timeout: "30d" });
          status = await step.run(`status-after-resume-${leg.name}-${i}`, async () => (await getCampaign(campaignId)).status);
        }
        if (status !== "SENDING") return { stopped: status, leg: leg.name, at: i, of: chunks.length };
        const group = chunks.slice(i, i + CHUNKS_AT_ONCE);
        await Promise.all(group.map((chunk, k) => step.invoke(`${leg.name}-${i + k}`, { function: leg.fn, data: { campaignId, ...chunk } })));
        const done = i + group.length;
        await step.run(`progress-${leg.name}-${i}`, async () => {
          const c = await getCampaign(campaignId);
          const progress = await campaignProgress(campaignId);
          if (c.createdById) {
            await signalUsers([c.createdById], "campaign.progress", { campaign_id: campaignId, leg: leg.name, chunk: done, chunks: chunks.length, ...progress });
          }
          return progress;
        });
      }
    }
    await step.run("finish", async () => {
      await finishCampaign(campaignId);
      const c = await getCampaign(campaignId);
      if (c.createdById) await signalUsers([c.createdById], "campaign.progress", { campaign_id: campaignId, status: c.status, ...(await campaignProgress(campaignId)) });
    });
    return { chunks: chunks.length };
  },
);

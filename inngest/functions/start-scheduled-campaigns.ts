/** Every minute: scheduled campaigns whose time has come start sending (server/services/campaigns). */
import { inngest } from "../client";
import { startDueCampaigns } from "../../server/services/campaigns/campaigns";

export const startScheduledCampaigns = inngest.createFunction(
  { id: "start-scheduled-campaigns", triggers: [{ cron: "* * * * *" }], retries: 2 },
  async ({ event, step }) => step.run("start-due", () => startDueCampaigns(new Date(event.ts ?? Date.now()))),
);

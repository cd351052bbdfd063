/**
 * The Inngest client. Mode and keys come from the environment the SDK reads itself (INNGEST_EVENT_KEY,
 * INNGEST_SIGNING_KEY, INNGEST_BASE_URL; validated in server/env.ts "jobs"): in the embedded mode they point
 * at the embedded executor (server/embedded/jobs), otherwise at Inngest Cloud or a self-hosted Inngest.
 * Always cloud mode (`isDev: false`): requests to /api/inngest must be signed (docs/protocols.md). INNGEST_DEV must
 * stay unset (the embedded executor refuses to start against a dev-mode handler).
 */
import { Inngest } from "inngest";
import { MetricsMiddleware } from "./metrics-middleware";

export const inngest = new Inngest({
  id: "herald",
  isDev: false,
  // Counts each run's end for /api/metrics (herald_job_runs_total).
  middleware: [MetricsMiddleware],
  // Checkpointing (the SDK's default) is left on: a run's steps go in one request, each posted to the job
  // engine's checkpoint API (Inngest's, or the embedded executor's: server/embedded/jobs/checkpoint.ts).
});

/**
 * Counts each function run's end for `herald_job_runs_total{function, status}`
 * (server/services/metrics/metrics.ts), with the SDK's own middleware hooks
 * (https://www.inngest.com/docs/reference/middleware/lifecycle), so it counts the same whichever job engine
 * calls the app: Inngest Cloud, a self-hosted Inngest, or the embedded executor.
 */
import { Middleware } from "inngest";
import { countJobRun } from "../server/services/metrics/metrics";

export class MetricsMiddleware extends Middleware.BaseMiddleware {
  readonly id = "herald-metrics";

  override onRunComplete(arg: Middleware.OnRunCompleteArgs): void {
    countJobRun(arg.fn.id(), "completed");
  }

  override onRunError(arg: Middleware.OnRunErrorArgs): void {
    countJobRun(arg.fn.id(), arg.isFinalAttempt ? "failed" : "retried");
  }
}

import "server-only";
/**
 * Readiness: can this web process do its work? `GET /api/health` (app/api/health/route.ts) asks each
 * engine Herald depends on, at once, each within {@link CHECK_TIMEOUT_MS}:
 *
 * - `database`: `SELECT 1` through the app's own client (PostgreSQL or the embedded PGlite);
 * - `realtime`: a signed `GET /channels` to the Pusher-protocol server (embedded, soketi or Pusher);
 * - `jobs`: `GET <INNGEST_BASE_URL>/health`, which the embedded executor and self-hosted Inngest serve on
 *   their event API. With Inngest Cloud (no base URL) it is not checked.
 *
 * A failed check says only `unreachable` or `timed out` (what is wrong is logged on the server, never sent:
 * host names and driver messages stay private). Liveness is app/api/health/live/route.ts.
 */
import { db } from "../../db";
import { pingRealtime } from "../realtime";

/** How long one check may take, in ms. */
export const CHECK_TIMEOUT_MS = 2_000;

/** One engine's answer: `ok`, `error` (with a short reason), or `skipped` (nothing to check). */
export type CheckResult = { status: "ok"; ms: number } | { status: "error"; ms: number; error: "unreachable" | "timed out" } | { status: "skipped"; reason: string };

/** The readiness report: `ready` when no check failed. */
export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; realtime: CheckResult; jobs: CheckResult };
}

async function timed(name: string, probe: () => Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  try {
    const outcome = await Promise.race([probe().then(() => "ok" as const), timeout]);
    const ms = Math.round(performance.now() - started);
    if (outcome === "timeout") {
      console.error(`[health] ${name}: no answer within ${timeoutMs} ms`);
      return { status: "error", ms, error: "timed out" };
    }
    return { status: "ok", ms };
  } catch (err) {
    console.error(`[health] ${name}: ${(err as Error).message}`);
    return { status: "error", ms: Math.round(performance.now() - started), error: "unreachable" };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every readiness check at once.
 * @param opts.timeoutMs per check, in ms (default {@link CHECK_TIMEOUT_MS})
 * @returns the checks; never throws.
 */
export async function readiness(opts: { timeoutMs?: number } = {}): Promise<Readiness> {
  const timeoutMs = opts.timeoutMs ?? CHECK_TIMEOUT_MS;
  const base = process.env.INNGEST_BASE_URL || undefined;
  const [database, realtime, jobs] = await Promise.all([
    timed("database", () => db.$queryRaw`SELECT 1`, timeoutMs),
    timed("realtime", pingRealtime, timeoutMs),
    base
      ? timed(
          "jobs",
          async () => {
            const res = await fetch(new URL("/health", base), { signal: AbortSignal.timeout(timeoutMs) });
            if (!res.ok) throw new Error(`HTTP ${res.status}`);
          },
          timeoutMs,
        )
      : Promise.resolve<CheckResult>({ status: "skipped", reason: "Inngest Cloud (no INNGEST_BASE_URL)" }),
  ]);
  const checks = { database, realtime, jobs };
  return { ready: Object.values(checks).every((c) => c.status !== "error"), checks };
}

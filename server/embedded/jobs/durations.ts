/**
 * Durations and times as the `inngest` SDK writes them in ops and configs (docs/protocols.md "A call"):
 * a time string such as `"1w2d3h4m5s"` (the SDK's `timeStr`, whole seconds at least) or an ISO 8601 time.
 * Used for sleeps, `step.waitForEvent` and `step.invoke` timeouts and `cancelOn` timeouts.
 */

/** Longest sleep, wait or cancellation window accepted: 1 year (365 days), Inngest's limit and default. */
export const MAX_SLEEP_MS = 365 * 24 * 60 * 60 * 1000;

const DURATION_UNITS_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/**
 * Reads a duration or ISO time into an instant, ms since the epoch (UTC). A `Sleep` op carries it in
 * `name`; `WaitForEvent`/`InvokeFunction` ops and `cancelOn` entries in `timeout`. `""` is a zero duration.
 * @param text the duration (`"1w2d3h4m5s"`) or ISO time.
 * @param now the instant durations count from, ms since the epoch.
 * @returns the instant (a time in the past becomes `now`), or why the text cannot be read. Never throws.
 */
export function sleepWakeAt(text: string | null | undefined, now: number): { ok: true; wakeAt: number } | { ok: false; reason: string } {
  if (text === null || text === undefined) return { ok: false, reason: "no duration or time was given" };
  const trimmed = text.trim();
  if (/^(?:\d+[wdhms])*$/.test(trimmed)) {
    let ms = 0;
    for (const [, n, unit] of trimmed.matchAll(/(\d+)([wdhms])/g)) ms += Number(n) * (DURATION_UNITS_MS[unit as string] as number);
    return { ok: true, wakeAt: now + ms };
  }
  const at = /^\d{4}-\d{2}-\d{2}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(at)) return { ok: false, reason: `cannot read the duration or time "${text}"` };
  return { ok: true, wakeAt: Math.max(now, at) };
}

/**
 * Matching events against what waits for them (docs/protocols.md "Flow control and limits"): `step.waitForEvent` waits, which an event
 * resolves, and `cancelOn`, which an event uses to cancel runs. Each stored event goes through one matching
 * pass: right after the event API stores it, or, should the process die in between, from the executor
 * loop (`events.matched` is false until then). A wait that begins also looks at the events stored after
 * it (a pass that ran concurrently could not see the wait yet). Passes are idempotent: a wait is resolved,
 * and a run cancelled, at most once (the first writer wins).
 *
 * "After" is the executor's single sequence (storage `seq`) shared by events and waits, not the clock:
 * - an event resolves a wait only when it comes after the wait began, before the wait's timeout
 *   (`received_at < expires_at`), is not the run's own triggering event, and the wait's `if` holds with
 *   `event` = the run's triggering event and `async` = the incoming event (SDK_SPEC.md §5.3.3); the first
 *   such event (in sequence order) wins and is memoized as the step's result;
 * - an event cancels an active run (queued, running, sleeping or waiting) of a function with a matching
 *   `cancelOn` entry only when it comes after the run's triggering event — so the event that triggers a run
 *   never cancels that run, nor a run triggered later in the same batch — within the entry's `timeout`
 *   (counted from the run's creation; default 1 year), and when its `if` holds (same variables).
 */
import { compileExpression, type CompiledExpression } from "./expression";
import { sleepWakeAt, MAX_SLEEP_MS } from "./durations";
import type { FunctionDef } from "./functions";
import type { SerializedError } from "./protocol";
import type { MatchableEvent, Storage } from "./storage";

/** What the matcher needs from its executor. */
export interface MatcherDeps {
  storage: Storage;
  functions: () => ReadonlyMap<string, FunctionDef>;
  now: () => number;
  log: (line: string) => void;
}

/** The outcome of a matching pass. */
export interface MatchResult {
  cancelled: string[];
  resumed: string[];
}

/**
 * Returns `match(events)`: one matching pass over stored events (see the module header).
 * @returns the runs cancelled and the runs resumed by the pass.
 * @throws on database errors (the events stay unmatched and are retried by the executor loop).
 */
export function createMatcher(deps: MatcherDeps): (events: MatchableEvent[]) => Promise<MatchResult> {
  const compiled = new Map<string, CompiledExpression | null>();
  const holds = (source: string | null | undefined, vars: Record<string, unknown>): boolean => {
    if (!source) return true;
    let expression = compiled.get(source);
    if (expression === undefined) {
      const result = compileExpression(source, ["event", "async"]);
      expression = result.ok ? result.expression : null;
      compiled.set(source, expression);
    }
    return expression !== null && expression.evaluate(vars);
  };

  return async (events) => {
    if (events.length === 0) return { cancelled: [], resumed: [] };
    const sorted = [...events].sort((a, b) => a.seq - b.seq);
    const names = [...new Set(sorted.map((e) => e.event.name))];
    const lastSeq = (sorted[sorted.length - 1] as MatchableEvent).seq;

    // cancelOn: the first later matching event cancels the run.
    const cancels = new Map<string, { runId: string; reason: SerializedError }>();
    const cancelling = [...deps.functions().values()].filter((f) => f.cancelOn.some((c) => names.includes(c.event)));
    const runs = await deps.storage.cancellableRuns(
      cancelling.map((f) => f.id),
      lastSeq,
    );
    for (const run of runs) {
      const fn = deps.functions().get(run.functionId);
      if (!fn) continue;
      const hit = sorted.find(
        (e) =>
          e.seq > run.triggerSeq &&
          fn.cancelOn.some((c) => {
            if (c.event !== e.event.name) return false;
            const until = c.timeout ? sleepWakeAt(c.timeout, run.createdAt) : { ok: true as const, wakeAt: run.createdAt + MAX_SLEEP_MS };
            if (!until.ok || e.receivedAt >= until.wakeAt) return false;
            return !c.expression || c.expression.evaluate({ event: run.trigger, async: e.event });
          }),
      );
      if (hit) {
        cancels.set(run.id, {
          runId: run.id,
          reason: { name: "Cancelled", message: `cancelled by event "${hit.event.name}" (id ${hit.event.id}) through cancelOn` },
        });
      }
    }

    // waitForEvent: the first later matching event before the timeout resolves the wait.
    const resolutions: { runId: string; stepId: string; result: { data: unknown } }[] = [];
    for (const wait of await deps.storage.openEventWaits(names, lastSeq)) {
      if (cancels.has(wait.runId)) continue;
      const hit = sorted.find(
        (e) =>
          e.event.name === wait.eventName &&
          e.seq > wait.seq &&
          e.internalId !== wait.triggerId &&
          e.receivedAt < wait.expiresAt &&
          holds(wait.expression, { event: wait.trigger, async: e.event }),
      );
      if (hit) resolutions.push({ runId: wait.runId, stepId: wait.stepId, result: { data: hit.event } });
    }

    const result = await deps.storage.applyMatches(
      { cancels: [...cancels.values()], resolutions, matchedEventIds: sorted.map((e) => e.internalId) },
      deps.now(),
    );
    for (const id of result.cancelled) deps.log(`run ${id} cancelled: ${cancels.get(id)?.reason.message ?? "cancelOn"}`);
    return result;
  };
}

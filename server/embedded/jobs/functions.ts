/**
 * Turns the function configs an app reports at sync into what the executor runs, and refuses — at start-up,
 * naming function and option — everything it does not implement (refuse, never half-implement;
 * docs/protocols.md "The serve endpoint").
 *
 * Implemented: event triggers (exact names) with an optional `if` expression in the subset of
 * `expression.ts`; cron triggers (`{ cron }`, 5 fields with an optional `TZ=Area/City ` prefix, parsed by
 * `cron.ts`; an expression that cannot be read throws {@link InvalidCronError} naming function and
 * expression); `retries` (max attempts = retries + 1, default 4 retries; docs/protocols.md);
 * `cancelOn` (config key `cancel`: `[{event, if?, timeout?}]`, `match` arrives as
 * `if: "event.<f> == async.<f>"`; `if` in the subset with roots `event`, `async`; `timeout` counted from
 * the run's creation, default 1 year); `concurrency` (a number, `{limit, key?, scope?: "fn"}` or an array of
 * at most 2 such entries; `limit: 0` means no limit; keys are value expressions over `event`); and
 * `idempotency` (a value expression over `event`; one run per function and key per 24 h).
 * Refused: wildcard event names, cron `jitter`, concurrency `scope` "env"/"account", expressions beyond the
 * subset, and, by design, `throttle`, `debounce`, `batchEvents`, `rateLimit`, `priority`, `timeouts`,
 * `singleton`, plus any option this version does not know.
 */
import { CronSyntaxError, parseCron, type CronSchedule } from "./cron";
import { z } from "zod";
import { sleepWakeAt } from "./durations";
import { compileExpression, compileValueExpression, type CompiledExpression, type CompiledValueExpression } from "./expression";
import { functionConfigSchema, type FunctionConfig, type StoredEvent } from "./protocol";
import { canonicalJson } from "./signature";

/** Inngest's default retry count when a function sets none (docs/protocols.md: 4 retries, 5 attempts). */
export const DEFAULT_RETRIES = 4;

/** An event trigger the executor matches: exact event name, optional compiled `if`. */
export interface EventTrigger {
  event: string;
  expression?: CompiledExpression;
}

/** A cron trigger: the expression as written and its parsed schedule. */
export interface CronTrigger {
  cron: string;
  schedule: CronSchedule;
}

/**
 * A `cancelOn` entry: a run of the function is cancelled by a later event named `event` (received before
 * `timeout`, counted from the run's creation) for which `expression` holds (`event`: the run's triggering
 * event, `async`: the incoming event).
 */
export interface CancelRule {
  event: string;
  expression?: CompiledExpression;
  /** Duration or ISO time as the SDK wrote it (default: 1 year). */
  timeout?: string;
}

/** A `concurrency` entry: at most `limit` runs per evaluated `key` (no key: per function) execute at once. */
export interface ConcurrencyRule {
  limit: number;
  key?: CompiledValueExpression;
}

/** One concurrency slot a run needs: its evaluated key (unique per function and entry) and the limit. */
export interface ConcurrencySlot {
  key: string;
  limit: number;
}

/** A function the executor can run. */
export interface FunctionDef {
  /** Composite id `<appId>-<fnId>` (SDK_SPEC.md §1.3.3), also the `fnId` of calls. */
  id: string;
  name: string;
  triggers: EventTrigger[];
  /** Cron triggers (each tick starts one run with the event `inngest/scheduled.timer`). */
  crons: CronTrigger[];
  /** Retries after the first attempt (the config's `steps.step.retries.attempts`, default 4). */
  retries: number;
  /** retries + 1. */
  maxAttempts: number;
  /** `cancelOn` entries (config key `cancel`). */
  cancelOn: CancelRule[];
  /** `concurrency` entries with a limit (at most 2). */
  concurrency: ConcurrencyRule[];
  /** The `idempotency` key expression. */
  idempotency?: CompiledValueExpression;
  config: FunctionConfig;
}

/** One refused feature: which function, which option (as the SDK user writes it), and why. */
export interface UnsupportedProblem {
  functionId: string;
  option: string;
  detail: string;
}

/**
 * Thrown by `start()`/`sync()` when any served function uses a feature the embedded executor does not
 * implement. `problems` lists each one; the message names every function and option.
 */
export class UnsupportedFeatureError extends Error {
  readonly problems: UnsupportedProblem[];
  constructor(problems: UnsupportedProblem[]) {
    super(
      [
        "The embedded Inngest executor refuses these functions: they use unsupported options (docs/protocols.md). " +
          "Remove the option, or point INNGEST_BASE_URL/INNGEST_SIGNING_KEY at Inngest Cloud or a self-hosted " +
          "Inngest that supports it:",
        ...problems.map((p) => `  - function "${p.functionId}": option "${p.option}" ${p.detail}`),
      ].join("\n"),
    );
    this.name = "UnsupportedFeatureError";
    this.problems = problems;
  }
}

/** One cron trigger that cannot be read. */
export interface InvalidCronProblem {
  functionId: string;
  cron: string;
  reason: string;
}

/**
 * Thrown by `start()`/`sync()` when a served function's cron expression cannot be read. The message names
 * every function and expression.
 */
export class InvalidCronError extends Error {
  readonly problems: InvalidCronProblem[];
  constructor(problems: InvalidCronProblem[]) {
    super(
      [
        "The embedded Inngest executor cannot schedule these cron triggers (5 fields: minute hour day-of-month " +
          'month day-of-week, optionally prefixed "TZ=Area/City "):',
        ...problems.map((p) => `  - function "${p.functionId}": cron "${p.cron}": ${p.reason}`),
      ].join("\n"),
    );
    this.name = "InvalidCronError";
    this.problems = problems;
  }
}

/** Config keys the executor handles. */
const HANDLED_KEYS = new Set(["id", "name", "triggers", "steps", "cancel", "concurrency", "idempotency"]);

/** Config keys refused today, with the option name the developer wrote and the reason. */
const REFUSED_KEYS: Record<string, { option: string; detail: string }> = {
  throttle: { option: "throttle", detail: "is not supported by the embedded executor (refused by design)" },
  debounce: { option: "debounce", detail: "is not supported by the embedded executor (refused by design)" },
  batchEvents: { option: "batchEvents", detail: "is not supported by the embedded executor (refused by design)" },
  rateLimit: { option: "rateLimit", detail: "is not supported by the embedded executor (refused by design)" },
  priority: { option: "priority", detail: "is not supported by the embedded executor (refused by design)" },
  timeouts: { option: "timeouts", detail: "is not supported by the embedded executor (refused by design)" },
  singleton: { option: "singleton", detail: "is not supported by the embedded executor (refused by design)" },
};

/** What the expression subset is, for refusals. */
const SUBSET =
  "the embedded executor evaluates only comparisons (==, !=, <, <=, >, >=) of fields and literals, + on " +
  "strings or numbers, joined by && and || (expression.ts)";

type Refuse = (option: string, detail: string) => void;

const cancelSchema = z.array(z.object({ event: z.string().min(1), if: z.string().optional(), timeout: z.string().optional() }).strict());

/** Reads the config's `cancel` (the SDK's `cancelOn`), refusing what is outside the implemented subset. */
function parseCancelOn(raw: unknown, refuse: Refuse): CancelRule[] {
  if (raw === undefined || raw === null) return [];
  const parsed = cancelSchema.safeParse(raw);
  if (!parsed.success) {
    refuse("cancelOn", `(${describe(raw)}) must be a list of {event, if?, timeout?}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    return [];
  }
  const rules: CancelRule[] = [];
  parsed.data.forEach((entry, i) => {
    if (entry.event.includes("*")) {
      refuse(`cancelOn[${i}].event`, `("${entry.event}"): wildcard event names are not supported by the embedded executor`);
      return;
    }
    if (entry.timeout !== undefined && !sleepWakeAt(entry.timeout, 0).ok) {
      refuse(`cancelOn[${i}].timeout`, `("${entry.timeout}"): cannot read the duration or time`);
      return;
    }
    let expression: CompiledExpression | undefined;
    if (entry.if) {
      const compiled = compileExpression(entry.if, ["event", "async"]);
      if (!compiled.ok) {
        refuse(`cancelOn[${i}].if`, `("${entry.if}"): ${SUBSET} (${compiled.reason})`);
        return;
      }
      expression = compiled.expression;
    }
    rules.push({ event: entry.event, expression, timeout: entry.timeout });
  });
  return rules;
}

const concurrencyEntrySchema = z
  .object({ limit: z.number().int().nonnegative(), key: z.string().min(1).optional(), scope: z.string().optional() })
  .strict();
type ConcurrencyEntry = z.infer<typeof concurrencyEntrySchema>;
const concurrencySchema = z.union([
  z.number().int().nonnegative().transform((limit): ConcurrencyEntry[] => [{ limit }]),
  concurrencyEntrySchema.transform((e): ConcurrencyEntry[] => [e]),
  z.array(concurrencyEntrySchema),
]);

/** Reads `concurrency` (a number, an entry, or up to 2 entries), refusing scopes other than "fn". */
function parseConcurrency(raw: unknown, refuse: Refuse): ConcurrencyRule[] {
  if (raw === undefined || raw === null) return [];
  const parsed = concurrencySchema.safeParse(raw);
  if (!parsed.success) {
    refuse("concurrency", `(${describe(raw)}) must be a limit, {limit, key?, scope?} or a list of at most 2 of them`);
    return [];
  }
  if (parsed.data.length > 2) {
    refuse("concurrency", `(${describe(raw)}): at most 2 concurrency entries are allowed (Inngest's limit)`);
    return [];
  }
  const rules: ConcurrencyRule[] = [];
  parsed.data.forEach((entry, i) => {
    if (entry.scope !== undefined && entry.scope !== "fn") {
      refuse(`concurrency[${i}].scope`, `("${entry.scope}"): only the "fn" scope is implemented by the embedded executor`);
      return;
    }
    if (entry.limit === 0) return; // 0: no limit (SDK_SPEC.md §4.3 "use the maximum available concurrency")
    if (entry.key === undefined) {
      rules.push({ limit: entry.limit });
      return;
    }
    const compiled = compileValueExpression(entry.key, ["event"]);
    if (!compiled.ok) {
      refuse(`concurrency[${i}].key`, `("${entry.key}"): ${SUBSET} (${compiled.reason})`);
      return;
    }
    rules.push({ limit: entry.limit, key: compiled.expression });
  });
  return rules;
}

/** Reads `idempotency` (a value expression over `event`). */
function parseIdempotency(raw: unknown, refuse: Refuse): CompiledValueExpression | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "string" || raw === "") {
    refuse("idempotency", `(${describe(raw)}) must be an expression`);
    return undefined;
  }
  const compiled = compileValueExpression(raw, ["event"]);
  if (!compiled.ok) {
    refuse("idempotency", `("${raw}"): ${SUBSET} (${compiled.reason})`);
    return undefined;
  }
  return compiled.expression;
}

/** A key's value as text: strings as they are, anything else as canonical JSON. */
function keyText(value: unknown): string {
  return typeof value === "string" ? value : canonicalJson(value ?? null);
}

/**
 * The concurrency slots a run of `fn` triggered by `event` needs, one per `concurrency` entry: key
 * `<fnId>#<entry index>:<evaluated key>` (no key: `<fnId>#<i>:`; a key expression that errors, e.g. on a
 * missing field, evaluates to the empty text, as Inngest groups such runs together).
 * @returns `[]` when the function has no concurrency limit.
 */
export function concurrencySlots(fn: FunctionDef, event: StoredEvent): ConcurrencySlot[] {
  return fn.concurrency.map((rule, i) => {
    const result = rule.key?.evaluate({ event });
    const text = result === undefined || !result.ok ? "" : keyText(result.value);
    return { key: `${fn.id}#${i}:${text}`, limit: rule.limit };
  });
}

/**
 * The idempotency key of a run of `fn` for `event`: the evaluated `idempotency` expression as text.
 * @returns undefined when the function has no `idempotency`; null when the expression cannot be evaluated
 * for this event (e.g. a missing field): such a run starts, without idempotency.
 */
export function idempotencyKey(fn: FunctionDef, event: StoredEvent): string | null | undefined {
  if (!fn.idempotency) return undefined;
  const result = fn.idempotency.evaluate({ event });
  return result.ok ? keyText(result.value) : null;
}

function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text && text.length > 120 ? `${text.slice(0, 117)}...` : (text ?? String(value));
  } catch {
    return String(value);
  }
}

/**
 * Validates every config and builds the runnable {@link FunctionDef}s.
 * @param rawConfigs the `functions` array of an in-band sync answer (unvalidated).
 * @throws {UnsupportedFeatureError} listing every refused option of every function (and any unreadable
 * cron expression, when there are refused options too).
 * @throws {InvalidCronError} listing every cron expression that cannot be read.
 * @throws {Error} when a config is malformed or two functions share an id.
 */
export function prepareFunctions(rawConfigs: unknown[]): FunctionDef[] {
  const problems: UnsupportedProblem[] = [];
  const invalidCrons: InvalidCronProblem[] = [];
  const defs: FunctionDef[] = [];
  const seen = new Set<string>();
  for (const raw of rawConfigs) {
    const parsed = functionConfigSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof raw === "object" && raw && "id" in raw ? String((raw as { id: unknown }).id) : "?";
      throw new Error(`function "${id}": malformed config from the SDK: ${parsed.error.message}`);
    }
    const config = parsed.data;
    if (seen.has(config.id)) throw new Error(`function "${config.id}" is served twice`);
    seen.add(config.id);
    const refuse = (option: string, detail: string) => problems.push({ functionId: config.id, option, detail });

    for (const [key, value] of Object.entries(config)) {
      if (HANDLED_KEYS.has(key) || value === undefined || value === null) continue;
      const refused = REFUSED_KEYS[key];
      if (refused) refuse(refused.option, `${refused.detail} (${describe(value)})`);
      else refuse(key, `is unknown to the embedded executor (${describe(value)})`);
    }

    const triggers: EventTrigger[] = [];
    const crons: CronTrigger[] = [];
    config.triggers.forEach((trigger, i) => {
      if ("cron" in trigger) {
        if (trigger.jitter !== undefined) {
          refuse(`triggers[${i}].jitter`, `("${trigger.jitter}"): cron jitter is not implemented by the embedded executor`);
          return;
        }
        try {
          crons.push({ cron: trigger.cron, schedule: parseCron(trigger.cron) });
        } catch (err) {
          if (!(err instanceof CronSyntaxError)) throw err;
          invalidCrons.push({ functionId: config.id, cron: trigger.cron, reason: err.reason });
        }
        return;
      }
      if (trigger.event.includes("*")) {
        refuse(`triggers[${i}].event`, `("${trigger.event}"): wildcard event names are not supported by the embedded executor`);
        return;
      }
      if (trigger.expression === undefined || trigger.expression === "") {
        triggers.push({ event: trigger.event });
        return;
      }
      const compiled = compileExpression(trigger.expression, ["event"]);
      if (!compiled.ok) {
        refuse(`triggers[${i}].if`, `("${trigger.expression}"): ${SUBSET} (${compiled.reason})`);
        return;
      }
      triggers.push({ event: trigger.event, expression: compiled.expression });
    });

    const steps = Object.values(config.steps);
    const step = config.steps["step"];
    if (!step || steps.length !== 1) {
      refuse("steps", `must hold exactly one entry "step" (found ${Object.keys(config.steps).join(", ") || "none"})`);
    } else if (step.runtime.type !== "http") {
      refuse("steps.step.runtime.type", `("${step.runtime.type}"): only the HTTP runtime (serve()) is supported, not connect`);
    }
    const retries = step?.retries?.attempts ?? DEFAULT_RETRIES;
    defs.push({
      id: config.id,
      name: config.name ?? config.id,
      triggers,
      crons,
      retries,
      maxAttempts: retries + 1,
      cancelOn: parseCancelOn(config["cancel"], refuse),
      concurrency: parseConcurrency(config["concurrency"], refuse),
      idempotency: parseIdempotency(config["idempotency"], refuse),
      config,
    });
  }
  if (problems.length > 0) {
    for (const c of invalidCrons) problems.push({ functionId: c.functionId, option: "cron", detail: `("${c.cron}") is not a valid cron expression: ${c.reason}` });
    throw new UnsupportedFeatureError(problems);
  }
  if (invalidCrons.length > 0) throw new InvalidCronError(invalidCrons);
  return defs;
}

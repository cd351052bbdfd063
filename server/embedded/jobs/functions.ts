/**
 * Turns the function configs an app reports at sync into what the executor runs, and refuses — at start-up,
 * naming function and option — everything it does not implement (DESIGN §2 "refuse, never half-implement";
 * DESIGN §7 scope).
 *
 * Implemented: event triggers (exact names) with an optional `if` expression in the subset of
 * `expression.ts`; cron triggers (`{ cron }`, 5 fields with an optional `TZ=Area/City ` prefix, parsed by
 * `cron.ts`; an expression that cannot be read throws {@link InvalidCronError} naming function and
 * expression); and `retries` (max attempts = retries + 1, default 4 retries; INNGEST-PROTOCOL.md).
 * Refused for now: wildcard event names, cron `jitter`, `cancelOn`, `idempotency`, `concurrency`, and, by
 * design, `throttle`, `debounce`, `batchEvents`, `rateLimit`, `priority`, `timeouts`, `singleton`, plus any
 * option this version does not know.
 */
import { CronSyntaxError, parseCron, type CronSchedule } from "./cron";
import { compileExpression, type CompiledExpression } from "./expression";
import { functionConfigSchema, type FunctionConfig } from "./protocol";

/** Inngest's default retry count when a function sets none (INNGEST-PROTOCOL.md: 4 retries, 5 attempts). */
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

/** A function the executor can run. */
export interface FunctionDef {
  /** Composite id `<appId>-<fnId>` (SDK_SPEC §1.3.3), also the `fnId` of calls. */
  id: string;
  name: string;
  triggers: EventTrigger[];
  /** Cron triggers (each tick starts one run with the event `inngest/scheduled.timer`). */
  crons: CronTrigger[];
  /** Retries after the first attempt (the config's `steps.step.retries.attempts`, default 4). */
  retries: number;
  /** retries + 1. */
  maxAttempts: number;
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
        "The embedded Inngest executor refuses these functions: they use unsupported options (DESIGN §7). " +
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
const HANDLED_KEYS = new Set(["id", "name", "triggers", "steps"]);

/** Config keys refused today, with the option name the developer wrote and the reason. */
const REFUSED_KEYS: Record<string, { option: string; detail: string }> = {
  throttle: { option: "throttle", detail: "is not supported by the embedded executor (refused by design)" },
  debounce: { option: "debounce", detail: "is not supported by the embedded executor (refused by design)" },
  batchEvents: { option: "batchEvents", detail: "is not supported by the embedded executor (refused by design)" },
  rateLimit: { option: "rateLimit", detail: "is not supported by the embedded executor (refused by design)" },
  priority: { option: "priority", detail: "is not supported by the embedded executor (refused by design)" },
  timeouts: { option: "timeouts", detail: "is not supported by the embedded executor (refused by design)" },
  singleton: { option: "singleton", detail: "is not supported by the embedded executor (refused by design)" },
  concurrency: { option: "concurrency", detail: "is not implemented by the embedded executor yet" },
  cancel: { option: "cancelOn", detail: "is not implemented by the embedded executor yet" },
  idempotency: { option: "idempotency", detail: "is not implemented by the embedded executor yet" },
};

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
        refuse(
          `triggers[${i}].if`,
          `("${trigger.expression}"): the embedded executor evaluates only ==/!= comparisons of event fields ` +
            `with literals joined by && (${compiled.reason})`,
        );
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
    defs.push({ id: config.id, name: config.name ?? config.id, triggers, crons, retries, maxAttempts: retries + 1, config });
  }
  if (problems.length > 0) {
    for (const c of invalidCrons) problems.push({ functionId: c.functionId, option: "cron", detail: `("${c.cron}") is not a valid cron expression: ${c.reason}` });
    throw new UnsupportedFeatureError(problems);
  }
  if (invalidCrons.length > 0) throw new InvalidCronError(invalidCrons);
  return defs;
}

/**
 * Cron schedules for cron-triggered functions (`triggers: [{ cron: "0 8 * * *" }]`), as Inngest reads
 * them (Go's robfig/cron "standard" parser). A thin adapter over the croner library
 * (https://croner.56k.guru, pinned in package.json): croner expands the fields and finds the matching
 * times, next and previous, with cron's day-of-month/day-of-week OR rule; this module reads the
 * expression's zone, words what is wrong with an expression, and maps local times to instants.
 *
 * Why croner: no dependencies, Node ≥ 18, 5-field mode, both `nextRun` and `previousRuns`, and a
 * fixed-time job in a DST gap runs at the end of the gap, once, as below. cron-parser 5 (the other
 * candidate) places a spring-forward 02:30 Berlin tick at 03:30 instead of 03:00, finds the repeated
 * hour's second occurrence from inside it, accepts an empty or 4-field expression, and needs luxon.
 *
 * Syntax: an optional `TZ=Area/City ` (or `CRON_TZ=`) prefix naming an IANA zone (default UTC), then five
 * fields — minute (0–59), hour (0–23), day of month (1–31), month (1–12 or JAN–DEC), day of week (0–7 or
 * SUN–SAT; 0 and 7 are Sunday) — each a comma list of `*`, `?`, `n`, `a-b`, with an optional `/step`
 * (`a/step` means `a-max/step`). Aliases: `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/`@midnight`,
 * `@hourly`. When both day fields are restricted, a day matches either (cron's OR rule); a field counts as
 * unrestricted when one of its items is `*` or `?` with no step above 1 (robfig's rule). Nothing else:
 * croner's extensions (`L`, `W`, `#`, seconds and year fields) are refused, as Inngest refuses them.
 * The fields are checked here, so errors name the field and its range the same way whatever the
 * library says; croner then gets each item in one plain form (`a`, `a-b`, `a-b/step`, numbers only), which
 * keeps its own readings of `a/step`, of a step wider than the range, and of `*` out of the contract.
 *
 * Time zones (via `@date-fns/tz` over Node's ICU data): a local time that does not exist that day (the spring-forward
 * gap) fires at the first instant after the gap (e.g. 02:30 in Berlin on the spring-forward day → 03:00
 * local = 01:00 UTC); a local time that occurs twice (fall-back) fires once, at its first occurrence.
 * croner follows that rule only for fixed-time schedules (`30 2 * * *`): an interval schedule (every 20
 * minutes, say) would skip the gap and run the repeated hour twice. So croner walks the local clock
 * (read as UTC, where no time is missing or repeated) and {@link wallToInstant} maps each local time to its
 * instant, one rule for every schedule.
 * All instants are ms since the Unix epoch (UTC); ticks fall on whole minutes of the local clock.
 */
import { Cron, CronPattern } from "croner";
import { tzOffset } from "@date-fns/tz";
import { isTimeZone } from "../../../lib/time-zone";

/** Parsed cron schedule. Create with {@link parseCron}. */
export interface CronSchedule {
  /** The expression as written (with its TZ prefix). */
  readonly source: string;
  /** IANA zone the fields are read in ("UTC" by default). */
  readonly timeZone: string;
  /** Matching minutes, hours, days of month, months (1–12), days of week (0–6), ascending. */
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  /** Day fields were restricted (not `*`/`?`): when both are, a day matches either. */
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
  /** croner's job for the fields read in UTC: the local (wall-clock) times that match, as UTC dates. */
  readonly wallClock: Cron;
}

/** Thrown by {@link parseCron} for an expression it cannot read. */
export class CronSyntaxError extends Error {
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`invalid cron expression "${expression}": ${reason}`);
    this.name = "CronSyntaxError";
  }
}

const ALIASES: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Value of names[0] (months start at 1). */
  namesBase?: number;
}

const FIELDS: FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTH_NAMES, namesBase: 1 },
  { name: "day of week", min: 0, max: 7, names: DAY_NAMES, namesBase: 0 },
];

function parseValue(text: string, spec: FieldSpec, expression: string): number {
  const upper = text.toUpperCase();
  const named = spec.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + (spec.namesBase ?? 0);
  if (!/^\d+$/.test(text)) throw new CronSyntaxError(expression, `${spec.name}: "${text}" is not a number`);
  const n = Number(text);
  if (n < spec.min || n > spec.max) throw new CronSyntaxError(expression, `${spec.name}: ${n} is outside ${spec.min}-${spec.max}`);
  return n;
}

/**
 * Checks one field and rewrites it for croner: each item as `a`, `a-b` or `a-b/step` in numbers (a step
 * wider than its range leaves `a` alone), and whether the field is unrestricted (an item `*`/`?` without a
 * step > 1).
 * @throws {CronSyntaxError} naming the field and what is wrong.
 */
function checkField(text: string, spec: FieldSpec, expression: string): { croner: string; star: boolean } {
  const items: string[] = [];
  let star = false;
  for (const part of text.split(",")) {
    if (part === "") throw new CronSyntaxError(expression, `${spec.name}: empty list item in "${text}"`);
    const [range, stepText, extra] = part.split("/");
    if (extra !== undefined || range === undefined || range === "") throw new CronSyntaxError(expression, `${spec.name}: cannot read "${part}"`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) throw new CronSyntaxError(expression, `${spec.name}: step "${stepText}" must be a positive integer`);
      step = Number(stepText);
    }
    let start: number;
    let end: number;
    if (range === "*" || range === "?") {
      start = spec.min;
      end = spec.max;
      if (step === 1) star = true;
    } else {
      const bounds = range.split("-");
      if (bounds.length > 2) throw new CronSyntaxError(expression, `${spec.name}: cannot read "${range}"`);
      start = parseValue(bounds[0] as string, spec, expression);
      end = bounds.length === 2 ? parseValue(bounds[1] as string, spec, expression) : stepText !== undefined ? spec.max : start;
      if (end < start) throw new CronSyntaxError(expression, `${spec.name}: range "${range}" runs backwards`);
    }
    items.push(start === end || step > end - start ? `${start}` : step === 1 ? `${start}-${end}` : `${start}-${end}/${step}`);
  }
  return { croner: star ? "*" : items.join(","), star };
}


/** The indexes whose flag croner set, plus `offset` (croner counts days of month and months from 0). */
const flagged = (flags: readonly number[], offset = 0): number[] => flags.flatMap((on, i) => (on ? [i + offset] : []));

/**
 * Parses a cron expression (see the module header).
 * @throws {CronSyntaxError} naming what is wrong.
 */
export function parseCron(expression: string): CronSchedule {
  let rest = expression.trim();
  let timeZone = "UTC";
  const tz = /^(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(rest);
  if (tz) {
    timeZone = tz[1] as string;
    rest = (tz[2] as string).trim();
    if (!isTimeZone(timeZone)) throw new CronSyntaxError(expression, `unknown time zone "${timeZone}"`);
  } else if (/^(?:CRON_)?TZ=/.test(rest)) {
    throw new CronSyntaxError(expression, "a TZ= prefix must be followed by a space and the schedule");
  }
  if (rest.startsWith("@")) {
    const alias = ALIASES[rest.toLowerCase()];
    if (!alias) throw new CronSyntaxError(expression, `unknown alias "${rest}" (known: ${Object.keys(ALIASES).join(", ")})`);
    rest = alias;
  }
  const fields = rest.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    throw new CronSyntaxError(expression, `expected 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`);
  }
  const checked = fields.map((f, i) => checkField(f, FIELDS[i] as FieldSpec, expression));
  // The day fields' `*` decides croner's OR rule: it is written as `*` exactly when robfig counts the field unrestricted.
  const pattern = checked.map((c) => c.croner).join(" ");
  const options = { mode: "5-part", domAndDow: false } as const;
  let fieldsRead: CronPattern;
  let wallClock: Cron;
  try {
    fieldsRead = new CronPattern(pattern, undefined, options);
    wallClock = new Cron(pattern, { ...options, timezone: "UTC" });
  } catch (err) {
    // Not expected for the plain forms checkField writes; reported as the expression's fault all the same.
    throw new CronSyntaxError(expression, err instanceof Error ? err.message : String(err));
  }
  const schedule: CronSchedule = {
    source: expression,
    timeZone,
    minutes: flagged(fieldsRead.minute),
    hours: flagged(fieldsRead.hour),
    daysOfMonth: new Set(flagged(fieldsRead.day, 1)),
    months: new Set(flagged(fieldsRead.month, 1)),
    daysOfWeek: new Set(flagged(fieldsRead.dayOfWeek)),
    domRestricted: !fieldsRead.starDOM,
    dowRestricted: !fieldsRead.starDOW,
    wallClock,
  };
  // A schedule such as "0 0 30 2 *" parses but never fires: refuse it rather than wait forever.
  if (nextTick(schedule, Date.UTC(2000, 0, 1)) === null) throw new CronSyntaxError(expression, "it never matches any date");
  return schedule;
}

// ---------------------------------------------------------------------------------------------------------
// Time zones

/** The wall clock of `zone` at `instant`, as ms since the epoch read as UTC (local = UTC + offset). */
function wallMs(zone: string, instant: number): number {
  return zone === "UTC" ? instant : instant + offsetAt(zone, instant);
}

/** The zone's UTC offset at `instant`, ms (local = UTC + offset). */
function offsetAt(zone: string, instant: number): number {
  // @date-fns/tz, Herald's one time-zone library (the runtime's zone database through Intl; whole minutes).
  return zone === "UTC" ? 0 : tzOffset(zone, new Date(instant)) * 60_000;
}

/**
 * The instant at which `zone`'s clocks show the wall time `wall` (given as ms of a UTC date with those
 * fields): its first occurrence when it occurs twice; the end of the gap when it does not exist.
 */
export function wallToInstant(zone: string, wall: number): number {
  if (zone === "UTC") return wall;
  const day = 86_400_000;
  const before = offsetAt(zone, wall - day);
  const after = offsetAt(zone, wall + day);
  const matches = [...new Set([before, after])].map((o) => wall - o).filter((i) => wallMs(zone, i) === wall);
  if (matches.length > 0) return Math.min(...matches);
  // In a gap: the clocks jump past `wall` at the transition between wall - before and wall - after
  // (offsets grow across a gap). Find the first instant (whole second) whose offset is the later one.
  let lo = wall - after;
  let hi = wall - before;
  if (lo > hi) [lo, hi] = [hi, lo];
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(zone, mid) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

// ---------------------------------------------------------------------------------------------------------
// Ticks

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** How far {@link nextTick}/{@link previousTick} search: 5 years of days (as robfig/cron does). */
const SEARCH_DAYS = 5 * 366;

/**
 * The first tick strictly after `after` (ms, UTC), or null when none falls within 5 years (of local
 * days from `after`'s). Ticks are instants: the local times croner finds, mapped by {@link wallToInstant}
 * (monotonic, so the first local time at or after `after`'s own minute whose instant lies after it is the
 * answer; local times of a repeated hour already passed map before `after` and are skipped).
 */
export function nextTick(s: CronSchedule, after: number): number | null {
  const startWall = wallMs(s.timeZone, after);
  const end = Math.floor(startWall / DAY_MS) * DAY_MS + (SEARCH_DAYS + 1) * DAY_MS;
  // croner answers strictly after its reference, in whole seconds: a second before the start's minute.
  let cursor = Math.floor(startWall / MINUTE_MS) * MINUTE_MS - 1000;
  for (;;) {
    const wall = s.wallClock.nextRun(new Date(cursor))?.getTime();
    if (wall === undefined || wall >= end) return null;
    const instant = wallToInstant(s.timeZone, wall);
    if (instant > after) return instant;
    cursor = wall;
  }
}

/**
 * The latest tick at or before `atOrBefore` (ms, UTC), or null when none falls within 5 years (of local
 * days back from `atOrBefore`'s). See {@link nextTick}.
 */
export function previousTick(s: CronSchedule, atOrBefore: number): number | null {
  const startWall = wallMs(s.timeZone, atOrBefore);
  const start = Math.floor(startWall / DAY_MS) * DAY_MS - SEARCH_DAYS * DAY_MS;
  // croner answers strictly before its reference: a second after the start's minute includes that minute.
  let cursor = Math.floor(startWall / MINUTE_MS) * MINUTE_MS + 1000;
  for (;;) {
    const wall = s.wallClock.previousRuns(1, new Date(cursor))[0]?.getTime();
    if (wall === undefined || wall < start) return null;
    const instant = wallToInstant(s.timeZone, wall);
    if (instant <= atOrBefore) return instant;
    cursor = wall;
  }
}

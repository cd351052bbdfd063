/**
 * Cron schedules for cron-triggered functions (`triggers: [{ cron: "0 8 * * *" }]`), as Inngest reads
 * them (Go's robfig/cron "standard" parser): no library is installed for this, so the parser is here.
 *
 * Syntax: an optional `TZ=Area/City ` (or `CRON_TZ=`) prefix naming an IANA zone (default UTC), then five
 * fields — minute (0–59), hour (0–23), day of month (1–31), month (1–12 or JAN–DEC), day of week (0–7 or
 * SUN–SAT; 0 and 7 are Sunday) — each a comma list of `*`, `?`, `n`, `a-b`, with an optional `/step`
 * (`a/step` means `a-max/step`). Aliases: `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/`@midnight`,
 * `@hourly`. When both day fields are restricted, a day matches either (cron's OR rule); a field counts as
 * unrestricted when it starts with `*` or `?` and has no step above 1 (robfig's rule).
 *
 * Time zones (via `Intl`, Node's ICU data): a local time that does not exist that day (the spring-forward
 * gap) fires at the first instant after the gap (e.g. 02:30 in Berlin on the spring-forward day → 03:00
 * local = 01:00 UTC); a local time that occurs twice (fall-back) fires once, at its first occurrence.
 * All instants are ms since the Unix epoch (UTC); ticks fall on whole minutes of the local clock.
 */

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

/** One field → its values, and whether it is unrestricted (`*`/`?` without a step > 1). */
function parseField(text: string, spec: FieldSpec, expression: string): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
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
    let partStar = false;
    if (range === "*" || range === "?") {
      start = spec.min;
      end = spec.max;
      partStar = step === 1;
    } else {
      const bounds = range.split("-");
      if (bounds.length > 2) throw new CronSyntaxError(expression, `${spec.name}: cannot read "${range}"`);
      start = parseValue(bounds[0] as string, spec, expression);
      end = bounds.length === 2 ? parseValue(bounds[1] as string, spec, expression) : stepText !== undefined ? spec.max : start;
      if (end < start) throw new CronSyntaxError(expression, `${spec.name}: range "${range}" runs backwards`);
    }
    if (partStar) star = true;
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return { values, star };
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

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
    if (!isValidTimeZone(timeZone)) throw new CronSyntaxError(expression, `unknown time zone "${timeZone}"`);
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
  const [minute, hour, dom, month, dow] = fields.map((f, i) => parseField(f, FIELDS[i] as FieldSpec, expression)) as [
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
  ];
  const daysOfWeek = new Set([...dow.values].map((d) => d % 7));
  const schedule: CronSchedule = {
    source: expression,
    timeZone,
    minutes: [...minute.values].sort((a, b) => a - b),
    hours: [...hour.values].sort((a, b) => a - b),
    daysOfMonth: dom.values,
    months: month.values,
    daysOfWeek,
    domRestricted: !dom.star,
    dowRestricted: !dow.star,
  };
  // A schedule such as "0 0 30 2 *" parses but never fires: refuse it rather than wait forever.
  if (nextTick(schedule, Date.UTC(2000, 0, 1)) === null) throw new CronSyntaxError(expression, "it never matches any date");
  return schedule;
}

// ---------------------------------------------------------------------------------------------------------
// Time zones

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The local wall-clock time of `instant` in `zone`, as ms of a UTC date with the same fields. */
function wallMs(zone: string, instant: number): number {
  if (zone === "UTC") return instant;
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instant))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const seconds = Math.floor(instant / 1000) * 1000;
  const wall = Date.UTC(parts["year"] as number, (parts["month"] as number) - 1, parts["day"], parts["hour"], parts["minute"], parts["second"]);
  return wall + (instant - seconds);
}

/** The zone's UTC offset at `instant`, ms (local = UTC + offset). */
function offsetAt(zone: string, instant: number): number {
  return wallMs(zone, instant) - instant;
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

/** How far {@link nextTick}/{@link previousTick} search: 5 years of days (as robfig/cron does). */
const SEARCH_DAYS = 5 * 366;

function dayMatches(s: CronSchedule, y: number, m: number, d: number): boolean {
  if (!s.months.has(m + 1)) return false;
  const dow = new Date(Date.UTC(y, m, d)).getUTCDay();
  const domOk = s.daysOfMonth.has(d);
  const dowOk = s.daysOfWeek.has(dow);
  if (s.domRestricted && s.dowRestricted) return domOk || dowOk;
  return domOk && dowOk;
}

/**
 * The first tick strictly after `after` (ms, UTC), or null when none falls within 5 years.
 * Ticks are instants: the wall times that match, mapped by {@link wallToInstant}.
 */
export function nextTick(s: CronSchedule, after: number): number | null {
  const startWall = wallMs(s.timeZone, after);
  const first = new Date(startWall);
  const firstMinute = Math.floor(startWall / 60_000) * 60_000;
  for (let i = 0; i <= SEARCH_DAYS; i++) {
    const date = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate() + i));
    const y = date.getUTCFullYear();
    const m = date.getUTCMonth();
    const d = date.getUTCDate();
    if (!dayMatches(s, y, m, d)) continue;
    for (const h of s.hours) {
      if (i === 0 && Date.UTC(y, m, d, h, 59) < firstMinute) continue;
      for (const min of s.minutes) {
        const wall = Date.UTC(y, m, d, h, min);
        // Wall times before the start's own wall time map to instants at or before it (the mapping is
        // monotonic): skip them without asking Intl.
        if (i === 0 && wall < firstMinute) continue;
        const instant = wallToInstant(s.timeZone, wall);
        if (instant > after) return instant;
      }
    }
  }
  return null;
}

/** The latest tick at or before `atOrBefore` (ms, UTC), or null when none falls within 5 years. */
export function previousTick(s: CronSchedule, atOrBefore: number): number | null {
  const startWall = wallMs(s.timeZone, atOrBefore);
  const first = new Date(startWall);
  const hoursDesc = [...s.hours].reverse();
  const minutesDesc = [...s.minutes].reverse();
  for (let i = 0; i <= SEARCH_DAYS; i++) {
    const date = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate() - i));
    const y = date.getUTCFullYear();
    const m = date.getUTCMonth();
    const d = date.getUTCDate();
    if (!dayMatches(s, y, m, d)) continue;
    for (const h of hoursDesc) {
      if (i === 0 && Date.UTC(y, m, d, h) > startWall) continue;
      for (const min of minutesDesc) {
        const wall = Date.UTC(y, m, d, h, min);
        if (i === 0 && wall > startWall) continue;
        const instant = wallToInstant(s.timeZone, wall);
        if (instant <= atOrBefore) return instant;
      }
    }
  }
  return null;
}

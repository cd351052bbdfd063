/**
 * The plumbing every storage module shares: {@link StorageContext} with its query function `q`, SQL
 * fragments about runs, and the conversions between JS values and SQL parameters and columns.
 *
 * A single statement is parameterised and prepared once per connection under a name (so PostgreSQL parses
 * and plans it once, not on every run: the executor's throughput rose by ~20 %, bench/RESULTS.md
 * "Executor"). That needs a PGlite server that keeps a connection's extended-protocol messages together and
 * its statement names apart, as Herald's embedded database does (server/embedded/database-host.ts; the
 * stock pglite-socket 0.2.17 interleaves them). A message of several statements (migrations, the claim
 * with its lock) goes with the simple query protocol, its parameters inlined as escaped literals by
 * {@link inlineParams}.
 */
import pg from "pg";
import { statementNames } from "../../../db/statement-names";

/** SQL: the statuses of an active run, for `status IN …`. */
export const ACTIVE = "('queued','running')";

/** SQL: one of run `r`'s waits is over (resolved by an event or a finished child run, or timed out but not yet memoized). */
export const waitOver = (S: string) => `EXISTS (SELECT 1 FROM ${S}.waits w WHERE w.run_id = r.id AND w.status <> 'waiting')`;

/** SQL: run `r` is due at `now` (a parameter) — its time has come, or one of its waits is over. */
export const due = (S: string, now: string) => `(r.next_attempt_at <= ${now} OR ${waitOver(S)})`;

/** A `bigint` column's value (node-postgres reads it as text) as a number. */
export const num = (v: string | number): number => Number(v);
/** {@link num} for a nullable column. */
export const numOrNull = (v: string | number | null): number | null => (v === null ? null : Number(v));

/**
 * JSON text for a parameter (jsonb, or the text columns that hold user data); `undefined` becomes JSON
 * `null` (never SQL NULL). `JSON.stringify` escapes U+0000 and lone surrogates, so any value fits a text column.
 */
export const json = (v: unknown): string => JSON.stringify(v ?? null);

/** A JSON text column's value (SQL NULL stays null). */
export const fromJson = (t: string | null): unknown => (t === null ? null : (JSON.parse(t) as unknown));

/**
 * Renders one parameter as a SQL literal: null/undefined → NULL, booleans, finite numbers, bigints,
 * strings (`pg.escapeLiteral`: quotes and backslashes escaped), and arrays of strings (`ARRAY[…]::text[]`).
 * @throws for any other value (objects must be passed as JSON text and cast in SQL).
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`sqlLiteral: ${value} is not a finite number`);
    return value < 0 ? `(${value})` : String(value);
  }
  if (typeof value === "bigint") return value < 0n ? `(${value})` : String(value);
  if (typeof value === "string") return pg.escapeLiteral(value);
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
    return `ARRAY[${value.map((v) => pg.escapeLiteral(v)).join(", ")}]::text[]`;
  }
  throw new Error(`sqlLiteral: unsupported parameter type ${typeof value}`);
}

/**
 * Replaces `$1`, `$2`, … in `text` by the literals of `params`, in one pass (inserted text is never
 * rescanned). The SQL templates of the storage modules contain `$n` only as placeholders.
 * @throws when a placeholder has no parameter.
 */
export function inlineParams(text: string, params: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) throw new Error(`inlineParams: no parameter for $${n}`);
    return sqlLiteral(params[index]);
  });
}

/** A `;` followed by more SQL: a message of several statements (the extended protocol takes one). */
const MULTI_STATEMENT = /;\s*\S/;

/** Runs one statement or one multi-statement message (see {@link createContext}). */
export type Query = <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: readonly unknown[]) => Promise<pg.QueryResult<R>>;

/** What each storage module's queries are built over. */
export interface StorageContext {
  pool: pg.Pool;
  /** The schema's name (a plain lower-case identifier, checked by `createStorage`). */
  schema: string;
  /** The schema's name quoted, for SQL text. */
  S: string;
  q: Query;
}

/** The context of one storage over `pool` in `schema` (a name already checked to be a plain identifier). */
export function createContext(pool: pg.Pool, schema: string): StorageContext {
  const S = `"${schema}"`;
  const statementName = statementNames();
  /**
   * One statement, parameterised and prepared once per connection under a name derived from its text
   * (server/db/statement-names.ts: a statement whose meaning depends on a parameter being NULL stays
   * unnamed); or one multi-statement message (migrations, the claim's lock), simple protocol with its
   * parameters inlined.
   */
  const q = <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params: readonly unknown[] = []) => {
    if (MULTI_STATEMENT.test(text)) return pool.query<R>(inlineParams(text, params));
    const name = statementName({ sql: text });
    return pool.query<R>({ text, values: [...params], ...(name ? { name } : {}) });
  };
  return { pool, schema, S, q };
}

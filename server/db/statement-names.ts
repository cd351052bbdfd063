/**
 * Named prepared statements for the Prisma pg adapter (`@prisma/adapter-pg`'s `statementNameGenerator`).
 *
 * With an unnamed statement PostgreSQL parses, analyses and plans every query again, each time; the inbox
 * read (session + list + unread count) spent most of its ~3 ms of database CPU there. A named statement is
 * prepared once per connection (node-postgres keeps the names it prepared per connection and sends only
 * Bind/Execute afterwards), so a repeated query skips parsing, and PostgreSQL may reuse its plan.
 *
 * Plan reuse is the risk: after five executions PostgreSQL may switch a prepared statement to a generic plan
 * (https://www.postgresql.org/docs/current/sql-prepare.html, "plan_cache_mode"). A predicate whose meaning
 * depends on a parameter being NULL — `($1::uuid IS NULL OR f.user_id > $1)`, the fan-out chunk bounds —
 * has no good generic plan (it cannot use the index range), so a query with one stays unnamed and is
 * planned with its values each time.
 *
 * The names are bounded: at most {@link MAX_NAMED_STATEMENTS} distinct SQL texts get a name (each one costs
 * memory per connection, in node-postgres and in the server backend); any further text runs unnamed.
 */
import { createHash } from "node:crypto";

/** Most distinct SQL texts that get a name; Herald's queries have a few hundred shapes. */
export const MAX_NAMED_STATEMENTS = 1000;

/** `$3 IS NULL`, `$3::uuid IS NULL`, `$3::timestamptz  IS  NULL`: a predicate that changes with a parameter's nullness. */
const PARAMETER_NULL_TEST = /\$\d+(?:::[\w ]+?)?\s+IS\s+(?:NOT\s+)?NULL/i;

/**
 * A generator for `new PrismaPg({ …, statementNameGenerator })`.
 * @returns a function from a query ({ sql }) to its statement name (`h_` + the first 20 hex digits of the
 *   SHA-1 of the SQL text; the same text always gets the same name), or `undefined` (an unnamed statement)
 *   for SQL with a parameter NULL test and once {@link MAX_NAMED_STATEMENTS} names are in use.
 */
export function statementNames(max = MAX_NAMED_STATEMENTS): (query: { sql: string }) => string {
  const names = new Map<string, string | undefined>();
  return (query) => {
    let name = names.get(query.sql);
    if (name === undefined && !names.has(query.sql)) {
      const eligible = names.size < max && !PARAMETER_NULL_TEST.test(query.sql);
      name = eligible ? `h_${createHash("sha1").update(query.sql).digest("hex").slice(0, 20)}` : undefined;
      if (names.size < max) names.set(query.sql, name);
    }
    // node-postgres treats a missing name as the unnamed statement; the adapter's type says string.
    return name as string;
  };
}

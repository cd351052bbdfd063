/**
 * A deliberately small subset of CEL (Common Expression Language, SDK_SPEC §1.3.1) for trigger
 * `expression`s (`if`) — enough for equality filters such as the one `onFailure` registers
 * (`event.data.function_id == 'app-fn'`):
 *
 *   expr    := clause ( "&&" clause )*
 *   clause  := operand ( "==" | "!=" ) operand
 *   operand := path | 'string' | "string" | number | true | false | null
 *   path    := root ( "." ident | "[" string "]" )*      root ∈ allowed roots (e.g. `event`)
 *
 * Anything else (||, !, <, functions, macros, arithmetic, `in`, ternaries, …) does not compile, and the
 * executor refuses the function at start-up naming the expression (DESIGN §2: refuse, never
 * half-implement). A clause whose path is missing evaluates to false (CEL: no-such-key is an error, and an
 * erroring expression does not match).
 */
import { canonicalJson } from "./signature";

type Token =
  | { kind: "op"; value: "&&" | "==" | "!=" | "." | "[" | "]" }
  | { kind: "ident"; value: string }
  | { kind: "literal"; value: string | number | boolean | null };

type Operand = { kind: "path"; root: string; keys: string[] } | { kind: "literal"; value: string | number | boolean | null };
interface Clause {
  left: Operand;
  op: "==" | "!=";
  right: Operand;
}

/** A compiled expression: `evaluate` takes the root variables (e.g. `{ event }`). */
export interface CompiledExpression {
  source: string;
  evaluate(vars: Record<string, unknown>): boolean;
}

/** Result of {@link compileExpression}: the compiled form, or why the expression is outside the subset. */
export type CompileResult = { ok: true; expression: CompiledExpression } | { ok: false; reason: string };

class Unsupported extends Error {}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === "&&" || two === "==" || two === "!=") {
      tokens.push({ kind: "op", value: two });
      i += 2;
      continue;
    }
    if (c === "." || c === "[" || c === "]") {
      // A "." directly followed by a digit is part of a number, handled below only after a digit.
      tokens.push({ kind: "op", value: c });
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let text = "";
      for (;;) {
        const d = src[j];
        if (d === undefined) throw new Unsupported(`unterminated string at ${i}`);
        if (d === c) break;
        if (d === "\\") {
          const e = src[j + 1];
          const map: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', n: "\n", t: "\t", r: "\r" };
          if (e === undefined || !(e in map)) throw new Unsupported(`unsupported escape at ${j}`);
          text += map[e];
          j += 2;
          continue;
        }
        text += d;
        j++;
      }
      tokens.push({ kind: "literal", value: text });
      i = j + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      tokens.push({ kind: "literal", value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (ident) {
      const word = ident[0];
      if (word === "true" || word === "false") tokens.push({ kind: "literal", value: word === "true" });
      else if (word === "null") tokens.push({ kind: "literal", value: null });
      else tokens.push({ kind: "ident", value: word });
      i += word.length;
      continue;
    }
    throw new Unsupported(`unsupported character "${c}" at ${i}`);
  }
  return tokens;
}

function parse(tokens: Token[], roots: readonly string[]): Clause[] {
  let pos = 0;
  const peek = () => tokens[pos];
  const take = () => tokens[pos++];

  const operand = (): Operand => {
    const t = take();
    if (!t) throw new Unsupported("expression ends where an operand was expected");
    if (t.kind === "literal") return { kind: "literal", value: t.value };
    if (t.kind !== "ident") throw new Unsupported(`unexpected "${t.value}"`);
    if (!roots.includes(t.value)) throw new Unsupported(`unknown variable "${t.value}" (allowed: ${roots.join(", ")})`);
    const keys: string[] = [];
    for (;;) {
      const n = peek();
      if (n?.kind === "op" && n.value === ".") {
        take();
        const k = take();
        if (k?.kind !== "ident") throw new Unsupported("expected a field name after \".\"");
        keys.push(k.value);
        continue;
      }
      if (n?.kind === "op" && n.value === "[") {
        take();
        const k = take();
        const close = take();
        if (k?.kind !== "literal" || typeof k.value !== "string" || close?.kind !== "op" || close.value !== "]") {
          throw new Unsupported("only ['string'] indexing is supported");
        }
        keys.push(k.value);
        continue;
      }
      break;
    }
    return { kind: "path", root: t.value, keys };
  };

  const clause = (): Clause => {
    const left = operand();
    const op = take();
    if (op?.kind !== "op" || (op.value !== "==" && op.value !== "!=")) {
      throw new Unsupported(`expected "==" or "!=" after an operand${op ? `, found "${String(op.value)}"` : ""}`);
    }
    const right = operand();
    return { left, op: op.value, right };
  };

  const clauses = [clause()];
  while (pos < tokens.length) {
    const t = take();
    if (t?.kind !== "op" || t.value !== "&&") throw new Unsupported(`unexpected "${String(t?.value)}"`);
    clauses.push(clause());
  }
  return clauses;
}

const MISSING = Symbol("missing");

function resolve(operand: Operand, vars: Record<string, unknown>): unknown {
  if (operand.kind === "literal") return operand.value;
  let value: unknown = Object.hasOwn(vars, operand.root) ? vars[operand.root] : MISSING;
  for (const key of operand.keys) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, key)) return MISSING;
    value = (value as Record<string, unknown>)[key];
  }
  return value === undefined ? MISSING : value;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Compiles `source` within the subset above.
 * @param roots the variables the expression may reference (triggers: `["event"]`).
 * @returns `{ ok: false, reason }` for anything outside the subset; never throws.
 */
export function compileExpression(source: string, roots: readonly string[] = ["event"]): CompileResult {
  let clauses: Clause[];
  try {
    const tokens = tokenize(source);
    if (tokens.length === 0) return { ok: false, reason: "empty expression" };
    clauses = parse(tokens, roots);
  } catch (err) {
    if (err instanceof Unsupported) return { ok: false, reason: err.message };
    throw err;
  }
  return {
    ok: true,
    expression: {
      source,
      evaluate(vars) {
        return clauses.every(({ left, op, right }) => {
          const l = resolve(left, vars);
          const r = resolve(right, vars);
          if (l === MISSING || r === MISSING) return false;
          return op === "==" ? equal(l, r) : !equal(l, r);
        });
      },
    },
  };
}

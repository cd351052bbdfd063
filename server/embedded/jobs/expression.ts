/**
 * A deliberately small subset of CEL (Common Expression Language, SDK_SPEC.md §1.3.1), for trigger `if`s,
 * `step.waitForEvent` and `cancelOn` `if`s (roots `event` and `async`), and the value expressions of
 * concurrency and idempotency keys:
 *
 *   expr    := and ( "||" and )*
 *   and     := cmp ( "&&" cmp )*
 *   cmp     := sum ( ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) sum )?
 *   sum     := primary ( "+" primary )*
 *   primary := path | 'string' | "string" | number | true | false | null | "(" expr ")"
 *   path    := root ( "." ident | "[" string "]" )*      root ∈ allowed roots (e.g. `event`, `async`)
 *
 * Anything else (!, -, *, functions, macros, `in`, ternaries, numeric indexing, …) does not compile, and the
 * executor refuses it naming the expression (refuse, never half-implement: docs/protocols.md).
 *
 * Evaluation follows CEL's error rules: a missing field is an error; `<`/`>`/`+` on mismatched types are
 * errors; `a || b` is true if either side is true, `a && b` is false if either side is false, whatever the
 * other side; otherwise an error propagates. An expression matches only when it evaluates to `true` (an
 * erroring expression does not match). `==`/`!=` compare JSON values structurally; different types are
 * unequal. `+` adds two numbers or concatenates two strings.
 */
import { canonicalJson } from "./signature";

type Literal = string | number | boolean | null;
type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";
type Token =
  | { kind: "op"; value: "&&" | "||" | CompareOp | "+" | "." | "[" | "]" | "(" | ")" }
  | { kind: "ident"; value: string }
  | { kind: "literal"; value: Literal };

type Node =
  | { kind: "literal"; value: Literal }
  | { kind: "path"; root: string; keys: string[] }
  | { kind: "sum"; left: Node; right: Node }
  | { kind: "compare"; op: CompareOp; left: Node; right: Node }
  | { kind: "and" | "or"; left: Node; right: Node };

/** A compiled boolean expression: `evaluate` takes the root variables (e.g. `{ event, async }`). */
export interface CompiledExpression {
  source: string;
  /** True only when the expression evaluates to `true`; never throws. */
  evaluate(vars: Record<string, unknown>): boolean;
}

/** A compiled value expression (a concurrency or idempotency key). */
export interface CompiledValueExpression {
  source: string;
  /** The value, or `{ ok: false }` when evaluation errors (e.g. a missing field); never throws. */
  evaluate(vars: Record<string, unknown>): { ok: true; value: unknown } | { ok: false };
}

/** Result of {@link compileExpression}: the compiled form, or why the expression is outside the subset. */
export type CompileResult = { ok: true; expression: CompiledExpression } | { ok: false; reason: string };

/** Result of {@link compileValueExpression}. */
export type CompileValueResult = { ok: true; expression: CompiledValueExpression } | { ok: false; reason: string };

class Unsupported extends Error {}

const TWO_CHAR_OPS = new Set(["&&", "||", "==", "!=", "<=", ">="]);
const ONE_CHAR_OPS = new Set(["<", ">", "+", ".", "[", "]", "(", ")"]);

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
    if (TWO_CHAR_OPS.has(two)) {
      tokens.push({ kind: "op", value: two as Extract<Token, { kind: "op" }>["value"] });
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.has(c)) {
      tokens.push({ kind: "op", value: c as Extract<Token, { kind: "op" }>["value"] });
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

function parse(tokens: Token[], roots: readonly string[]): Node {
  let pos = 0;
  const peek = () => tokens[pos];
  const take = () => tokens[pos++];
  const isOp = (t: Token | undefined, ...values: string[]) => t?.kind === "op" && values.includes(t.value);

  const primary = (): Node => {
    const t = take();
    if (!t) throw new Unsupported("expression ends where an operand was expected");
    if (t.kind === "literal") return { kind: "literal", value: t.value };
    if (isOp(t, "(")) {
      const inner = or();
      if (!isOp(take(), ")")) throw new Unsupported('expected ")"');
      return inner;
    }
    if (t.kind !== "ident") throw new Unsupported(`unexpected "${t.value}"`);
    if (!roots.includes(t.value)) throw new Unsupported(`unknown variable "${t.value}" (allowed: ${roots.join(", ")})`);
    if (isOp(peek(), "(")) throw new Unsupported(`function calls ("${t.value}(…)") are not supported`);
    const keys: string[] = [];
    for (;;) {
      const n = peek();
      if (isOp(n, ".")) {
        take();
        const k = take();
        if (k?.kind !== "ident") throw new Unsupported('expected a field name after "."');
        if (isOp(peek(), "(")) throw new Unsupported(`method calls (".${k.value}(…)") are not supported`);
        keys.push(k.value);
        continue;
      }
      if (isOp(n, "[")) {
        take();
        const k = take();
        const close = take();
        if (k?.kind !== "literal" || typeof k.value !== "string" || !isOp(close, "]")) {
          throw new Unsupported("only ['string'] indexing is supported");
        }
        keys.push(k.value);
        continue;
      }
      break;
    }
    return { kind: "path", root: t.value, keys };
  };

  const sum = (): Node => {
    let left = primary();
    while (isOp(peek(), "+")) {
      take();
      left = { kind: "sum", left, right: primary() };
    }
    return left;
  };

  const cmp = (): Node => {
    const left = sum();
    const t = peek();
    if (t?.kind === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(t.value)) {
      take();
      return { kind: "compare", op: t.value as CompareOp, left, right: sum() };
    }
    return left;
  };

  const and = (): Node => {
    let left = cmp();
    while (isOp(peek(), "&&")) {
      take();
      left = { kind: "and", left, right: cmp() };
    }
    return left;
  };

  function or(): Node {
    let left = and();
    while (isOp(peek(), "||")) {
      take();
      left = { kind: "or", left, right: and() };
    }
    return left;
  }

  const root = or();
  if (pos < tokens.length) throw new Unsupported(`unexpected "${String(tokens[pos]?.value)}"`);
  return root;
}

/** CEL evaluation error (missing field, no such overload). */
const ERROR = Symbol("error");

function resolvePath(node: Extract<Node, { kind: "path" }>, vars: Record<string, unknown>): unknown {
  let value: unknown = Object.hasOwn(vars, node.root) ? vars[node.root] : ERROR;
  for (const key of node.keys) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, key)) return ERROR;
    value = (value as Record<string, unknown>)[key];
  }
  return value === undefined ? ERROR : value;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  return canonicalJson(a) === canonicalJson(b);
}

function evaluateNode(node: Node, vars: Record<string, unknown>): unknown {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "path":
      return resolvePath(node, vars);
    case "sum": {
      const l = evaluateNode(node.left, vars);
      const r = evaluateNode(node.right, vars);
      if (typeof l === "number" && typeof r === "number") return l + r;
      if (typeof l === "string" && typeof r === "string") return l + r;
      return ERROR;
    }
    case "compare": {
      const l = evaluateNode(node.left, vars);
      const r = evaluateNode(node.right, vars);
      if (l === ERROR || r === ERROR) return ERROR;
      if (node.op === "==") return equal(l, r);
      if (node.op === "!=") return !equal(l, r);
      const ordered = (typeof l === "number" && typeof r === "number") || (typeof l === "string" && typeof r === "string");
      if (!ordered) return ERROR;
      const [a, b] = [l as number | string, r as number | string];
      return node.op === "<" ? a < b : node.op === "<=" ? a <= b : node.op === ">" ? a > b : a >= b;
    }
    case "and":
    case "or": {
      const l = evaluateNode(node.left, vars);
      const r = evaluateNode(node.right, vars);
      const decisive = node.kind === "and" ? false : true;
      if (l === decisive || r === decisive) return decisive;
      if (typeof l === "boolean" && typeof r === "boolean") return !decisive;
      return ERROR;
    }
  }
}

function compile(source: string, roots: readonly string[]): { ok: true; node: Node } | { ok: false; reason: string } {
  try {
    const tokens = tokenize(source);
    if (tokens.length === 0) return { ok: false, reason: "empty expression" };
    return { ok: true, node: parse(tokens, roots) };
  } catch (err) {
    if (err instanceof Unsupported) return { ok: false, reason: err.message };
    throw err;
  }
}

/**
 * Compiles a boolean expression within the subset above.
 * @param roots the variables the expression may reference (triggers: `["event"]`; waitForEvent and
 * cancelOn: `["event", "async"]`).
 * @returns `{ ok: false, reason }` for anything outside the subset; never throws.
 */
export function compileExpression(source: string, roots: readonly string[] = ["event"]): CompileResult {
  const compiled = compile(source, roots);
  if (!compiled.ok) return compiled;
  const { node } = compiled;
  return { ok: true, expression: { source, evaluate: (vars) => evaluateNode(node, vars) === true } };
}

/**
 * Compiles a value expression (a concurrency or idempotency key, e.g. `event.data.userId` or
 * `event.data.a + "-" + event.data.b`) within the subset above.
 * @param roots the variables the expression may reference (`["event"]` for keys).
 * @returns `{ ok: false, reason }` for anything outside the subset; never throws.
 */
export function compileValueExpression(source: string, roots: readonly string[] = ["event"]): CompileValueResult {
  const compiled = compile(source, roots);
  if (!compiled.ok) return compiled;
  const { node } = compiled;
  return {
    ok: true,
    expression: {
      source,
      evaluate(vars) {
        const value = evaluateNode(node, vars);
        return value === ERROR ? { ok: false } : { ok: true, value };
      },
    },
  };
}

/**
 * Server error messages in every language (./i18n-errors.ts). A guard over the source: every fixed message the
 * server can send a tRPC client — `new AppError(code, "…")` and its field details anywhere under server/,
 * `new TRPCError({ message: "…" })`, `notFound("X")`, and zod's custom messages in the schemas tRPC uses — has
 * an Afrikaans and an isiZulu translation in messages/<locale>/server-errors.json; no entry is left once its
 * message is gone from the source; and a translation keeps the English one's quotes, numbers and code-like
 * words. The source is read with the TypeScript parser (not a regular expression), so a message split over
 * lines, chosen with `?:` or `??`, or handed to a helper such as `refuse("…")` is still found. A message built
 * with `${…}` is required as a pattern: `${business.name}` becomes `{name}` (see {@link placeholderName}).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { LOCALES } from "@/lib/i18n";
import { z } from "zod";
import { issueMessage, SERVER_ERROR_CATALOGS, translateDetails, translateServerMessage } from "./i18n-errors";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Files whose zod messages are for developers or operators, never a tRPC client (REST /api/v1, config, internals). */
const ZOD_ENGLISH_ONLY = [
  "server/env.ts",
  "server/oidc-env.ts",
  "server/embedded/",
  "server/services/api/events.ts",
  "server/services/api/contract.ts",
  "server/services/api/notifications.ts",
  "server/services/api/preferences.ts",
  "server/services/api/openapi.ts",
  "server/services/email/render.ts",
  "server/services/push/fcm.ts",
  "server/services/push/native-devices.ts",
];
/** zod checks whose message is the second argument (`.min(1, "…")`, `.refine(fn, "…")`). */
const ZOD_MESSAGE_SECOND = new Set(["min", "max", "length", "gt", "gte", "lt", "lte", "regex", "refine", "startsWith", "endsWith", "includes", "multipleOf"]);
/** zod checks whose message is the first argument (`.email("…")`, `z.uuid("…")`). */
const ZOD_MESSAGE_FIRST = new Set(["email", "url", "httpUrl", "uuid", "guid", "nonempty", "int", "positive", "nonnegative", "negative", "nonpositive", "finite", "datetime", "date", "time", "e164"]);
/** zod calls that take an options object with `message` / `error`. */
const ZOD_OPTIONS = new Set([...ZOD_MESSAGE_SECOND, ...ZOD_MESSAGE_FIRST, "addIssue", "enum", "string", "number", "boolean", "object", "strictObject", "array", "literal", "union", "record"]);

/** `fixed`: message or pattern → where it is sent; `unnamed`: messages that cannot become a pattern. */
type Scan = { fixed: Map<string, string[]>; unnamed: string[] };

/** Methods that only format a value (`status.toLowerCase()`, `CHANNELS.join(", ")`): the placeholder is named after the value. */
const FORMATTING = new Set(["toLowerCase", "toUpperCase", "toISOString", "toLocaleString", "toString", "toFixed", "join", "replace"]);

/**
 * The placeholder a `${…}` becomes: an identifier or a property's name (`${business.name}` → `name`), after
 * formatting methods and `!`; a plain function's call is named after its first argument (`${waitWords(wait)}` →
 * `wait`). Null for anything else (a `?:`, arithmetic): such a message has to be written another way.
 */
function placeholderName(e: ts.Expression): string | null {
  let x: ts.Expression = e;
  for (;;) {
    if (ts.isNonNullExpression(x) || ts.isParenthesizedExpression(x)) x = x.expression;
    else if (ts.isCallExpression(x) && ts.isPropertyAccessExpression(x.expression) && FORMATTING.has(x.expression.name.text)) x = x.expression.expression;
    else if (ts.isCallExpression(x) && ts.isIdentifier(x.expression) && x.arguments[0]) x = x.arguments[0];
    else break;
  }
  return ts.isIdentifier(x) ? x.text : ts.isPropertyAccessExpression(x) ? x.name.text : null;
}

/** A template literal as the pattern the catalogs hold (`You already follow {name}`), or null when a placeholder has no name. */
function patternOf(e: ts.TemplateExpression): string | null {
  let out = e.head.text;
  const names = new Set<string>();
  for (const span of e.templateSpans) {
    const name = placeholderName(span.expression);
    if (!name || names.has(name)) return null;
    names.add(name);
    out += `{${name}}${span.literal.text}`;
  }
  return out;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "generated") sourceFiles(p, out);
    } else if (p.endsWith(".ts") && !p.endsWith(".test.ts") && !p.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

const isText = (n: ts.Node): n is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral => ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n);

/** The function a parameter named `name` belongs to, seen from `from`, as [function name, parameter index]. */
function parameterOf(from: ts.Node, name: string): [string, number] | null {
  for (let n: ts.Node | undefined = from.parent; n; n = n.parent) {
    if (ts.isFunctionDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isMethodDeclaration(n)) {
      const i = n.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === name);
      if (i < 0) continue;
      const fn = ts.isFunctionDeclaration(n) ? n.name?.text : ts.isVariableDeclaration(n.parent) && ts.isIdentifier(n.parent.name) ? n.parent.name.text : undefined;
      return fn ? [fn, i] : null;
    }
  }
  return null;
}

/** The initializer of the `const name = …` in scope at `from`. */
function constOf(from: ts.Node, name: string): ts.Expression | null {
  for (let n: ts.Node | undefined = from.parent; n; n = n.parent) {
    if (ts.isBlock(n) || ts.isSourceFile(n) || ts.isCaseClause(n) || ts.isDefaultClause(n)) {
      for (const s of n.statements) {
        if (!ts.isVariableStatement(s)) continue;
        for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) return d.initializer;
      }
    }
  }
  return null;
}

/** `"a" + b` or `` `a ${b}` + "c" ``: a message put together from parts. */
function isConcatenation(e: ts.Expression): boolean {
  if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.PlusToken) return false;
  const text = (x: ts.Expression): boolean => isText(x) || ts.isTemplateExpression(x) || isConcatenation(x);
  return text(e.left) || text(e.right);
}

/** The function declared as `function name` at the top level of `src`. */
function functionOf(src: ts.SourceFile, name: string): ts.FunctionDeclaration | undefined {
  return src.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name && !!s.body);
}

/** The expressions `fn` returns (not those of functions nested in it). */
function returnsOf(fn: ts.FunctionDeclaration): ts.Expression[] {
  const out: ts.Expression[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isReturnStatement(n) && n.expression) out.push(n.expression);
    else if (!ts.isFunctionLike(n)) ts.forEachChild(n, visit);
  };
  ts.forEachChild(fn.body!, visit);
  return out;
}

/**
 * The messages of every error the server words for a tRPC client, found in the syntax of server/**.ts:
 * `new AppError(code, message, { field: [message] })`, `new TRPCError({ message })`, `notFound("X")`
 * ("X not found"), and zod's custom messages (outside {@link ZOD_ENGLISH_ONLY}). A message is followed through
 * `a ? "x" : "y"`, `a ?? "x"`, `{ k: "x" }[key]`, a `const` in scope, what a function of the same file returns, and a parameter of a function in the same
 * file (`refuse("…")`, `invalid("…", reason)`). Template literals with `${…}` are counted in `templates`.
 */
function scanServer(root: string): Scan {
  const fixed = new Map<string, string[]>();
  const unnamed: string[] = [];
  for (const file of sourceFiles(path.join(root, "server"))) {
    const rel = path.relative(root, file).split(path.sep).join("/");
    const src = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const where = (n: ts.Node) => `${rel}:${src.getLineAndCharacterOfPosition(n.getStart(src)).line + 1}`;
    const calls: ts.CallExpression[] = [];
    const all = (n: ts.Node) => {
      if (ts.isCallExpression(n)) calls.push(n);
      ts.forEachChild(n, all);
    };
    all(src);
    const found = (e: ts.Expression, depth = 0): void => {
      if (depth > 6) return;
      if (isText(e)) {
        if (e.text.trim()) fixed.set(e.text, [...(fixed.get(e.text) ?? []), where(e)]);
      } else if (ts.isTemplateExpression(e) && rel === "server/services/errors.ts" && e.getText(src) === "`${what} not found`") {
        // notFound("X"): its messages are collected at the calls, below
      } else if (ts.isTemplateExpression(e) && patternOf(e)) {
        const pattern = patternOf(e)!;
        fixed.set(pattern, [...(fixed.get(pattern) ?? []), where(e)]);
      } else if (ts.isTemplateExpression(e) || isConcatenation(e)) {
        unnamed.push(`${where(e)} ${e.getText(src)}`);
      } else if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) {
        found(e.expression, depth + 1);
      } else if (ts.isConditionalExpression(e)) {
        found(e.whenTrue, depth + 1);
        found(e.whenFalse, depth + 1);
      } else if (ts.isBinaryExpression(e) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(e.operatorToken.kind)) {
        found(e.left, depth + 1);
        found(e.right, depth + 1);
      } else if (ts.isElementAccessExpression(e) && (ts.isObjectLiteralExpression(e.expression) || ts.isIdentifier(e.expression))) {
        const map = ts.isIdentifier(e.expression) ? constOf(e, e.expression.text) : e.expression;
        if (map && ts.isObjectLiteralExpression(map)) for (const p of map.properties) if (ts.isPropertyAssignment(p)) found(p.initializer, depth + 1);
      } else if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) {
        const fn = functionOf(src, e.expression.text);
        if (fn) returnsOf(fn).forEach((r) => found(r, depth + 1));
      } else if (ts.isIdentifier(e)) {
        const param = parameterOf(e, e.text);
        if (param) {
          for (const c of calls) if (ts.isIdentifier(c.expression) && c.expression.text === param[0] && c.arguments[param[1]]) found(c.arguments[param[1]]!, depth + 1);
        } else {
          const init = constOf(e, e.text);
          if (init) found(init, depth + 1);
        }
      }
    };
    const options = (o: ts.Expression | undefined) => {
      if (o && ts.isObjectLiteralExpression(o)) {
        for (const p of o.properties) if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && (p.name.text === "message" || p.name.text === "error")) found(p.initializer);
      }
    };
    const zod = !ZOD_ENGLISH_ONLY.some((x) => (x.endsWith("/") ? rel.startsWith(x) : rel === x));
    const visit = (n: ts.Node) => {
      if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "AppError") {
        const [, message, details] = n.arguments ?? [];
        if (message) found(message);
        if (details && ts.isObjectLiteralExpression(details)) {
          for (const p of details.properties) if (ts.isPropertyAssignment(p) && ts.isArrayLiteralExpression(p.initializer)) p.initializer.elements.forEach((x) => found(x));
        }
      } else if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "TRPCError") {
        options(n.arguments?.[0]);
      } else if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "notFound" && n.arguments[0] && isText(n.arguments[0])) {
        const message = `${n.arguments[0].text} not found`;
        fixed.set(message, [...(fixed.get(message) ?? []), where(n)]);
      } else if (zod && ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
        const method = n.expression.name.text;
        const [first, second] = n.arguments;
        const message = ZOD_MESSAGE_SECOND.has(method) ? second : ZOD_MESSAGE_FIRST.has(method) ? first : undefined;
        if (message && !ts.isObjectLiteralExpression(message)) found(message);
        if (ZOD_OPTIONS.has(method)) n.arguments.forEach(options);
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return { fixed, unnamed };
}

/** Messages the scan cannot see as such, each with the file that sends it. */
const EXTRA: Record<string, string> = {
  "Something went wrong on our side": "server/trpc/init.ts", // the errorFormatter's answer to an unexpected error
  "Check the form": "server/trpc/init.ts", // its message for an input error without a message
  "Unknown field": "server/services/api/contract.ts", // fieldErrors' word for an unknown key, worded for the form endpoints
};

const LANGUAGES = LOCALES.filter((l) => l !== "en");
const scan = scanServer(ROOT);

/** The “…” parts of a message (labels of the UI, translated along with it: only their number must match). */
const quoted = (s: string) => s.match(/“[^”]*”/g) ?? [];
/**
 * Words a translation must keep as they are: URLs, addresses, formats, identifiers (IN_APP, cus_…) and codes in
 * capitals of four letters or more (ADMIN, JSON). Shorter abbreviations are words of the language: NGO is NRO in
 * Afrikaans.
 */
const codeWords = (s: string) => (s.match(/https?:\/\/[^\s,)]*|[\w.+-]+@[\w-]+\.[\w.]+|\b[A-Z][A-Z0-9_]{3,}\b|\b\w+_\w+\b|YYYY-MM-DD|HH:MM/g) ?? []).sort();
/** The numbers of a message, in any order and with any grouping ("20,000" and "20 000" are both 20 and 000). */
const numbers = (s: string) => (s.match(/\d+/g) ?? []).sort();
/** The items of `want` (with repeats) that `have` lacks. */
function missingFrom(want: string[], have: string[]): string[] {
  const left = [...have];
  return want.filter((w) => {
    const i = left.indexOf(w);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

describe("server error messages", () => {
  it("are found in the source: a known sample of each kind", () => {
    const found = (m: string) => expect({ m, found: scan.fixed.has(m) }).toEqual({ m, found: true });
    found("Give the campaign a name"); // zod .min(1, "…")
    found("Not a campaign id."); // z.uuid({ error: "…" })
    found("Required with an email subject"); // ctx.addIssue({ message: "…" })
    found("Campaign not found"); // new AppError(code, "…")
    found("Not a date on the calendar"); // its details
    found("The URL must start with https://"); // refuse("…") → new AppError(code, why, { url: [why] })
    found("That code is not right, and it no longer works. Send a new code."); // const message = a ? `…` : "…"
    found("This link has expired."); // { used: "…", expired: "…" }[status]
    found("endpoint must be on a browser's public push service"); // addIssue({ message: problem }), problem = f(v)
    found("Account not found"); // notFound("Account")
    found("Sign in to continue"); // new TRPCError({ message: "…" })
    found("You already follow {name}"); // `…${business.name}`
    found("That code is not right. {left} tries left."); // a ? `…${left}…` : "…"
    found("The pickup is already cancelled"); // alreadyMessage(status): { …: "…" }[status]
    found("That looks like a landline number. Enter a mobile number."); // NOT_MOBILE[type] ?? "…", a const map
    found("You asked for {MAX_CODES_PER_HOUR} codes in the last hour. Try again in {wait}."); // ${waitWords(wait)}
    expect(scan.fixed.has("must be a postgresql:// URL")).toBe(false); // server/env.ts: operators' configuration
    expect(scan.fixed.has("Send exactly one of price and price_cents")).toBe(false); // REST /api/v1 stays English
    expect(scan.fixed.size).toBeGreaterThan(150);
  });

  it("catch what they should in a sample file (so a passing guard means something)", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "herald-errors-"));
    try {
      fs.mkdirSync(path.join(root, "server", "services"), { recursive: true });
      fs.writeFileSync(
        path.join(root, "server", "services", "sample.ts"),
        `const schema = z.object({ a: z.string().min(1, "Alpha").max(9, { message: "Beta" }), b: z.uuid({ error: "Gamma" }) })
           .superRefine((v, ctx) => ctx.addIssue({ code: "custom", message: "Delta" }));
         const bad = (why: string) => new AppError("VALIDATION_ERROR", why, { field: [why, "Epsilon"] });
         function f(n: number) {
           if (n > 1) throw bad("Zeta");
           const message = n ? \`\${n} left\` : "Eta";
           if (n < 0) throw new AppError("CONFLICT", \`\${n + 1} over\`);
           throw new AppError("CONFLICT", message);
         }
         const ignored = ["Theta", "x".startsWith("Iota")];
         throw notFound("Kappa");`,
      );
      const sample = scanServer(root);
      expect([...sample.fixed.keys()].sort()).toEqual(["Alpha", "Beta", "Delta", "Epsilon", "Eta", "Gamma", "Kappa not found", "Zeta", "{n} left"]);
      expect(sample.unnamed).toEqual(["server/services/sample.ts:7 `${n + 1} over`"]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("each have an Afrikaans and an isiZulu translation", () => {
    const messages = [...scan.fixed.keys(), ...Object.keys(EXTRA)];
    for (const locale of LANGUAGES) {
      const missing = messages.filter((m) => !(SERVER_ERROR_CATALOGS[locale][m] ?? "").trim()).map((m) => `${m} (${scan.fixed.get(m)?.[0] ?? EXTRA[m]})`);
      expect({ locale, missing }).toEqual({ locale, missing: [] });
    }
  });

  it("have no stale translations: every entry is a message the server still sends", () => {
    for (const [message, file] of Object.entries(EXTRA)) expect(fs.readFileSync(path.join(ROOT, file), "utf8")).toContain(JSON.stringify(message));
    for (const locale of LANGUAGES) {
      const stale = Object.keys(SERVER_ERROR_CATALOGS[locale]).filter((m) => !scan.fixed.has(m) && !(m in EXTRA));
      expect({ locale, stale }).toEqual({ locale, stale: [] });
    }
    expect(Object.keys(SERVER_ERROR_CATALOGS.af).sort()).toEqual(Object.keys(SERVER_ERROR_CATALOGS.zu).sort());
  });

  it("keep the English quotes, numbers and code-like words in every translation", () => {
    for (const locale of LANGUAGES) {
      for (const [en, tr] of Object.entries(SERVER_ERROR_CATALOGS[locale])) {
        // A translation may add some ("ama-SMS" for "texts", "0" for "negative"), never lose or change one.
        // isiZulu prefixes such words ("i-IN_APP", "no-name@example.com"): they must occur, not stand alone.
        const lost = [...codeWords(en).filter((w) => !tr.includes(w)), ...missingFrom(numbers(en), numbers(tr))];
        expect({ locale, en, quotes: quoted(tr).length, lost, untranslated: tr === en }).toEqual({ locale, en, quotes: quoted(en).length, lost: [], untranslated: false });
      }
    }
  });

  it("built with ${…} each become a pattern whose placeholders have names, kept by every translation", () => {
    expect(scan.unnamed).toEqual([]);
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const locale of LANGUAGES) {
      for (const [en, tr] of Object.entries(SERVER_ERROR_CATALOGS[locale])) expect({ locale, en, names: names(tr) }).toEqual({ locale, en, names: names(en) });
    }
    expect([...scan.fixed.keys()].filter((m) => /\{\w+\}/.test(m)).length).toBeGreaterThan(30);
  });
});

describe("translateServerMessage and translateDetails", () => {
  it("translate exact messages, and leave English, unknown messages and codes alone", () => {
    expect(translateServerMessage("Give the campaign a name", "af")).toBe("Gee die veldtog ’n naam");
    expect(translateServerMessage("Give the campaign a name", "zu")).toBe("Nika umkhankaso igama");
    expect(translateServerMessage("Give the campaign a name", "en")).toBe("Give the campaign a name");
    expect(translateServerMessage("You already follow Bread & Co", "en")).toBe("You already follow Bread & Co");
    expect(translateServerMessage("Bread & Co is new here", "af")).toBe("Bread & Co is new here"); // no such message
    expect(translateServerMessage("give the campaign a name", "af")).toBe("give the campaign a name");
    expect(translateServerMessage("constructor", "af")).toBe("constructor"); // own keys only
  });

  it("fill a pattern's translation with the values of the message, a wait in the reader's language", () => {
    expect(translateServerMessage("You already follow Bread & Co", "af")).toBe(SERVER_ERROR_CATALOGS.af["You already follow {name}"]!.replace("{name}", "Bread & Co"));
    expect(translateServerMessage("You already follow {odd} $& names", "zu")).toBe(SERVER_ERROR_CATALOGS.zu["You already follow {name}"]!.replace("{name}", () => "{odd} $& names"));
    const wait = SERVER_ERROR_CATALOGS.af["A code was just sent. You can ask for another in {wait}."]!;
    expect(translateServerMessage("A code was just sent. You can ask for another in 1 minute.", "af")).toBe(wait.replace("{wait}", "1 minuut"));
    expect(translateServerMessage("A code was just sent. You can ask for another in 45 seconds.", "af")).toBe(wait.replace("{wait}", "45 sekondes"));
    expect(translateServerMessage("Too many changes in a short time. Try again in 7 seconds.", "zu")).not.toContain("Too many");
    // The more literal pattern wins: "Invalid {what}: text must not…" over "Invalid {what}".
    expect(translateServerMessage("Invalid body: text must not contain NUL characters or unpaired surrogates", "af")).toBe(
      SERVER_ERROR_CATALOGS.af["Invalid {what}: text must not contain NUL characters or unpaired surrogates"]!.replace("{what}", "body"),
    );
  });

  it("translate every message of every field, and nothing else", () => {
    const details = { name: ["Give the campaign a name", "At most 120 characters"], code: ["wrong code"], reason: "wrong_code", attemptsLeft: 2, other: undefined };
    expect(translateDetails(details, "af")).toEqual({
      name: ["Gee die veldtog ’n naam", "Hoogstens 120 karakters"],
      code: ["verkeerde kode"],
      reason: "wrong_code",
      attemptsLeft: 2,
      other: undefined,
    });
    expect(details.name[0]).toBe("Give the campaign a name"); // a copy, the original unchanged
    expect(translateDetails(details, "en")).toEqual(details);
    expect(translateDetails(null, "zu")).toBeNull();
    expect(translateDetails(undefined, "zu")).toBeUndefined();
  });
});

describe("issueMessage", () => {
  const schema = z.strictObject({
    name: z.string().min(3),
    note: z.string().max(1),
    kind: z.enum(["pickup", "delivery"]),
    email: z.email(),
    id: z.uuid(),
    count: z.number().int().max(10),
    share: z.number().gt(0),
    tags: z.array(z.string()).min(2),
    required: z.string(),
    title: z.string().min(1, "Give the campaign a name"),
    wait: z.string().refine(() => false, "A code was just sent. You can ask for another in 2 minutes."),
  });
  const input = { name: "ab", note: "xy", kind: "post", email: "nope", id: "x", count: 11, share: 0, tags: ["a"], title: "", wait: "", extra: 1 };
  const messages = (locale: "en" | "af" | "zu") => Object.fromEntries(schema.safeParse(input).error!.issues.map((i) => [i.path.join(".") || i.code, issueMessage(i, locale)]));

  it("words zod's own checks from the issue, in every language, English included", () => {
    expect(messages("en")).toEqual({
      name: "At least 3 characters",
      note: "At most 1 character",
      kind: "Choose one of: pickup, delivery",
      email: "Enter an email address like name@example.com",
      id: "Not a valid id",
      count: "At most 10",
      share: "More than 0",
      tags: "Choose at least 2 items",
      required: "Required",
      title: "Give the campaign a name",
      wait: "A code was just sent. You can ask for another in 2 minutes.",
      unrecognized_keys: "Unknown field: extra",
    });
    const af = messages("af");
    expect([af.name, af.note, af.required, af.count, af.unrecognized_keys]).toEqual(["Minstens 3 karakters", "Hoogstens 1 karakter", "Verpligtend", "Hoogstens 10", "Onbekende veld: extra"]);
    expect(messages("zu").name).toBe("Okungenani izinhlamvu ezingu-3");
  });

  it("translates Herald's own messages, fixed or patterns, instead of rewording them", () => {
    const af = messages("af");
    expect(af.title).toBe("Gee die veldtog ’n naam");
    expect(af.wait).toBe(SERVER_ERROR_CATALOGS.af["A code was just sent. You can ask for another in {wait}."]!.replace("{wait}", "2 minute"));
  });
});

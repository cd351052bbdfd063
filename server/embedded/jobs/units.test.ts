/**
 * Unit tests of the executor's building blocks: signatures (JCS + HMAC), seeded event ids, the CEL subset,
 * the FakeClock and the default backoff.
 */
import { describe, expect, it } from "vitest";
import { FakeClock, sleepUntil } from "./clock";
import { defaultBackoff } from "./executor";
import { compileExpression, compileValueExpression } from "./expression";
import { canonicalJson, signRequestBody, signText, verify } from "./signature";
import { inlineParams, sqlLiteral } from "./storage";
import { encodeUlid, seededEventId } from "./ulid";

const KEY = "signkey-test-8f1c0ffee";

describe("signatures", () => {
  it("signs the canonical JSON, so key order does not matter, and strips the signkey prefix", () => {
    const now = 1_700_000_000_000;
    const header = signRequestBody('{"b":1,"a":[1,{"d":2,"c":3}]}', KEY, now);
    expect(header).toMatch(/^t=1700000000&s=[0-9a-f]{64}$/);
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(verify({ header, bodyText: '{"a":[1,{"c":3,"d":2}],"b":1}', signingKey: KEY, nowMs: now }).ok).toBe(true);
    // Same key material with another env prefix: same signature.
    expect(signRequestBody('{"a":1}', "signkey-prod-8f1c0ffee", now)).toBe(signRequestBody('{"a":1}', KEY, now));
  });

  it("verifies raw text signatures and refuses missing, malformed, expired and forged ones", () => {
    const now = 1_700_000_000_000;
    const text = '{"z":1, "a":2}';
    expect(verify({ header: signText(text, KEY, now), bodyText: text, signingKey: KEY, nowMs: now })).toEqual({ ok: true });
    expect(verify({ header: null, bodyText: text, signingKey: KEY, nowMs: now })).toMatchObject({ ok: false, reason: expect.stringContaining("no x-inngest-signature") });
    expect(verify({ header: "garbage", bodyText: text, signingKey: KEY, nowMs: now })).toMatchObject({ ok: false, reason: expect.stringContaining("malformed") });
    expect(verify({ header: signText(text, KEY, now), bodyText: text, signingKey: KEY, nowMs: now + 5 * 60_000 + 1_000 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("window"),
    });
    expect(verify({ header: signText(text, "signkey-test-other", now), bodyText: text, signingKey: KEY, nowMs: now })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("does not match"),
    });
    expect(verify({ header: signText(text, KEY, now), bodyText: '{"z":1,"a":3}', signingKey: KEY, nowMs: now }).ok).toBe(false);
  });
});

describe("event ids", () => {
  const entropy = Buffer.from("00112233445566778899", "hex");
  const seed = `1743130137367,${entropy.toString("base64")}`;

  it("derives Inngest's seeded ULIDs: time from the seed, index added to the last 4 entropy bytes", () => {
    const id0 = seededEventId(seed, 0);
    expect(id0).toBe(encodeUlid(1743130137367, entropy));
    expect(seededEventId(seed, 0)).toBe(id0);
    expect(seededEventId(seed, 1)).toBe(encodeUlid(1743130137367, Buffer.from("0011223344556677889a", "hex")));
    const wrap = `1,${Buffer.from("000000000000ffffffff", "hex").toString("base64")}`;
    expect(seededEventId(wrap, 1)).toBe(encodeUlid(1, Buffer.alloc(10)));
  });

  it("ignores malformed seeds", () => {
    for (const bad of [undefined, "", "abc", "1,2,3", "0,AAAAAAAAAAAAAA==", `1,${Buffer.alloc(9).toString("base64")}`]) {
      expect(seededEventId(bad, 0)).toBeUndefined();
    }
  });
});

describe("trigger expressions (CEL subset)", () => {
  it("evaluates ==, != and && over event fields and literals", () => {
    const compiled = compileExpression(`event.data.function_id == 'app-fn' && event.data.n != 3 && event.data["k"] == "v" && event.data.flag == true`);
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    const e = (data: Record<string, unknown>) => ({ event: { name: "x", data } });
    expect(compiled.expression.evaluate(e({ function_id: "app-fn", n: 2, k: "v", flag: true }))).toBe(true);
    expect(compiled.expression.evaluate(e({ function_id: "app-fn", n: 3, k: "v", flag: true }))).toBe(false);
    expect(compiled.expression.evaluate(e({ function_id: "other", n: 2, k: "v", flag: true }))).toBe(false);
    expect(compiled.expression.evaluate(e({ n: 2, k: "v", flag: true }))).toBe(false); // missing field: no match
  });

  it("evaluates <, <=, >, >=, ||, + and parentheses, with `async` where allowed", () => {
    const compiled = compileExpression(
      `(event.data.n > 3 && event.data.n <= 10) || async.data.force == true || event.data.a + "-" + event.data.b == "x-y" || async.data.m >= event.data.min && async.data.m < 100`,
      ["event", "async"],
    );
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    const v = (event: Record<string, unknown>, async: Record<string, unknown> = {}) => ({ event: { data: event }, async: { data: async } });
    expect(compiled.expression.evaluate(v({ n: 4 }))).toBe(true);
    expect(compiled.expression.evaluate(v({ n: 11 }))).toBe(false);
    expect(compiled.expression.evaluate(v({ n: 11 }, { force: true }))).toBe(true);
    expect(compiled.expression.evaluate(v({ a: "x", b: "y" }))).toBe(true);
    expect(compiled.expression.evaluate(v({ a: "x", b: 1 }))).toBe(false); // string + number: an error, no match
    expect(compiled.expression.evaluate(v({ min: 5 }, { m: 5 }))).toBe(true);
    expect(compiled.expression.evaluate(v({ min: 5 }, { m: 100 }))).toBe(false);
    expect(compiled.expression.evaluate(v({ min: 5 }, { m: "5" }))).toBe(false); // "5" >= 5: no overload, no match
    expect(compiled.expression.evaluate(v({}))).toBe(false); // every clause misses a field
    // CEL: `true || error` is true, `false && error` is false, `true && error` is an error (no match).
    const or = compileExpression("event.data.ok == true || event.data.missing == 1");
    const and = compileExpression("event.data.ok == true && event.data.missing == 1");
    expect(or.ok && or.expression.evaluate({ event: { data: { ok: true } } })).toBe(true);
    expect(and.ok && and.expression.evaluate({ event: { data: { ok: true } } })).toBe(false);
  });

  it("evaluates value expressions (concurrency and idempotency keys)", () => {
    const key = compileValueExpression(`event.data.user + ":" + event.data.day`);
    expect(key.ok).toBe(true);
    if (!key.ok) return;
    expect(key.expression.evaluate({ event: { data: { user: "u1", day: "mon" } } })).toEqual({ ok: true, value: "u1:mon" });
    expect(key.expression.evaluate({ event: { data: { user: "u1" } } })).toEqual({ ok: false });
    const n = compileValueExpression("event.data.n + 1");
    expect(n.ok && n.expression.evaluate({ event: { data: { n: 41 } } })).toEqual({ ok: true, value: 42 });
    expect(compileValueExpression(`"global"`).ok).toBe(true);
  });

  it("refuses everything outside the subset", () => {
    for (const src of [
      "!event.data.x",
      "size(event.data.list) == 1",
      "event.data.name.startsWith('a')",
      "async.data.id == event.data.id", // `async` is not a root of trigger expressions
      "event.data.a == 1 &&",
      "event.data.a - 1 == 2",
      "event.data.a ? 1 : 2",
      "event.data.list[0] == 1",
      "(event.data.a == 1",
      "",
    ]) {
      expect(compileExpression(src).ok, src).toBe(false);
    }
  });
});

describe("FakeClock", () => {
  it("fires due timers in time order, with now() at each timer's due time", () => {
    const clock = new FakeClock(1_000);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(["b", clock.now()]), 200);
    clock.setTimeout(() => fired.push(["a", clock.now()]), 100);
    const cancelled = clock.setTimeout(() => fired.push(["x", clock.now()]), 150);
    cancelled.cancel();
    clock.advance(150);
    expect(fired).toEqual([["a", 1_100]]);
    clock.set(5_000);
    expect(fired).toEqual([
      ["a", 1_100],
      ["b", 1_200],
    ]);
    expect(clock.now()).toBe(5_000);
    expect(() => clock.set(4_000)).toThrow(/does not go back/);
  });

  it("resolves sleepUntil when the clock reaches the time", async () => {
    const clock = new FakeClock(0);
    let done = false;
    const p = sleepUntil(clock, 60_000).then(() => (done = true));
    clock.advance(59_999);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await p;
    expect(done).toBe(true);
  });
});

describe("default backoff", () => {
  it("doubles per retry with equal jitter, capped at 1 h", () => {
    for (let i = 0; i < 50; i++) {
      const d1 = defaultBackoff(1);
      const d4 = defaultBackoff(4);
      expect(d1).toBeGreaterThanOrEqual(5_000);
      expect(d1).toBeLessThanOrEqual(10_000);
      expect(d4).toBeGreaterThanOrEqual(40_000);
      expect(d4).toBeLessThanOrEqual(80_000);
      expect(defaultBackoff(30)).toBeLessThanOrEqual(3_600_000);
    }
  });
});

describe("SQL literals (simple query protocol)", () => {
  it("escapes strings, renders numbers, booleans, null and text arrays", () => {
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqlLiteral("a\\b")).toBe(" E'a\\\\b'");
    expect(sqlLiteral(-5)).toBe("(-5)");
    expect(sqlLiteral(1_700_000_000_000)).toBe("1700000000000");
    expect(sqlLiteral(true)).toBe("TRUE");
    expect(sqlLiteral(null)).toBe("NULL");
    expect(sqlLiteral(["a", "b'c"])).toBe("ARRAY['a', 'b''c']::text[]");
    expect(() => sqlLiteral({})).toThrow(/unsupported/);
    expect(() => sqlLiteral(Number.NaN)).toThrow(/finite/);
  });

  it("inlines placeholders in one pass: a value containing $1 or quotes stays data", () => {
    expect(inlineParams("SELECT $1, $2, $10", ["$2'; DROP TABLE x; --", 7, 1, 2, 3, 4, 5, 6, 7, "ten"])).toBe(
      "SELECT '$2''; DROP TABLE x; --', 7, 'ten'",
    );
    expect(() => inlineParams("SELECT $2", ["only one"])).toThrow(/no parameter for \$2/);
  });
});

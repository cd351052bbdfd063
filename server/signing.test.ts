/** constantTimeEqual: byte equality of Buffers and strings, false (never a throw) on a length mismatch. */
import { createHmac, timingSafeEqual } from "node:crypto";
import { describe, expect, it } from "vitest";
import { constantTimeEqual } from "./signing";

const mac = (key: string, text: string) => createHmac("sha256", key).update(text).digest();

describe("constantTimeEqual", () => {
  it("is true for identical bytes and false when any byte differs", () => {
    expect(constantTimeEqual(mac("k", "a"), mac("k", "a"))).toBe(true);
    expect(constantTimeEqual(mac("k", "a"), mac("k", "b"))).toBe(false);
    // Only the last byte differs.
    expect(constantTimeEqual(Buffer.from("secret-value"), Buffer.from("secret-valuf"))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
  });

  it("compares strings as UTF-8, and a string equals a Buffer of its UTF-8 bytes", () => {
    expect(constantTimeEqual("token-abc", "token-abc")).toBe(true);
    expect(constantTimeEqual("token-abc", "token-abd")).toBe(false);
    expect(constantTimeEqual("é", Buffer.from([0xc3, 0xa9]))).toBe(true);
    expect(constantTimeEqual(Buffer.from("zażółć"), "zażółć")).toBe(true);
    // Same number of UTF-16 units, different UTF-8 lengths: unequal, not a throw.
    expect(constantTimeEqual("é", "e")).toBe(false);
  });

  it("returns false on a length mismatch where crypto.timingSafeEqual throws", () => {
    const short = Buffer.from("abc");
    const long = Buffer.from("abcd");
    expect(() => timingSafeEqual(short, long)).toThrow(RangeError);
    expect(constantTimeEqual(short, long)).toBe(false);
    expect(constantTimeEqual("abcd", "abc")).toBe(false);
    expect(constantTimeEqual("", "a")).toBe(false);
  });

  it("treats two empty inputs as equal", () => {
    expect(constantTimeEqual("", "")).toBe(true);
    expect(constantTimeEqual(Buffer.alloc(0), "")).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { parsePrice } from "./price";

describe("parsePrice (the listing composer's price field)", () => {
  it("reads rands with a dot or a comma, an optional R, and 0 as free", () => {
    expect(parsePrice("45")).toEqual({ cents: 4500 });
    expect(parsePrice(" 45.5 ")).toEqual({ cents: 4550 });
    expect(parsePrice("45,05")).toEqual({ cents: 4505 });
    expect(parsePrice("R 35,00")).toEqual({ cents: 3500 });
    expect(parsePrice("0")).toEqual({ cents: 0 });
    expect(parsePrice("100000")).toEqual({ cents: 10_000_000 });
  });

  it("says what is wrong instead of calling every mistake negative or an empty field free", () => {
    expect(parsePrice("")).toEqual({ error: "empty" });
    expect(parsePrice("abc")).toEqual({ error: "notNumber" });
    expect(parsePrice("4 5")).toEqual({ error: "notNumber" });
    expect(parsePrice("-3")).toEqual({ error: "negative" });
    expect(parsePrice("45.505")).toEqual({ error: "decimals" });
    expect(parsePrice("100000.01")).toEqual({ error: "tooHigh" });
    expect(parsePrice("1e3")).toEqual({ error: "notNumber" });
  });
});

/** Issue 12 "Request hygiene": the building blocks the tRPC route and the HTTP API share. */
import { describe, expect, it } from "vitest";
import { badTextDetails, BodyEncodingError, BodyTooLargeError, findBadText, readBodyBytes, readBodyText, stringProblem } from "./input-hygiene";
import { crossSiteVerdict } from "./request-origin";

describe("findBadText", () => {
  it("finds NUL and lone surrogates in values and keys, at any depth, with their paths", () => {
    expect(stringProblem("ok \ud83d\ude00")).toBeNull(); // a paired surrogate (emoji) is fine
    expect(stringProblem("a\u0000b")).toBe("nul");
    expect(stringProblem("\ud83d")).toBe("lone_surrogate");
    expect(stringProblem("\ude00x")).toBe("lone_surrogate");
    const found = findBadText({ title: "x\u0000", items: [{ name: "ok" }, { name: "\ud800" }], ["k\u0000"]: 1, n: 5, b: null });
    expect(found).toEqual([
      { path: "title", problem: "nul" },
      { path: "items.1.name", problem: "lone_surrogate" },
      { path: "k\ufffd", problem: "nul" },
    ]);
    expect(badTextDetails(found)).toEqual({ title: [expect.stringMatching(/NUL/)], "items.1.name": [expect.stringMatching(/surrogate/)], "k\ufffd": [expect.any(String)] });
    expect(badTextDetails(findBadText("\u0000"))).toEqual({ body: [expect.any(String)] });
    expect(findBadText({ a: "clean", b: ["also clean"] })).toEqual([]);
  });
});

describe("readBodyBytes", () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request("http://x/", { method: "POST", body, headers, duplex: "half" } as RequestInit);

  it("reads up to the limit and refuses one byte more, declared or not", async () => {
    expect((await readBodyBytes(post("x".repeat(10)), 10)).byteLength).toBe(10);
    await expect(readBodyBytes(post("x".repeat(11)), 10)).rejects.toBeInstanceOf(BodyTooLargeError);
    await expect(readBodyBytes(post("x", { "content-length": "11" }), 10)).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it("refuses bytes that are not UTF-8 instead of replacing them", async () => {
    await expect(readBodyText(post(new Uint8Array([0xc3, 0x28])), 10)).rejects.toBeInstanceOf(BodyEncodingError);
    expect(await readBodyText(post("héllo"), 10)).toBe("héllo");
  });
});

describe("crossSiteVerdict", () => {
  const APP = "https://herald.example.com";
  const req = (headers: Record<string, string>) => new Request(`${APP}/api/trpc/x`, { method: "POST", headers });
  it.each([
    [{ "sec-fetch-site": "same-origin" }, null],
    [{ "sec-fetch-site": "same-origin", origin: "https://elsewhere.example" }, null], // the browser's word wins
    [{ origin: APP }, null],
    [{ origin: APP.toUpperCase() }, null],
    [{ "content-type": "application/json" }, null],
    [{ "content-type": "application/json; charset=utf-8", "sec-fetch-site": "none" }, null],
    [{ "sec-fetch-site": "cross-site" }, "cross-site"],
    [{ "sec-fetch-site": "same-site", origin: "https://app.example.com" }, "cross-site"],
    [{ origin: "https://evil.example" }, "foreign-origin"],
    [{ origin: "null" }, "foreign-origin"],
    [{ origin: `${APP}.evil.example` }, "foreign-origin"],
    [{ "content-type": "text/plain" }, "not-json"],
    [{ "content-type": "application/x-www-form-urlencoded" }, "not-json"],
    [{}, "not-json"],
  ])("%j → %s", (headers, verdict) => {
    expect(crossSiteVerdict(req(headers), APP)).toBe(verdict);
  });
});

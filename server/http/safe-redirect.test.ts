/**
 * Issue 12 "No open redirect": every redirect target is resolved with the WHATWG URL parser against the
 * app's origin and refused unless same-origin, including the spellings browsers treat as path separators
 * or schemes (backslashes, tabs, leading spaces, encoded slashes).
 */
import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./safe-redirect";

const APP = "https://herald.example.com";
const safe = (raw: unknown, fallback?: string) => safeRedirectPath(raw, { appOrigin: APP, ...(fallback ? { fallback } : {}) });

describe("safeRedirectPath", () => {
  it("keeps same-origin paths, with their query and fragment", () => {
    expect(safe("/notifications")).toBe("/notifications");
    expect(safe("/admin/deliveries?status=failed#x")).toBe("/admin/deliveries?status=failed#x");
    expect(safe("/n/5b0c0e4c-1111-4222-8333-444455556666")).toBe("/n/5b0c0e4c-1111-4222-8333-444455556666");
    expect(safe(`${APP}/settings/account`)).toBe("/settings/account");
    // Encoded slashes stay encoded: a browser never reads %2F in a Location path as a separator.
    expect(safe("/%2F%2Fevil.com")).toBe("/%2F%2Fevil.com");
    expect(safe("/%5Cevil.com")).toBe("/%5Cevil.com");
  });

  it.each([
    "//evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "\\/evil.com",
    "/\t/evil.com",
    " /\t/evil.com",
    "/\n/evil.com",
    "\t//evil.com",
    "https:evil.com",
    "http:evil.com",
    "https://evil.com/notifications",
    "https://herald.example.com.evil.com/",
    "https://herald.example.com@evil.com/",
    "http://herald.example.com/", // another scheme is another origin
    "https://herald.example.com:8443/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/.//evil.com",
    "/..//evil.com",
    "//%09/evil.com",
    "///evil.com",
  ])("refuses %j", (raw) => {
    expect(safe(raw)).toBe("/notifications");
  });

  it("treats relative spellings as paths under the origin, never as another host", () => {
    // Relative references resolve against the origin's root: harmless paths on this site.
    expect(safe("%2F%2Fevil.com")).toBe("/%2F%2Fevil.com");
    expect(safe("evil.com")).toBe("/evil.com");
  });

  it("answers the fallback for anything that is not a usable string", () => {
    for (const raw of [undefined, null, 42, "", ["//evil.com"], "/x\u0000y", `/${"a".repeat(3000)}`]) expect(safe(raw, "/signin")).toBe("/signin");
    expect(safe(["/businesses", "//evil.com"])).toBe("/businesses");
  });
});

describe("next-auth's redirect callback (server/auth.ts)", () => {
  it("sends sign-in and sign-out only to same-origin pages", async () => {
    const { authOptions } = await import("../auth");
    const redirect = authOptions.callbacks!.redirect!;
    const baseUrl = "http://localhost:3000";
    expect(await redirect({ url: "/settings/account", baseUrl })).toBe(`${baseUrl}/settings/account`);
    expect(await redirect({ url: `${baseUrl}/signin`, baseUrl })).toBe(`${baseUrl}/signin`);
    for (const url of ["//evil.com", "/\\evil.com", "https://evil.com/", "/\t/evil.com", "javascript:alert(1)", "http://localhost:3000.evil.com/"]) {
      expect(await redirect({ url, baseUrl }), url).toBe(`${baseUrl}/notifications`);
    }
  });
});

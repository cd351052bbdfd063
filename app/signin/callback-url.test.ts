/**
 * Issue 12 "No open redirect" on the sign-in page: `callbackUrl` is followed (server-side when already
 * signed in, client-side after signing in) only when it is a same-origin path.
 */
import { describe, expect, it, vi } from "vitest";
import { isValidElement, type ReactElement } from "react";

const session = vi.hoisted(() => ({ user: null as null | { id: string; role: "CUSTOMER" } }));
vi.mock("@/server/auth", () => ({ currentUser: async () => session.user }));
// No request here to read Accept-Language from: the page speaks English.
vi.mock("@/server/i18n-request", async () => {
  const { translator } = await import("@/messages");
  return { requestTranslator: async () => translator("en") };
});

import SignInPage from "./page";

/** Where the page redirects a signed-in visitor (the digest of next/navigation's redirect error). */
async function redirectedTo(callbackUrl: string | string[]): Promise<string> {
  session.user = { id: "00000000-0000-4000-8000-000000000000", role: "CUSTOMER" };
  try {
    await SignInPage({ searchParams: Promise.resolve({ callbackUrl }) });
    return "(no redirect)";
  } catch (err) {
    const digest = String((err as { digest?: string }).digest ?? err);
    return digest.split(";")[2] ?? digest;
  } finally {
    session.user = null;
  }
}

/** The callbackUrl the page hands its sign-in form (signed out). */
async function formCallback(callbackUrl: string): Promise<string> {
  const tree = (await SignInPage({ searchParams: Promise.resolve({ callbackUrl }) })) as ReactElement;
  const found: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isValidElement(node)) return;
    const props = node.props as { callbackUrl?: string; children?: unknown };
    if (typeof props.callbackUrl === "string") found.push(props.callbackUrl);
    walk(props.children);
  };
  walk(tree);
  return found[0] ?? "(none)";
}

describe("sign-in callbackUrl", () => {
  it("follows same-origin paths", async () => {
    expect(await redirectedTo("/settings/account")).toBe("/settings/account");
    expect(await formCallback("/admin/deliveries?status=failed")).toBe("/admin/deliveries?status=failed");
  });

  it.each(["//evil.com", "/\\evil.com", "\\\\evil.com", "/\t/evil.com", " /\t/evil.com", "https:evil.com", "javascript:alert(1)", "https://evil.com/"])(
    "refuses %j (→ /notifications)",
    async (raw) => {
      expect(await redirectedTo(raw)).toBe("/notifications");
      expect(await formCallback(raw)).toBe("/notifications");
    },
  );

  it("keeps encoded slashes as a harmless path", async () => {
    expect(await redirectedTo("/%2F%2Fevil.com")).toBe("/%2F%2Fevil.com");
    expect(await redirectedTo("/%5Cevil.com")).toBe("/%5Cevil.com");
  });
});

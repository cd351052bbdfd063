/**
 * Issue 12 "No open redirect" on the push-click route: whatever a notification's `actionUrl` says, the
 * 303 goes to a same-origin path.
 */
import { describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ user: null as null | { id: string; role: "CUSTOMER" } }));
vi.mock("@/server/auth", () => ({ currentUser: async () => session.user }));

import { db } from "@/server/db";
import { createNotification, createUser } from "@/prisma/factory";
import { GET } from "./route";

const EVIL = ["//evil.com", "/\\evil.com", "\\\\evil.com", "/\t/evil.com", " /\t/evil.com", "https:evil.com", "https://evil.com/x", "javascript:alert(1)", "/.//evil.com"];

describe("GET /n/<id>", () => {
  it("never redirects off-site, whatever the notification's actionUrl", async () => {
    const user = await createUser(db);
    session.user = { id: user.id, role: "CUSTOMER" };
    try {
      for (const actionUrl of EVIL) {
        const n = await createNotification(db, { userId: user.id, actionUrl });
        const res = await GET(new Request(`http://localhost:3000/n/${n.id}`), { params: Promise.resolve({ id: n.id }) });
        expect([res.status, res.headers.get("location")], actionUrl).toEqual([303, "/notifications"]);
        expect(res.headers.get("cache-control")).toBe("private, no-store");
      }
      const ok = await createNotification(db, { userId: user.id, actionUrl: "/businesses/marios?tab=listings" });
      const res = await GET(new Request(`http://localhost:3000/n/${ok.id}`), { params: Promise.resolve({ id: ok.id }) });
      expect(res.headers.get("location")).toBe("/businesses/marios?tab=listings");
    } finally {
      session.user = null;
    }
  });

  it("sends a signed-out visitor to sign in and back, with the id encoded", async () => {
    const res = await GET(new Request("http://localhost:3000/n/x"), { params: Promise.resolve({ id: "//evil.com" }) });
    expect(res.headers.get("location")).toBe(`/signin?callbackUrl=${encodeURIComponent(`/n/${encodeURIComponent("//evil.com")}`)}`);
  });
});

/**
 * Issue 12 "No open redirect" on tracked email links: with a valid signature, `u` must still be a page of
 * the app (or an https link written in the campaign's body, covered in campaigns.test.ts); the spellings
 * browsers read as another host or a script are refused with 400.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { createNotification, createUser } from "@/prisma/factory";
import { clickToken } from "@/server/services/email/click-tracking";
import { GET } from "./route";

const follow = (token: string, u: string) =>
  GET(new Request(`http://localhost:3000/r/${token}?u=${encodeURIComponent(u)}`), { params: Promise.resolve({ token }) });

describe("GET /r/<token>?u=", () => {
  it("redirects to the app's own pages and refuses every other host, scheme and spelling", async () => {
    const user = await createUser(db);
    const n = await createNotification(db, { userId: user.id });
    const token = clickToken(process.env.NEXTAUTH_SECRET!, n.id);
    const ok = await follow(token, "/businesses");
    expect(ok.status).toBe(302);
    expect(new URL(ok.headers.get("location")!).pathname).toBe("/businesses");
    for (const u of ["//evil.com", "/\\evil.com", "\\\\evil.com", "/\t/evil.com", " /\t/evil.com", "https:evil.com", "http:evil.com", "https://evil.com/", "javascript:alert(1)", "/%5C/evil.com/../"]) {
      const res = await follow(token, u);
      const where = res.headers.get("location");
      if (res.status === 302) expect(new URL(where!).origin, u).toBe("http://localhost:3000");
      else expect(res.status, u).toBe(400);
    }
  });
});

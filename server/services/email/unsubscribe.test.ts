/**
 * RFC 8058 one-click unsubscribe: tokens, the POST endpoint (called as a mail client would: no cookie,
 * form body `List-Unsubscribe=One-Click`), and forged tokens changing nothing.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createUser } from "../../../prisma/factory";
import { POST } from "../../../app/api/unsubscribe/[token]/route";
import { applyUnsubscribe, unsubscribeHeaders, unsubscribeState, unsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from "./unsubscribe";

const SECRET = process.env.NEXTAUTH_SECRET!;

function post(token: string, body: string, type = "application/x-www-form-urlencoded") {
  return POST(new Request(`http://localhost/api/unsubscribe/${token}`, { method: "POST", headers: { "content-type": type }, body }), {
    params: Promise.resolve({ token }),
  });
}

async function emailState(userId: string) {
  const s = await db.notificationSettings.findUnique({ where: { userId } });
  const prefs = await db.notificationPreference.findMany({ where: { userId, channel: "EMAIL" }, select: { category: true, enabled: true } });
  return { all: !!s?.emailUnsubscribedAt, prefs };
}

describe("unsubscribe tokens", () => {
  it("round-trip a scope and refuse anything altered, truncated, foreign or malformed", async () => {
    const user = await createUser(db);
    const token = unsubscribeToken(SECRET, { userId: user.id, category: "listings" });
    expect(verifyUnsubscribeToken(SECRET, token)).toEqual({ userId: user.id, category: "listings" });
    const [payload, sig] = token.split(".") as [string, string];
    const other = unsubscribeToken(SECRET, { userId: (await createUser(db)).id, category: null });
    const forged = [
      token.slice(0, -1),
      `${payload}.${sig.slice(0, 10)}`,
      `${payload}.`,
      payload,
      `${Buffer.from(JSON.stringify({ v: 1, u: user.id, c: null })).toString("base64url")}.${sig}`, // scope widened
      `${payload}.${other.split(".")[1]}`, // signature of another token
      unsubscribeToken("another-deployments-secret-0123456789abcdef", { userId: user.id, category: "listings" }),
      `${token}.x`,
      "",
      "%00",
      "a".repeat(600),
    ];
    for (const t of forged) expect(verifyUnsubscribeToken(SECRET, t), t).toBeNull();
    expect(unsubscribeHeaders("https://herald.test/unsubscribe/t")).toEqual({
      "List-Unsubscribe": "<https://herald.test/unsubscribe/t>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    expect(unsubscribeUrl({ userId: user.id, category: null })).toMatch(/^https?:\/\/[^/]+\/unsubscribe\/[\w-]+\.[\w-]+$/);
  });
});

describe("POST /unsubscribe/<token> (RFC 8058 one-click)", () => {
  it("unsubscribes the token's category with a form body, 200 and an empty body, no cookie needed", async () => {
    const user = await createUser(db);
    const token = unsubscribeToken(SECRET, { userId: user.id, category: "listings" });
    const res = await post(token, "List-Unsubscribe=One-Click");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect(res.headers.get("location")).toBeNull();
    expect(await emailState(user.id)).toEqual({ all: false, prefs: [{ category: "listings", enabled: false }] });
    // Idempotent.
    expect((await post(token, "List-Unsubscribe=One-Click")).status).toBe(200);
  });

  it("a token without a category unsubscribes from all non-essential email; the page can undo it", async () => {
    const user = await createUser(db);
    const token = unsubscribeToken(SECRET, { userId: user.id, category: null });
    expect((await post(token, "List-Unsubscribe=One-Click")).status).toBe(200);
    expect((await emailState(user.id)).all).toBe(true);
    expect(await unsubscribeState(token)).toMatchObject({ email: `${user.email.slice(0, 2)}…@herald.test`, unsubscribedFromAll: true });
    const undo = await post(token, JSON.stringify({ action: "resubscribe", scope: "all" }), "application/json");
    expect(undo.status).toBe(200);
    expect((await emailState(user.id)).all).toBe(false);
  });

  it("forged tokens get one generic 400 and change nothing; a body that is not one-click is refused", async () => {
    const user = await createUser(db);
    const token = unsubscribeToken(SECRET, { userId: user.id, category: null });
    const bodies: string[] = [];
    for (const t of [token.slice(0, -2), `x${token}`, "not-a-token"]) {
      const res = await post(t, "List-Unsubscribe=One-Click");
      expect(res.status).toBe(400);
      bodies.push(await res.text());
    }
    expect(new Set(bodies).size).toBe(1);
    expect((await post(token, "something=else")).status).toBe(400);
    expect(await emailState(user.id)).toEqual({ all: false, prefs: [] });
    expect(await applyUnsubscribe(token.slice(0, -2), { action: "unsubscribe", scope: "all" })).toBeNull();
  });
});

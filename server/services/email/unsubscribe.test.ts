/**
 * RFC 8058 one-click unsubscribe: tokens, the POST endpoint (called as a mail client would: no cookie,
 * form body `List-Unsubscribe=One-Click`), and forged tokens changing nothing.
 */
import { createHash, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createUser } from "../../../prisma/factory";
import { POST } from "../../../app/api/unsubscribe/[token]/route";
import { applyUnsubscribe, UNDO_WINDOW_MS, unsubscribeHeaders, unsubscribeState, unsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from "./unsubscribe";

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

describe("unsubscribe links only ever reduce mail (issue 12)", () => {
  const MIN = 60_000;
  const hash = (t: string) => createHash("sha256").update(t).digest("hex");
  const json = (action: "unsubscribe" | "resubscribe", scope: "token" | "all") => JSON.stringify({ action, scope });

  it("the token that turned a topic off may turn it back on within 10 minutes, recorded by the token's hash", async () => {
    const user = await createUser(db);
    const token = unsubscribeToken(SECRET, { userId: user.id, category: "listings" });
    const t0 = new Date();
    const off = await applyUnsubscribe(token, { action: "unsubscribe", scope: "token", at: t0 });
    expect(off).toMatchObject({ action: "unsubscribe", category: "listings", undoUntil: new Date(t0.getTime() + UNDO_WINDOW_MS).toISOString() });
    const audit = await db.auditLog.findMany({ where: { targetType: "unsubscribe_token", targetId: hash(token) } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(token);
    expect(await unsubscribeState(token)).toMatchObject({ unsubscribedFromCategory: true, undo: { token: true, all: false } });
    const on = await applyUnsubscribe(token, { action: "resubscribe", scope: "token", at: new Date(t0.getTime() + 9 * MIN) });
    expect(on).toMatchObject({ action: "resubscribe", category: "listings" });
    // The preference had no row before: undoing leaves none (the default applies again).
    expect(await emailState(user.id)).toEqual({ all: false, prefs: [] });
    // Nothing left to undo.
    await expect(applyUnsubscribe(token, { action: "resubscribe", scope: "token", at: new Date(t0.getTime() + 9.5 * MIN) })).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
  });

  it("after the undo window, resubscribing needs a signed-in session (403 pointing at settings)", async () => {
    const user = await createUser(db);
    const token = unsubscribeToken(SECRET, { userId: user.id, category: null });
    const t0 = new Date(Date.now() - 11 * MIN);
    await applyUnsubscribe(token, { action: "unsubscribe", scope: "token", at: t0 });
    expect((await emailState(user.id)).all).toBe(true);
    await expect(applyUnsubscribe(token, { action: "resubscribe", scope: "all" })).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
    const res = await post(token, json("resubscribe", "all"), "application/json");
    expect(res.status).toBe(403);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(await res.json()).toMatchObject({ error: { code: "PERMISSION_DENIED", details: { sign_in: "/settings/notifications" } } });
    expect((await emailState(user.id)).all).toBe(true);
    expect(await unsubscribeState(token)).toMatchObject({ unsubscribedFromAll: true, undo: { token: false, all: false } });
  });

  it("a token cannot restore what it did not turn off: settings, another link, or a topic already off", async () => {
    const user = await createUser(db);
    const listings = unsubscribeToken(SECRET, { userId: user.id, category: "listings" });
    const other = unsubscribeToken(SECRET, { userId: user.id, category: "listings", notificationId: randomUUID() });
    // Turned off in settings (signed in): no link restores it.
    await db.notificationSettings.upsert({ where: { userId: user.id }, create: { userId: user.id, emailUnsubscribedAt: new Date() }, update: { emailUnsubscribedAt: new Date() } });
    for (const scope of ["token", "all"] as const) {
      await expect(applyUnsubscribe(listings, { action: "resubscribe", scope })).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
    }
    expect((await emailState(user.id)).all).toBe(true);
    // Turned off by one link: another link (same topic, another email) cannot undo it.
    await applyUnsubscribe(listings, { action: "unsubscribe", scope: "token" });
    await expect(applyUnsubscribe(other, { action: "resubscribe", scope: "token" })).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
    expect((await emailState(user.id)).prefs).toEqual([{ category: "listings", enabled: false }]);
    // Unsubscribing again what is already off records nothing to undo.
    await applyUnsubscribe(other, { action: "unsubscribe", scope: "token" });
    await expect(applyUnsubscribe(other, { action: "resubscribe", scope: "token" })).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
    // A topic's link used for "all" may undo "all" only, not the topic it did not touch.
    await db.notificationSettings.update({ where: { userId: user.id }, data: { emailUnsubscribedAt: null } });
    await applyUnsubscribe(other, { action: "unsubscribe", scope: "all" });
    await expect(applyUnsubscribe(other, { action: "resubscribe", scope: "token" })).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
    await applyUnsubscribe(other, { action: "resubscribe", scope: "all" });
    expect(await emailState(user.id)).toEqual({ all: false, prefs: [{ category: "listings", enabled: false }] });
  });

  it("an undo restores exactly what was there: an enabled row stays a row; a later opt-out in settings is kept", async () => {
    const user = await createUser(db);
    await db.notificationPreference.create({ data: { userId: user.id, category: "business", channel: "EMAIL", enabled: true } });
    const token = unsubscribeToken(SECRET, { userId: user.id, category: "business" });
    await applyUnsubscribe(token, { action: "unsubscribe", scope: "token" });
    await applyUnsubscribe(token, { action: "resubscribe", scope: "token" });
    expect((await emailState(user.id)).prefs).toEqual([{ category: "business", enabled: true }]);
    // "all" by the link, then the user opts out of everything again in settings (a new time): undo keeps it.
    await applyUnsubscribe(token, { action: "unsubscribe", scope: "all" });
    const later = new Date(Date.now() + 1000);
    await db.notificationSettings.update({ where: { userId: user.id }, data: { emailUnsubscribedAt: later } });
    await applyUnsubscribe(token, { action: "resubscribe", scope: "all" });
    expect((await db.notificationSettings.findUniqueOrThrow({ where: { userId: user.id } })).emailUnsubscribedAt).toEqual(later);
  });

  it("one-click (RFC 8058) unsubscribes may be undone from the page within the window; the route refuses resubscribe otherwise", async () => {
    const user = await createUser(db);
    const token = unsubscribeToken(SECRET, { userId: user.id, category: "listings" });
    expect((await post(token, "List-Unsubscribe=One-Click")).status).toBe(200);
    const undo = await post(token, json("resubscribe", "token"), "application/json");
    expect(undo.status).toBe(200);
    expect(await emailState(user.id)).toEqual({ all: false, prefs: [] });
    expect((await post(token, json("resubscribe", "token"), "application/json")).status).toBe(403);
    // Unsubscribing is always allowed, and answers when the undo ends.
    const again = await post(token, json("unsubscribe", "all"), "application/json");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ ok: true, action: "unsubscribe", undoUntil: expect.any(String) });
  });
});

describe("POST /unsubscribe/<token>: body size", () => {
  it("answers 413 for a body over 8 KB, declared or streamed, and changes nothing", async () => {
    const user = await createUser(db);
    const token = unsubscribeToken(SECRET, { userId: user.id, category: null });
    const big = `List-Unsubscribe=One-Click&pad=${"x".repeat(9000)}`;
    expect((await post(token, big)).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new TextEncoder().encode(`{"action":"unsubscribe","scope":"all","pad":"${"x".repeat(4096)}`));
      },
    });
    const res = await POST(new Request(`http://localhost/api/unsubscribe/${token}`, { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" } as RequestInit), {
      params: Promise.resolve({ token }),
    });
    expect(res.status).toBe(413);
    expect((await emailState(user.id)).all).toBe(false);
  });
});

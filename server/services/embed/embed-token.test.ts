/**
 * User tokens of the embeddable inbox (docs/requirements.md R21.2): the format, the MAC, expiry and the
 * max-age cap (embed-token.ts), then the user lookup against the real database (embed-auth.ts).
 */
import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createUser } from "../../../prisma/factory";
import { EMBED_TOKEN_SKEW_S, signEmbedToken, verifyEmbedToken } from "./embed-token";
import { authenticateEmbedToken, type EmbedConfig } from "./embed-auth";

const SECRET = randomBytes(32).toString("base64url");
const USER = "0b7c5f7e-3f0a-4a57-9d1e-5c2b8f6a9e01";
const NOW = Date.UTC(2026, 11, 6, 9, 30, 0);
const DAY = 86_400;
const verify = (token: string, opts: { secret?: string; maxAgeS?: number; now?: number } = {}) =>
  verifyEmbedToken(token, opts.secret ?? SECRET, { maxAgeS: opts.maxAgeS ?? DAY, now: opts.now ?? NOW });

describe("signEmbedToken / verifyEmbedToken", () => {
  it("mints <user id>.<expiry>.<base64url HMAC-SHA256(secret, user id.expiry)> that verifies until it expires", () => {
    const token = signEmbedToken(USER, SECRET, 3600, NOW);
    const expiry = NOW / 1000 + 3600;
    const mac = createHmac("sha256", SECRET).update(`${USER}.${expiry}`).digest("base64url");
    expect(token).toBe(`${USER}.${expiry}.${mac}`);
    expect(mac).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verify(token)).toEqual({ ok: true, userId: USER, expiresAt: new Date(expiry * 1000) });
    expect(verify(token, { now: (expiry - 1) * 1000 }).ok).toBe(true);
  });

  it("refuses an expired token (at its expiry second and after)", () => {
    const token = signEmbedToken(USER, SECRET, 60, NOW);
    expect(verify(token, { now: NOW + 60_000 })).toEqual({ ok: false, reason: "expired" });
    expect(verify(token, { now: NOW + 3_600_000 })).toEqual({ ok: false, reason: "expired" });
    expect(verify(signEmbedToken(USER, SECRET, 1, NOW - 10_000))).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a token signed with another secret", () => {
    const token = signEmbedToken(USER, randomBytes(32).toString("base64url"), 3600, NOW);
    expect(verify(token)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verify(signEmbedToken(USER, SECRET, 3600, NOW), { secret: SECRET + "x" })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses a tampered token: another user, a later expiry, a changed MAC, a non-canonical MAC", () => {
    const token = signEmbedToken(USER, SECRET, 3600, NOW);
    const [user, expiry, mac] = token.split(".") as [string, string, string];
    const other = "6f1d2c3b-4a59-4e68-8f7a-9b0c1d2e3f40";
    expect(verify(`${other}.${expiry}.${mac}`)).toEqual({ ok: false, reason: "bad_signature" });
    expect(verify(`${user}.${Number(expiry) + 3600}.${mac}`)).toEqual({ ok: false, reason: "bad_signature" });
    const flipped = mac.slice(0, 10) + (mac[10] === "A" ? "B" : "A") + mac.slice(11);
    expect(verify(`${user}.${expiry}.${flipped}`)).toEqual({ ok: false, reason: "bad_signature" });
    // The 43rd character carries 2 unused bits: another spelling of the same bytes is still refused.
    const last = mac.at(-1)!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const twin = alphabet[(alphabet.indexOf(last) & ~3) | ((alphabet.indexOf(last) + 1) & 3)]!;
    expect(Buffer.from(mac.slice(0, 42) + twin, "base64url").equals(Buffer.from(mac, "base64url"))).toBe(true);
    expect(verify(`${user}.${expiry}.${mac.slice(0, 42)}${twin}`)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses an expiry further ahead than the max age (beyond the clock-skew allowance)", () => {
    expect(verify(signEmbedToken(USER, SECRET, DAY, NOW)).ok).toBe(true);
    expect(verify(signEmbedToken(USER, SECRET, DAY + EMBED_TOKEN_SKEW_S, NOW)).ok).toBe(true);
    expect(verify(signEmbedToken(USER, SECRET, DAY + EMBED_TOKEN_SKEW_S + 1, NOW))).toEqual({ ok: false, reason: "too_long_lived" });
    expect(verify(signEmbedToken(USER, SECRET, 365 * DAY, NOW))).toEqual({ ok: false, reason: "too_long_lived" });
    expect(verify(signEmbedToken(USER, SECRET, 7200, NOW), { maxAgeS: 3600 })).toEqual({ ok: false, reason: "too_long_lived" });
  });

  it("refuses malformed tokens without throwing", () => {
    const good = signEmbedToken(USER, SECRET, 3600, NOW);
    const [user, expiry, mac] = good.split(".") as [string, string, string];
    for (const bad of [
      "",
      "x",
      `${user}.${expiry}`,
      `${good}.extra`,
      `${user.toUpperCase()}.${expiry}.${mac}`,
      `not-a-uuid.${expiry}.${mac}`,
      `${user}.0${expiry}.${mac}`,
      `${user}.-${expiry}.${mac}`,
      `${user}.${expiry}.5.${mac}`,
      `${user}.${expiry}.${mac}=`,
      `${user}.${expiry}.${mac.slice(1)}`,
      `${user}.${expiry}.${mac.replace(/.$/, "+")}`,
      `${good}${"a".repeat(200)}`,
    ]) {
      expect(verify(bad), bad).toEqual({ ok: false, reason: "malformed" });
    }
  });

  it("signs only what Herald accepts: a lowercase UUID, a secret of 32+ characters, a positive whole TTL", () => {
    expect(() => signEmbedToken("42", SECRET, 60)).toThrow(RangeError);
    expect(() => signEmbedToken(USER.toUpperCase(), SECRET, 60)).toThrow(RangeError);
    expect(() => signEmbedToken(USER, "short", 60)).toThrow(RangeError);
    expect(() => signEmbedToken(USER, SECRET, 0)).toThrow(RangeError);
    expect(() => signEmbedToken(USER, SECRET, 1.5)).toThrow(RangeError);
  });
});

describe("authenticateEmbedToken (the user lookup)", () => {
  const config: EmbedConfig = { secret: SECRET, origins: [], maxAgeS: DAY };

  it("names an existing user with their role and chosen language", async () => {
    const u = await createUser(db, { role: "NGO" });
    await db.user.update({ where: { id: u.id }, data: { locale: "zu" } });
    const token = signEmbedToken(u.id, SECRET, 600);
    expect(await authenticateEmbedToken(token, config)).toEqual({ userId: u.id, role: "NGO", locale: "zu", expiresAt: expect.any(Date) });
  });

  it("refuses a valid token for a user that does not exist, or whose account was deleted", async () => {
    expect(await authenticateEmbedToken(signEmbedToken("2d4f6a8c-0e1b-4c3d-8e5f-a0b1c2d3e4f5", SECRET, 600), config)).toBeNull();
    const u = await createUser(db);
    const token = signEmbedToken(u.id, SECRET, 600);
    expect(await authenticateEmbedToken(token, config)).not.toBeNull();
    await db.user.delete({ where: { id: u.id } });
    expect(await authenticateEmbedToken(token, config)).toBeNull();
  });

  it("refuses expired, over-long and foreign tokens for a real user", async () => {
    const u = await createUser(db);
    expect(await authenticateEmbedToken(signEmbedToken(u.id, SECRET, 60, Date.now() - 120_000), config)).toBeNull();
    expect(await authenticateEmbedToken(signEmbedToken(u.id, SECRET, 2 * DAY), config)).toBeNull();
    expect(await authenticateEmbedToken(signEmbedToken(u.id, randomBytes(32).toString("hex"), 60), config)).toBeNull();
  });
});

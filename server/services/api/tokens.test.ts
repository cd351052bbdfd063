/** Personal access tokens: the service and the tRPC `tokens` router (createCaller), against the real database. */
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createUser } from "../../../prisma/factory";
import { trpcCode as code } from "../../../test/trpc";
import { createCaller } from "../../trpc/root";
import { createToken, hashToken, listTokens, revokeToken, verifyToken, MAX_TOKENS_PER_USER } from "./tokens";

describe("personal access tokens (service)", () => {
  it("creates hrld_pat_ + 32 random bytes, stores only the SHA-256 and a 12-character prefix", async () => {
    const u = await createUser(db);
    const { token, summary } = await createToken(u.id, { name: "  Phone  ", scopes: ["notifications:read", "notifications:read", "following"], expiresInDays: 30 });
    expect(token).toMatch(/^hrld_pat_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(9), "base64url")).toHaveLength(32);
    const row = await db.personalAccessToken.findUniqueOrThrow({ where: { id: summary.id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.prefix).toBe(token.slice(0, 12));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.name).toBe("Phone");
    expect(row.scopes).toEqual(["notifications:read", "following"]);
    expect(Math.abs(row.expiresAt!.getTime() - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
    const second = await createToken(u.id, { name: "CLI", scopes: ["preferences"] });
    expect(second.token).not.toBe(token);
    expect(second.summary.expiresAt).toBeNull();
  });

  it("refuses bad names, scopes and expiries", async () => {
    const u = await createUser(db);
    for (const bad of [
      { name: "", scopes: ["preferences"] },
      { name: "x".repeat(81), scopes: ["preferences"] },
      { name: "ok", scopes: [] },
      { name: "ok", scopes: ["admin"] },
      { name: "ok", scopes: ["preferences"], expiresInDays: 0 },
      { name: "ok", scopes: ["preferences"], expiresInDays: 366 },
      { name: "ok", scopes: ["preferences"], extra: 1 },
    ]) {
      await expect(createToken(u.id, bad as never)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    }
    expect(await db.personalAccessToken.count({ where: { userId: u.id } })).toBe(0);
  });

  it("caps the number of active tokens", async () => {
    const u = await createUser(db);
    await db.personalAccessToken.createMany({
      data: Array.from({ length: MAX_TOKENS_PER_USER }, (_, i) => ({ userId: u.id, name: `t${i}`, tokenHash: `cap-${u.id}-${i}`, prefix: "hrld_pat_xxx", scopes: ["preferences"] })),
    });
    await expect(createToken(u.id, { name: "one more", scopes: ["preferences"] })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
  });

  it("verifies live tokens only: unknown, revoked and expired ones answer null", async () => {
    const u = await createUser(db, { role: "NGO" });
    const { token, summary } = await createToken(u.id, { name: "a", scopes: ["following"] });
    expect(await verifyToken(token)).toEqual({ kind: "pat", tokenId: summary.id, userId: u.id, role: "NGO", scopes: ["following"] });
    expect(await verifyToken(token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"))).toBeNull();
    expect(await verifyToken("hrld_pat_short")).toBeNull();
    const exp = await createToken(u.id, { name: "b", scopes: ["following"], expiresInDays: 1 });
    expect(await verifyToken(exp.token, new Date(Date.now() + 2 * 86_400_000))).toBeNull();
    await revokeToken(u.id, summary.id);
    expect(await verifyToken(token)).toBeNull();
  });

  it("lists without secrets, hides revoked tokens, flags expired ones; revoking someone else's is NOT_FOUND", async () => {
    const u = await createUser(db);
    const other = await createUser(db);
    const a = await createToken(u.id, { name: "a", scopes: ["preferences"] });
    const b = await createToken(u.id, { name: "b", scopes: ["following"] });
    await db.personalAccessToken.update({ where: { id: b.summary.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const c = await createToken(u.id, { name: "c", scopes: ["following"] });
    await revokeToken(u.id, c.summary.id);
    await revokeToken(u.id, c.summary.id); // idempotent
    const list = await listTokens(u.id);
    expect(list.map((t) => [t.name, t.expired])).toEqual([["b", true], ["a", false]]);
    expect(JSON.stringify(list)).not.toMatch(/hrld_pat_[A-Za-z0-9_-]{20}/);
    expect(Object.keys(list[0]!).sort()).toEqual(["createdAt", "expired", "expiresAt", "id", "lastUsedAt", "name", "prefix", "scopes"]);
    await expect(revokeToken(other.id, a.summary.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await db.personalAccessToken.findUniqueOrThrow({ where: { id: a.summary.id } })).revokedAt).toBeNull();
  });
});

describe("tRPC tokens router", () => {
  it("lets a signed-in user create (secret once), list and revoke their tokens", async () => {
    const u = await createUser(db);
    const caller = createCaller({ user: { id: u.id, role: "CUSTOMER" } });
    const created = await caller.tokens.create({ name: "Mobile", scopes: ["notifications:read"], expiresInDays: 90 });
    expect(created.token).toMatch(/^hrld_pat_/);
    const list = await caller.tokens.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: created.summary.id, name: "Mobile", prefix: created.token.slice(0, 12), scopes: ["notifications:read"], lastUsedAt: null });
    expect(JSON.stringify(list)).not.toContain(created.token);
    await caller.tokens.revoke({ id: created.summary.id });
    expect(await caller.tokens.list()).toEqual([]);
    expect(await verifyToken(created.token)).toBeNull();
  });

  it("refuses signed-out callers, bad input and other users' tokens", async () => {
    const a = await createUser(db);
    const b = await createUser(db);
    const asA = createCaller({ user: { id: a.id, role: "CUSTOMER" } });
    const asB = createCaller({ user: { id: b.id, role: "CUSTOMER" } });
    const anon = createCaller({ user: null });
    expect(await code(anon.tokens.list())).toBe("UNAUTHORIZED");
    expect(await code(anon.tokens.create({ name: "x", scopes: ["preferences"] }))).toBe("UNAUTHORIZED");
    expect(await code(asA.tokens.create({ name: "", scopes: ["preferences"] }))).toBe("BAD_REQUEST");
    expect(await code(asA.tokens.create({ name: "x", scopes: ["root"] } as never))).toBe("BAD_REQUEST");
    expect(await code(asA.tokens.create({ name: "x", scopes: ["preferences"], expiresInDays: 400 }))).toBe("BAD_REQUEST");
    const t = await asA.tokens.create({ name: "x", scopes: ["preferences"] });
    expect(await code(asB.tokens.revoke({ id: t.summary.id }))).toBe("NOT_FOUND");
    expect(await asB.tokens.list()).toEqual([]);
    expect(await verifyToken(t.token)).not.toBeNull();
  });
});

/** Host-platform API keys: the service and the tRPC `apiKeys` router (createCaller), against the real database. */
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createUser } from "../../../prisma/factory";
import { trpcCode as code } from "../../../test/trpc";
import { createCaller } from "../../trpc/root";
import { createApiKey, hashApiKey, listApiKeys, revokeApiKey, verifyApiKey } from "./api-keys";

describe("API keys (service)", () => {
  it("creates hrld_key_ + 32 random bytes, stores only the SHA-256 and a 12-character prefix", async () => {
    const admin = await createUser(db, { role: "ADMIN" });
    const { key, summary } = await createApiKey(admin.id, { name: "  Shop backend  " });
    expect(key).toMatch(/^hrld_key_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(9), "base64url")).toHaveLength(32);
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: summary.id } });
    expect(row.keyHash).toBe(hashApiKey(key));
    expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.prefix).toBe(key.slice(0, 12));
    expect(JSON.stringify(row)).not.toContain(key);
    expect(row.name).toBe("Shop backend");
    expect(row.createdById).toBe(admin.id);
    expect(summary).toEqual({ id: row.id, name: "Shop backend", prefix: row.prefix, createdAt: row.createdAt.toISOString(), createdBy: admin.name, lastUsedAt: null });
    expect((await createApiKey(admin.id, { name: "Other" })).key).not.toBe(key);
  });

  it("verifies a live key, records lastUsedAt once a minute, and refuses malformed, unknown and revoked keys", async () => {
    const admin = await createUser(db, { role: "ADMIN" });
    const { key, summary } = await createApiKey(admin.id, { name: "Verify" });
    expect(await verifyApiKey(key)).toEqual({ kind: "apikey", keyId: summary.id, name: "Verify" });
    const used = (await db.apiKey.findUniqueOrThrow({ where: { id: summary.id } })).lastUsedAt;
    expect(used).toBeInstanceOf(Date);
    await verifyApiKey(key);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: summary.id } })).lastUsedAt).toEqual(used);
    expect(await verifyApiKey("hrld_key_short")).toBeNull();
    expect(await verifyApiKey(`hrld_key_${"A".repeat(43)}`)).toBeNull();
    expect(await verifyApiKey(key.replace("hrld_key_", "hrld_pat_"))).toBeNull();
    await revokeApiKey(summary.id);
    expect(await verifyApiKey(key)).toBeNull();
    await revokeApiKey(summary.id); // no-op
    expect((await listApiKeys()).map((k) => k.id)).not.toContain(summary.id);
  });

  it("refuses empty and long names", async () => {
    const admin = await createUser(db, { role: "ADMIN" });
    for (const name of ["", "   ", "x".repeat(81)]) {
      await expect(createApiKey(admin.id, { name })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    }
  });
});

describe("apiKeys router (tRPC)", () => {
  it("lets an admin create (secret once), list (no secret, newest first) and revoke keys", async () => {
    const admin = await createUser(db, { role: "ADMIN" });
    const caller = createCaller({ user: { id: admin.id, role: "ADMIN" } });
    const a = await caller.apiKeys.create({ name: "First" });
    const b = await caller.apiKeys.create({ name: "Second" });
    expect(a.key).toMatch(/^hrld_key_/);
    const list = await caller.apiKeys.list();
    const mine = list.filter((k) => k.id === a.summary.id || k.id === b.summary.id);
    expect(mine.map((k) => k.name)).toEqual(["Second", "First"]);
    expect(JSON.stringify(list)).not.toContain(a.key);
    expect(JSON.stringify(list)).not.toMatch(/[0-9a-f]{64}/);
    await caller.apiKeys.revoke({ id: a.summary.id });
    expect((await caller.apiKeys.list()).map((k) => k.id)).not.toContain(a.summary.id);
    expect(await verifyApiKey(a.key)).toBeNull();
    expect(await verifyApiKey(b.key)).not.toBeNull();
    expect(await code(caller.apiKeys.revoke({ id: "00000000-0000-4000-8000-000000000000" }))).toBe("NOT_FOUND");
    expect(await code(caller.apiKeys.create({ name: "" }))).toBe("BAD_REQUEST");
  });

  it("is FORBIDDEN for customers, businesses and NGOs, UNAUTHORIZED signed out, and changes nothing", async () => {
    const admin = await createUser(db, { role: "ADMIN" });
    const { summary, key } = await createApiKey(admin.id, { name: "Guarded" });
    for (const role of ["CUSTOMER", "BUSINESS", "NGO"] as const) {
      const u = await createUser(db, { role });
      const caller = createCaller({ user: { id: u.id, role } });
      expect(await code(caller.apiKeys.list())).toBe("FORBIDDEN");
      expect(await code(caller.apiKeys.create({ name: "Nope" }))).toBe("FORBIDDEN");
      expect(await code(caller.apiKeys.revoke({ id: summary.id }))).toBe("FORBIDDEN");
    }
    const anon = createCaller({ user: null });
    expect(await code(anon.apiKeys.list())).toBe("UNAUTHORIZED");
    expect(await db.apiKey.count({ where: { name: "Nope" } })).toBe(0);
    expect(await verifyApiKey(key)).not.toBeNull();
  });
});

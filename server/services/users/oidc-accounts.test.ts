/**
 * The account rules of sign-in with the platform's provider (issue 17 "Accounts the platform already has";
 * server/services/users/oidc-accounts.ts), on the real database: claims as a verified ID token carries them.
 * The whole round trip through next-auth and a real OpenID provider is server/auth-oidc.test.ts.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createUser } from "../../../prisma/factory";
import { verifyCredentials } from "./credentials";
import { createAuthSession, sessionUser } from "./sessions";
import { localeFromClaim, roleFromClaims, signInWithOidc, type OidcRolePolicy } from "./oidc-accounts";

const ISSUER = `https://id-${randomBytes(3).toString("hex")}.platform.test`;
const GROUPS: OidcRolePolicy = { claim: "groups", map: { "herald-admins": "ADMIN", shops: "BUSINESS", ngos: "NGO" } };
const tag = () => randomBytes(4).toString("hex");
const claims = (o: Record<string, unknown> = {}) => ({ iss: ISSUER, sub: `sub-${randomUUID()}`, aud: "herald", ...o });

const links = (userId: string) => db.oidcAccount.findMany({ where: { userId }, select: { issuer: true, subject: true } });
const audits = (targetId: string, action: string) => db.auditLog.findMany({ where: { targetId, action }, orderBy: { createdAt: "asc" } });

describe("signInWithOidc: finding the account", () => {
  it("links an existing account when the provider verified its email (compared without case) and signs in as it", async () => {
    const user = await createUser(db, { role: "NGO" });
    const c = claims({ email: user.email.toUpperCase(), email_verified: true, name: "Someone Else" });
    const out = await signInWithOidc(c, {});
    expect(out).toMatchObject({ status: "ok", via: "email", user: { id: user.id, role: "NGO", name: user.name, email: user.email }, roleChange: null });
    expect(await links(user.id)).toEqual([{ issuer: ISSUER, subject: c.sub }]);
    expect(await audits(user.id, "auth.oidc_linked")).toHaveLength(1);
    // The next sign-in finds it by the subject.
    expect(await signInWithOidc(c, {})).toMatchObject({ status: "ok", via: "subject", user: { id: user.id } });
  });

  it("never links an unverified email to an existing account: refused, nothing linked or changed", async () => {
    const user = await createUser(db, { role: "ADMIN" });
    for (const email_verified of [false, undefined, "false", 1]) {
      const out = await signInWithOidc(claims({ email: user.email, email_verified, herald_role: "CUSTOMER" }), { claim: "herald_role" });
      expect(out).toEqual({ status: "refused", reason: "email_unverified" });
    }
    expect(await links(user.id)).toEqual([]);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("ADMIN");
    const refused = await db.auditLog.findMany({ where: { action: "auth.oidc_refused", details: { path: ["issuer"], equals: ISSUER } } });
    expect(refused.filter((r) => (r.details as { reason: string }).reason === "email_unverified").length).toBeGreaterThanOrEqual(4);
  });

  it("drops the password of an account made at /signup whose address was never confirmed, when it links it (pre-account-takeover)", async () => {
    const squatter = await createUser(db, { emailVerified: false });
    expect(squatter.passwordHash).not.toBe("");
    const out = await signInWithOidc(claims({ email: squatter.email, email_verified: true }), {});
    expect(out).toMatchObject({ status: "ok", via: "email", user: { id: squatter.id } });
    const after = await db.user.findUniqueOrThrow({ where: { id: squatter.id } });
    expect(after.passwordHash).toBe("");
    expect(after.emailVerifiedAt).toBeInstanceOf(Date);
    expect((await audits(squatter.id, "auth.oidc_linked"))[0]?.details).toMatchObject({ unconfirmedPasswordCleared: true });
    // A confirmed account keeps its password.
    const owner = await createUser(db);
    await signInWithOidc(claims({ email: owner.email, email_verified: true }), {});
    expect((await db.user.findUniqueOrThrow({ where: { id: owner.id } })).passwordHash).toBe(owner.passwordHash);
  });

  it('takes the string "true" some providers send for email_verified', async () => {
    const user = await createUser(db);
    expect(await signInWithOidc(claims({ email: user.email, email_verified: "true" }), {})).toMatchObject({ status: "ok", via: "email", user: { id: user.id } });
  });

  it("creates an account for a new person: name, no password, mapped role, language and time zone from the claims", async () => {
    const email = `new.${tag()}@platform.test`;
    const c = claims({ email, email_verified: true, given_name: "Nomsa", family_name: "Dlamini", groups: ["staff", "shops"], locale: "zu-ZA", zoneinfo: "Africa/Johannesburg" });
    const out = await signInWithOidc(c, GROUPS);
    expect(out).toMatchObject({ status: "ok", via: "created", user: { name: "Nomsa Dlamini", email, role: "BUSINESS" } });
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    expect(user).toMatchObject({ role: "BUSINESS", locale: "zu", timezone: "Africa/Johannesburg", passwordHash: "", emailVerifiedAt: expect.any(Date) });
    expect(await verifyCredentials(email, "")).toBeNull();
    expect(await links(user.id)).toEqual([{ issuer: ISSUER, subject: c.sub }]);
    expect(await audits(user.id, "auth.oidc_account_created")).toHaveLength(1);
  });

  it("creates a CUSTOMER without a role claim, keeps an unknown language and zone out, and names the person from what there is", async () => {
    const email = `plain.${tag()}@platform.test`;
    const out = await signInWithOidc(claims({ email, email_verified: true, preferred_username: "plain-person", locale: "fr", zoneinfo: "Mars/Olympus" }), {});
    expect(out).toMatchObject({ status: "ok", via: "created", user: { role: "CUSTOMER", name: "plain-person" } });
    expect(await db.user.findUniqueOrThrow({ where: { email } })).toMatchObject({ locale: null, timezone: "UTC" });
    // An address the provider did not verify is only what someone typed there: the account is not confirmed.
    const bare = `bare.${tag()}@platform.test`;
    expect(await signInWithOidc(claims({ email: bare }), {})).toMatchObject({ status: "ok", user: { name: bare.split("@")[0] } });
    expect((await db.user.findUniqueOrThrow({ where: { email: bare } })).emailVerifiedAt).toBeNull();
  });

  it("keeps the subject linked after the person's email changes at the provider (Herald's email stays)", async () => {
    const user = await createUser(db);
    const c = claims({ email: user.email, email_verified: true });
    await signInWithOidc(c, {});
    const other = await createUser(db);
    // The provider now says another address — even one another Herald account has: the subject decides.
    const out = await signInWithOidc({ ...c, email: other.email, email_verified: true }, {});
    expect(out).toMatchObject({ status: "ok", via: "subject", user: { id: user.id, email: user.email } });
    expect(await links(other.id)).toEqual([]);
  });

  it("refuses without an email to match or create with, and refuses claims without a subject", async () => {
    expect(await signInWithOidc(claims({ email: undefined }), {})).toEqual({ status: "refused", reason: "email_missing" });
    expect(await signInWithOidc(claims({ email: "not an email", email_verified: true }), {})).toEqual({ status: "refused", reason: "email_missing" });
    expect(await signInWithOidc({ iss: ISSUER, email: `x.${tag()}@platform.test` }, {})).toEqual({ status: "refused", reason: "invalid_claims" });
    expect(await signInWithOidc({ iss: ISSUER, sub: "x".repeat(256) }, {})).toEqual({ status: "refused", reason: "invalid_claims" });
  });

  it("records the sign-in time on the link", async () => {
    const user = await createUser(db);
    const c = claims({ email: user.email, email_verified: true });
    await signInWithOidc(c, {}, { now: new Date("2026-12-01T08:00:00Z") });
    await signInWithOidc(c, {}, { now: new Date("2026-12-06T09:30:00Z") });
    const link = await db.oidcAccount.findUniqueOrThrow({ where: { issuer_subject: { issuer: ISSUER, subject: c.sub } } });
    expect(link.createdAt.toISOString()).toBe("2026-12-01T08:00:00.000Z");
    expect(link.lastLoginAt.toISOString()).toBe("2026-12-06T09:30:00.000Z");
  });

  it("gives a person who never chose a language their browser's, and never overrides one they chose", async () => {
    const user = await createUser(db);
    const c = claims({ email: user.email, email_verified: true });
    await signInWithOidc(c, {}, { acceptLanguage: "af-ZA,af;q=0.9,en;q=0.5" });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).locale).toBe("af");
    await signInWithOidc(c, {}, { acceptLanguage: "zu" });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).locale).toBe("af");
  });
});

describe("signInWithOidc: roles from the provider", () => {
  it("applies the provider's role at every sign-in, audited, ending the person's other sessions", async () => {
    const user = await createUser(db, { role: "CUSTOMER" });
    const c = claims({ email: user.email, email_verified: true, groups: ["ngos"] });
    expect(await signInWithOidc(c, GROUPS)).toMatchObject({ status: "ok", user: { role: "NGO" }, roleChange: { from: "CUSTOMER", to: "NGO", sessionsRevoked: 0 } });
    const earlier = await createAuthSession(user.id);
    const out = await signInWithOidc({ ...c, groups: ["shops"] }, GROUPS);
    expect(out).toMatchObject({ status: "ok", via: "subject", user: { role: "BUSINESS" }, roleChange: { from: "NGO", to: "BUSINESS", sessionsRevoked: 1 } });
    expect(await sessionUser(earlier.id)).toBeNull();
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("BUSINESS");
    const changes = await audits(user.id, "user.role_change");
    expect(changes.map((a) => a.details)).toEqual([
      { from: "CUSTOMER", to: "NGO", sessionsRevoked: 0, source: "oidc", issuer: ISSUER },
      { from: "NGO", to: "BUSINESS", sessionsRevoked: 1, source: "oidc", issuer: ISSUER },
    ]);
    expect(changes.every((a) => a.actorId === null)).toBe(true);
    // The same role again changes nothing and ends no session.
    const current = await createAuthSession(user.id);
    expect(await signInWithOidc({ ...c, groups: ["shops"] }, GROUPS)).toMatchObject({ roleChange: null });
    expect(await sessionUser(current.id)).not.toBeNull();
  });

  it("demotes to CUSTOMER when the claim is gone or names nothing known; leaves roles alone when no claim is configured", async () => {
    const user = await createUser(db, { role: "BUSINESS" });
    const c = claims({ email: user.email, email_verified: true, groups: ["herald-admins"] });
    expect(await signInWithOidc(c, {})).toMatchObject({ user: { role: "BUSINESS" }, roleChange: null });
    expect(await signInWithOidc({ ...c, groups: ["staff"] }, GROUPS)).toMatchObject({ user: { role: "CUSTOMER" } });
    expect(await signInWithOidc({ ...c, groups: ["shops"] }, GROUPS)).toMatchObject({ user: { role: "BUSINESS" } });
    expect(await signInWithOidc({ ...c, groups: undefined }, GROUPS)).toMatchObject({ user: { role: "CUSTOMER" } });
  });

  it("never demotes the last ADMIN: that sign-in is refused and audited, the role kept; with another admin it is applied", async () => {
    // Make this run's admins the only ones: other tests' admins are demoted for the duration.
    const others = await db.user.findMany({ where: { role: "ADMIN" }, select: { id: true } });
    await db.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { role: "CUSTOMER" } });
    try {
      const admin = await createUser(db, { role: "ADMIN" });
      const c = claims({ email: admin.email, email_verified: true, groups: ["herald-admins"] });
      expect(await signInWithOidc(c, GROUPS)).toMatchObject({ status: "ok", user: { role: "ADMIN" } });
      const session = await createAuthSession(admin.id);
      expect(await signInWithOidc({ ...c, groups: ["staff"] }, GROUPS)).toEqual({ status: "refused", reason: "last_admin" });
      expect((await db.user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("ADMIN");
      expect(await sessionUser(session.id)).not.toBeNull();
      const [refusal] = await audits(admin.id, "auth.oidc_refused");
      expect(refusal?.details).toMatchObject({ reason: "last_admin", claimedRole: "CUSTOMER", issuer: ISSUER });

      await createUser(db, { role: "ADMIN" });
      expect(await signInWithOidc({ ...c, groups: ["staff"] }, GROUPS)).toMatchObject({ status: "ok", user: { role: "CUSTOMER" }, roleChange: { from: "ADMIN", to: "CUSTOMER", sessionsRevoked: 1 } });
      expect(await sessionUser(session.id)).toBeNull();
    } finally {
      await db.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { role: "ADMIN" } });
    }
  });
});

describe("roleFromClaims and localeFromClaim", () => {
  it("maps one value or an array, the most privileged winning; role names directly only without a map", () => {
    expect(roleFromClaims({ groups: ["ngos", "herald-admins", "shops"] }, GROUPS)).toBe("ADMIN");
    expect(roleFromClaims({ groups: "ngos" }, GROUPS)).toBe("NGO");
    expect(roleFromClaims({ groups: ["ADMIN"] }, GROUPS)).toBe("CUSTOMER"); // with a map, only the map counts
    expect(roleFromClaims({ role: "admin" }, { claim: "role" })).toBe("ADMIN");
    expect(roleFromClaims({ role: " Business " }, { claim: "role" })).toBe("BUSINESS");
    expect(roleFromClaims({ role: { nested: "ADMIN" } }, { claim: "role" })).toBe("CUSTOMER");
    expect(roleFromClaims({ realm_access: { roles: ["offline_access", "ngo"] } }, { claim: "realm_access.roles" })).toBe("NGO");
    expect(roleFromClaims({ "https://herald/role": "admin" }, { claim: "https://herald/role" })).toBe("ADMIN");
    expect(roleFromClaims({ groups: ["__proto__", "constructor", "toString"] }, GROUPS)).toBe("CUSTOMER");
    expect(roleFromClaims({ role: "ADMIN" }, {})).toBeNull();
  });

  it("reads en, af and zu and their regional tags, nothing else", () => {
    expect(["en", "af-ZA", "ZU_za", "af"].map(localeFromClaim)).toEqual(["en", "af", "zu", "af"]);
    expect(["fr", "", undefined, "english"].map(localeFromClaim)).toEqual([null, null, null, null]);
  });
});

import "server-only";
/**
 * Accounts the platform already has (issue 17): turns the verified claims of an OpenID Connect ID token into
 * a Herald user. next-auth (server/auth-oidc.ts) has already checked the token (signature against the
 * provider's JWKS, `iss`, `aud`, `exp`, nonce; state and PKCE on the way) before these claims get here.
 *
 * The rules (issue 17; docs/requirements.md R1, "Accounts and roles", sign-in with the platform's provider):
 * 1. The provider's subject decides: a person whose (`iss`, `sub`) is in `oidc_accounts` is that account,
 *    whatever email the provider now says (an email change at the provider keeps the link).
 * 2. Otherwise, only an email the provider says is verified (`email_verified: true`) links to the existing
 *    Herald account with that email (emails are stored lower-case; compared lower-case). An unverified email
 *    never does: anyone can type someone else's address into an account at many providers, and linking it
 *    would hand them that person's Herald account (account takeover). With an unverified email that an
 *    existing account already has, sign-in is refused.
 *    Linking an account made at /signup whose address was never confirmed confirms it and drops its password
 *    (whoever chose that password never proved the address: pre-account-takeover).
 * 3. Otherwise a new account is created: name from the claims, no password (the empty hash, as accounts from
 *    `user.registered` have: no password matches it), its address confirmed (`email_verified_at`) only when the
 *    provider verified it, the role from the role claim (CUSTOMER without one),
 *    `users.locale` from the `locale` claim when it is en, af or zu (or a tag of one, "af-ZA"), the time
 *    zone from `zoneinfo` when it is an IANA zone. Without an email claim no account can be created.
 * 4. With a role claim configured the provider is the source of truth for roles: the role it gives is applied
 *    at every sign-in. A change is audited (`user.role_change`, actor null, source "oidc") and ends the
 *    person's other sessions, as an admin's change does (R1.3). The last ADMIN is never demoted: that
 *    sign-in is refused instead (and audited), so Herald keeps an admin and the person the provider no
 *    longer calls an admin does not get in as one; the provider must name another admin first, or restore
 *    theirs.
 * Every outcome is audited in `audit_log`: `auth.oidc_sign_in` (with how the account was found),
 * `auth.oidc_linked`, `auth.oidc_account_created`, `auth.oidc_refused` (with the reason).
 */
import { z } from "zod";
import { db } from "../../db";
import { Prisma, type Role } from "../../generated/prisma/client";
import { isLocale, type Locale } from "../../../lib/i18n";
import { accountHash } from "../security/login-throttle";
import { adoptBrowserLocale } from "../preferences/preferences";
import { isTimeZone } from "../../../lib/time-zone";
import { revokeUserSessions } from "./sessions";

/** How to read a role from the claims (the `oidc` env group: OIDC_ROLE_CLAIM, OIDC_ROLE_MAP). */
export interface OidcRolePolicy {
  /** The claim's name, or a dot-separated path into nested claims (`realm_access.roles`); unset: no roles from the provider. */
  claim?: string;
  /** Claim value → role, matched exactly. Unset: the value itself must be a role name (any case). */
  map?: Record<string, Role>;
}

/** Why a sign-in was refused (each has its sentence on /signin: `sso.error.<reason>`). */
export type OidcRefusal = "email_unverified" | "email_missing" | "last_admin" | "invalid_claims";

/** The Herald user a sign-in resolved to. */
export interface OidcUser {
  id: string;
  name: string;
  email: string;
  role: Role;
}

/** What {@link signInWithOidc} came to. */
export type OidcSignIn =
  | {
      status: "ok";
      user: OidcUser;
      /** How the account was found: by the provider's subject, by a verified email (now linked), or created. */
      via: "subject" | "email" | "created";
      /** The role change this sign-in applied, if any. */
      roleChange: { from: Role; to: Role; sessionsRevoked: number } | null;
    }
  | { status: "refused"; reason: OidcRefusal };

/** Longest name kept from the claims, in characters (as `user.registered`'s names). */
export const OIDC_NAME_MAX = 100;

/** Precedence when a claim names several roles (a `groups` array): the most privileged one wins. */
const PRECEDENCE: readonly Role[] = ["ADMIN", "BUSINESS", "NGO", "CUSTOMER"];
const ROLE_NAMES: readonly string[] = PRECEDENCE;

const optionalString = (max: number) =>
  z
    .unknown()
    .transform((v) => (typeof v === "string" ? v.replace(/[\u0000-\u001f\u007f]/g, " ").replace(/\s+/g, " ").trim() : ""))
    .transform((v) => (v ? v.slice(0, max) : undefined))
    .optional();

/**
 * The claims the rules read. `iss` and `sub` are required (OpenID Connect Core 1.0 §2: `sub` at most 255
 * ASCII characters, https://openid.net/specs/openid-connect-core-1_0.html#IDToken); the rest are read
 * leniently: a malformed optional claim counts as absent.
 */
const claimsSchema = z.looseObject({
    iss: z.string().min(1).max(2048),
    sub: z.string().min(1).max(255),
    email: z
      .unknown()
      .transform((v) => (typeof v === "string" && z.email().max(320).safeParse(v.trim()).success ? v.trim().toLowerCase() : undefined))
      .optional(),
    // Booleans per the spec; a few providers send the string "true" (e.g. Amazon Cognito), which says the same.
    email_verified: z
      .unknown()
      .transform((v) => v === true || v === "true")
      .optional(),
    name: optionalString(OIDC_NAME_MAX),
    given_name: optionalString(OIDC_NAME_MAX),
    family_name: optionalString(OIDC_NAME_MAX),
    preferred_username: optionalString(OIDC_NAME_MAX),
    locale: optionalString(35),
    zoneinfo: optionalString(64),
});

type Claims = z.output<typeof claimsSchema>;

/**
 * The claim at `path` (`a.b.c` walks nested objects; a claim whose own name contains the dots is found too).
 * @returns the value, or undefined
 */
function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let here: unknown = claims;
  for (const part of path.split(".")) {
    if (!here || typeof here !== "object" || Array.isArray(here)) return undefined;
    here = (here as Record<string, unknown>)[part];
  }
  return here;
}

/**
 * The role the provider gives the person, or null when no role claim is configured (then roles are Herald's
 * own). The claim may be one string or an array (a `groups` claim): each value is mapped (the map when one
 * is configured, else the value as a role name in any case), and the most privileged result wins; a claim
 * that is absent, or whose values map to nothing, gives CUSTOMER (the provider is the source of truth: a
 * person removed from every group is a customer).
 * @param claims the ID token's claims
 * @param policy OIDC_ROLE_CLAIM and OIDC_ROLE_MAP
 */
export function roleFromClaims(claims: Record<string, unknown>, policy: OidcRolePolicy): Role | null {
  if (!policy.claim) return null;
  const raw = claimAt(claims, policy.claim);
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string | number => typeof v === "string" || typeof v === "number").map(String);
  const roles = new Set<Role>();
  for (const value of values) {
    if (policy.map) {
      if (Object.prototype.hasOwnProperty.call(policy.map, value)) roles.add(policy.map[value]!);
    } else if (ROLE_NAMES.includes(value.trim().toUpperCase())) {
      roles.add(value.trim().toUpperCase() as Role);
    }
  }
  return PRECEDENCE.find((r) => roles.has(r)) ?? "CUSTOMER";
}

/** The language of a `locale` claim ("af", "af-ZA", "zu_ZA"), when Herald speaks it; else null. */
export function localeFromClaim(value: string | undefined): Locale | null {
  const primary = value?.split(/[-_]/)[0]?.toLowerCase();
  return isLocale(primary) ? primary : null;
}

/** The name for a new account: `name`, else given and family name, else `preferred_username`, else the email's local part. */
function nameOf(c: Claims, email: string): string {
  const joined = [c.given_name, c.family_name].filter(Boolean).join(" ");
  return (c.name ?? (joined || undefined) ?? c.preferred_username ?? email.split("@")[0] ?? email).slice(0, OIDC_NAME_MAX);
}

type Tx = Prisma.TransactionClient;
type Row = { id: string; name: string; email: string; role: Role };

/** Locks and reads one user, with whether their address was ever confirmed (`users.email_verified_at`). */
async function lockUser(tx: Tx, where: Prisma.Sql): Promise<(Row & { confirmed: boolean }) | null> {
  const [row] = await tx.$queryRaw<(Row & { confirmed: boolean })[]>`
    SELECT id, name, email, role::text AS role, email_verified_at IS NOT NULL AS confirmed FROM users WHERE ${where} FOR UPDATE`;
  return row ? { id: row.id, name: row.name, email: row.email, role: row.role, confirmed: row.confirmed } : null;
}

/**
 * Transaction-scoped advisory lock taken, before any row lock, by every sign-in whose role claim could demote
 * an ADMIN: such sign-ins queue on it, so two of them never hold one admin's row each while waiting for the
 * other's (a deadlock), and {@link applyRole}'s count of the other admins is never stale.
 */
const ROLE_LOCK = Prisma.sql`pg_advisory_xact_lock(hashtext('herald:oidc-role-change'))`;

/**
 * Applies the provider's role to `user` inside the sign-in's transaction (rule 4 of the module comment).
 * Demoting an ADMIN first locks every ADMIN row (so an admin's demotion elsewhere, /admin/users, is waited for
 * and seen) and counts the others: two last admins demoted at once cannot both pass. Such sign-ins hold
 * {@link ROLE_LOCK} already.
 * @returns the change applied, null for none, or "last_admin" when it would remove the last admin
 */
async function applyRole(tx: Tx, user: Row, role: Role | null, issuer: string): Promise<{ from: Role; to: Role; sessionsRevoked: number } | null | "last_admin"> {
  if (!role || role === user.role) return null;
  if (user.role === "ADMIN") {
    const admins = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE role = 'ADMIN' ORDER BY id FOR UPDATE`;
    if (!admins.some((a) => a.id !== user.id)) return "last_admin";
  }
  await tx.user.update({ where: { id: user.id }, data: { role } });
  const sessionsRevoked = await revokeUserSessions(user.id, { db: tx });
  await tx.auditLog.create({
    data: { actorId: null, action: "user.role_change", targetType: "user", targetId: user.id, details: { from: user.role, to: role, sessionsRevoked, source: "oidc", issuer } },
  });
  return { from: user.role, to: role, sessionsRevoked };
}

/**
 * One sign-in with the platform's provider: finds, links or creates the Herald account for the ID token's
 * claims under the rules of the module comment, applies the provider's role, and records the sign-in
 * (`oidc_accounts.last_login_at`, `audit_log`) — all in one transaction, retried once when a concurrent
 * first sign-in of the same person created the account or link first. A person who never chose a language
 * then gets their browser's (`adoptBrowserLocale`, R19.2), as with a password sign-in.
 * @param rawClaims the ID token's claims, already verified by next-auth/openid-client
 * @param policy how roles are read (OIDC_ROLE_CLAIM / OIDC_ROLE_MAP); `{}`: roles stay Herald's
 * @param ctx.address the client address (server/services/security/client-address.ts), for the audit trail
 * @param ctx.acceptLanguage the request's Accept-Language, or null
 * @returns `ok` with the user (id, name, email, role as they are now) and how it was found; or `refused`
 *   with the reason (nothing changed but the audit entry)
 * @throws the database error when the database fails twice (next-auth then shows its generic error)
 */
export async function signInWithOidc(
  rawClaims: unknown,
  policy: OidcRolePolicy,
  ctx: { address?: string | null; acceptLanguage?: string | null; now?: Date } = {},
): Promise<OidcSignIn> {
  const parsed = claimsSchema.safeParse(rawClaims);
  if (!parsed.success) return { status: "refused", reason: "invalid_claims" };
  const claims = parsed.data;
  const role = roleFromClaims(rawClaims as Record<string, unknown>, policy);
  const now = ctx.now ?? new Date();
  const audit = { issuer: claims.iss, subject: claims.sub, address: ctx.address ?? null };

  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await db.$transaction((tx) => resolve(tx, claims, role, now, audit));
      if (outcome.status === "ok") await adoptBrowserLocale(outcome.user.id, ctx.acceptLanguage ?? null);
      return outcome;
    } catch (err) {
      // A concurrent first sign-in created the account (users.email) or the link (oidc_accounts' key) first:
      // the second attempt finds it.
      if (attempt < 2 && err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") continue;
      throw err;
    }
  }
}

async function resolve(tx: Tx, c: Claims, role: Role | null, now: Date, audit: { issuer: string; subject: string; address: string | null }): Promise<OidcSignIn> {
  const refuse = async (reason: OidcRefusal, target: { type: string; id: string | null }, extra: Record<string, unknown> = {}): Promise<OidcSignIn> => {
    await tx.auditLog.create({ data: { actorId: null, action: "auth.oidc_refused", targetType: target.type, targetId: target.id, details: { ...audit, reason, ...extra } } });
    return { status: "refused", reason };
  };
  const signedIn = async (user: Row, via: "subject" | "email" | "created"): Promise<OidcSignIn> => {
    const change = via === "created" ? null : await applyRole(tx, user, role, c.iss);
    if (change === "last_admin") return refuse("last_admin", { type: "user", id: user.id }, { claimedRole: role });
    await tx.$executeRaw`UPDATE oidc_accounts SET last_login_at = ${now} WHERE issuer = ${c.iss} AND subject = ${c.sub}`;
    await tx.auditLog.create({ data: { actorId: user.id, action: "auth.oidc_sign_in", targetType: "user", targetId: user.id, details: { ...audit, via } } });
    return { status: "ok", user: { id: user.id, name: user.name, email: user.email, role: change ? change.to : user.role }, via, roleChange: change };
  };

  if (role && role !== "ADMIN") await tx.$queryRaw`SELECT ${ROLE_LOCK}::text`;

  // 1. The subject decides.
  const [link] = await tx.$queryRaw<{ user_id: string }[]>`SELECT user_id FROM oidc_accounts WHERE issuer = ${c.iss} AND subject = ${c.sub} FOR UPDATE`;
  if (link) {
    const user = await lockUser(tx, Prisma.sql`id = ${link.user_id}::uuid`);
    if (user) return signedIn(user, "subject");
  }

  if (!c.email) return refuse("email_missing", { type: "login", id: null });

  // 2. An existing account of that email: linked only when the provider verified the email.
  const existing = await lockUser(tx, Prisma.sql`email = ${c.email}`);
  if (existing) {
    if (!c.email_verified) return refuse("email_unverified", { type: "login", id: accountHash(c.email) });
    // An account made at /signup whose address was never confirmed: its password was chosen by whoever typed
    // this address, not necessarily its owner (pre-account-takeover). The provider now vouches for the
    // address, so it counts as confirmed, and that password is dropped (its owner can set one by reset).
    const unconfirmed = !existing.confirmed;
    if (unconfirmed) await tx.$executeRaw`UPDATE users SET email_verified_at = ${now}, password_hash = '', updated_at = ${now} WHERE id = ${existing.id}::uuid`;
    await tx.oidcAccount.create({ data: { issuer: c.iss, subject: c.sub, userId: existing.id, createdAt: now, lastLoginAt: now } });
    await tx.auditLog.create({
      data: { actorId: existing.id, action: "auth.oidc_linked", targetType: "user", targetId: existing.id, details: { ...audit, ...(unconfirmed ? { unconfirmedPasswordCleared: true } : {}) } },
    });
    return signedIn(existing, "email");
  }

  // 3. A new account.
  const locale = localeFromClaim(c.locale);
  const created = await tx.user.create({
    data: {
      email: c.email,
      name: nameOf(c, c.email),
      passwordHash: "",
      // Confirmed only when the provider says so (an unverified address here is only what someone typed there).
      emailVerifiedAt: c.email_verified ? now : null,
      role: role ?? "CUSTOMER",
      ...(locale ? { locale } : {}),
      ...(c.zoneinfo && isTimeZone(c.zoneinfo) ? { timezone: c.zoneinfo } : {}),
    },
    select: { id: true, name: true, email: true, role: true },
  });
  await tx.oidcAccount.create({ data: { issuer: c.iss, subject: c.sub, userId: created.id, createdAt: now, lastLoginAt: now } });
  await tx.auditLog.create({
    data: { actorId: created.id, action: "auth.oidc_account_created", targetType: "user", targetId: created.id, details: { ...audit, role: created.role, emailVerified: c.email_verified === true } },
  });
  return signedIn(created, "created");
}

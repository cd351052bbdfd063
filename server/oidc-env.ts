/**
 * The `oidc` environment group (server/env.ts reads it; this module only describes it): sign-in with the
 * platform's OpenID Connect provider (issue 17 "Accounts the platform already has"), and whether the email
 * and password form stays on. Every variable is optional; the provider exists only when OIDC_ISSUER,
 * OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set (docs: `.env.example`, README "Sign-in with your
 * platform"). Plain zod with no app imports, so the env module stays light.
 */
import { z } from "zod";

/** Herald's roles, as the role claim may name them (the `Role` enum of prisma/schema.prisma). */
export const OIDC_ROLES = ["CUSTOMER", "NGO", "BUSINESS", "ADMIN"] as const;
export type OidcRole = (typeof OIDC_ROLES)[number];

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** An unset variable and an empty one mean the same (`OIDC_ISSUER=` in a .env file turns it off). */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema);

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The issuer URL: https (plain http only on a loopback host, for local providers such as scripts/dev-oidc.ts:
 * discovery and the token exchange over plain http could be rewritten on the way), no query or fragment,
 * without a trailing slash (discovery is at `<issuer>/.well-known/openid-configuration`, OpenID Connect
 * Discovery 1.0 §4: https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig).
 */
const issuer = z
  .url()
  .refine((v) => {
    const u = new URL(v);
    return u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK.has(u.hostname));
  }, "must be an https:// URL (http:// only on localhost, 127.0.0.1 or [::1])")
  .refine((v) => {
    const u = new URL(v);
    return !u.search && !u.hash && !u.username && !u.password;
  }, "must not carry a query, fragment or credentials")
  .transform((v) => v.replace(/\/+$/, ""));

/**
 * OIDC_ROLE_MAP: JSON (`{"herald-admins":"ADMIN","shops":"BUSINESS"}`) or `value=ROLE,value=ROLE`. Values are
 * matched exactly as the claim carries them; roles case-insensitively. Returns the pairs, or the reason it
 * cannot be read.
 */
export function parseRoleMap(raw: string): { ok: true; map: Record<string, OidcRole> } | { ok: false; message: string } {
  let pairs: [string, unknown][];
  const text = raw.trim();
  if (text.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, message: "is not valid JSON" };
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return { ok: false, message: 'must be a JSON object such as {"herald-admins":"ADMIN"}' };
    pairs = Object.entries(parsed);
  } else {
    pairs = [];
    for (const part of text.split(",")) {
      if (!part.trim()) continue;
      const at = part.lastIndexOf("=");
      if (at <= 0) return { ok: false, message: `"${part.trim()}" is not value=ROLE` };
      pairs.push([part.slice(0, at).trim(), part.slice(at + 1).trim()]);
    }
  }
  const map: Record<string, OidcRole> = Object.create(null);
  for (const [value, role] of pairs) {
    const r = typeof role === "string" ? role.trim().toUpperCase() : "";
    if (!value) return { ok: false, message: "has an empty claim value" };
    if (!(OIDC_ROLES as readonly string[]).includes(r)) return { ok: false, message: `maps "${value}" to ${JSON.stringify(role)}, not one of ${OIDC_ROLES.join(", ")}` };
    map[value] = r as OidcRole;
  }
  if (!Object.keys(map).length) return { ok: false, message: "maps nothing" };
  return { ok: true, map };
}

/**
 * The `oidc` group's schema (server/env.ts validates `process.env` with it). Refuses one or two of OIDC_ISSUER /
 * OIDC_CLIENT_ID / OIDC_CLIENT_SECRET without the others, HERALD_CREDENTIALS_SIGNIN=false without all three
 * (nobody could sign in), and OIDC_ROLE_MAP without OIDC_ROLE_CLAIM, each naming the variable.
 */
export const oidcEnv = z
  .object({
    /** The provider's issuer URL (the `iss` of its ID tokens); discovery at `<issuer>/.well-known/openid-configuration`. */
    OIDC_ISSUER: unsetIfEmpty(issuer.optional()),
    /** Herald's client id at the provider. */
    OIDC_CLIENT_ID: unsetIfEmpty(z.string().trim().min(1).max(512).optional()),
    /** Herald's client secret at the provider (client_secret_basic). Secret: never logged. */
    OIDC_CLIENT_SECRET: unsetIfEmpty(z.string().min(1).max(4096).optional()),
    /** Scopes asked for, space-separated; must include `openid`. */
    OIDC_SCOPES: unsetIfEmpty(
      z
        .string()
        .default("openid email profile")
        .transform((v) => [...new Set(v.split(/[\s,]+/).filter(Boolean))].join(" "))
        .refine((v) => v.split(" ").includes("openid"), "must include openid")
        .refine((v) => /^[\x21\x23-\x5B\x5D-\x7E ]+$/.test(v), "must be scope tokens (RFC 6749 §3.3)"),
    ),
    /** What the button says after "Sign in with" (default: "your organisation", in the reader's language). */
    OIDC_NAME: unsetIfEmpty(z.string().trim().min(1).max(60, "must be at most 60 characters").optional()),
    /**
     * The ID token claim that names the person's role, e.g. `herald_role`, `groups`, or a path into nested
     * claims such as `realm_access.roles` (Keycloak). Unset: roles are not taken from the provider and new
     * accounts are CUSTOMER.
     */
    OIDC_ROLE_CLAIM: unsetIfEmpty(z.string().trim().regex(/^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+)*$/, "must be a claim name, or dot-separated names for a nested claim").max(200).optional()),
    /** Claim values to roles (see {@link parseRoleMap}); unset: the claim carries role names (customer, ngo, business, admin). */
    OIDC_ROLE_MAP: unsetIfEmpty(
      z
        .string()
        .transform((v, ctx) => {
          const r = parseRoleMap(v);
          if (r.ok) return r.map;
          ctx.addIssue({ code: "custom", message: r.message });
          return z.NEVER;
        })
        .optional(),
    ),
    /** The email and password form (credentials provider). `false` only when OIDC is configured. */
    HERALD_CREDENTIALS_SIGNIN: unsetIfEmpty(bool.default(true)),
  })
  .superRefine((v, ctx) => {
    const core = { OIDC_ISSUER: v.OIDC_ISSUER, OIDC_CLIENT_ID: v.OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: v.OIDC_CLIENT_SECRET };
    const missing = Object.entries(core).filter(([, value]) => !value).map(([name]) => name);
    if (missing.length && missing.length < 3) {
      for (const name of missing) ctx.addIssue({ code: "custom", path: [name], message: "required with the other OIDC_ISSUER / OIDC_CLIENT_ID / OIDC_CLIENT_SECRET (set all three, or none)" });
    }
    if (v.HERALD_CREDENTIALS_SIGNIN === false && missing.length) {
      ctx.addIssue({ code: "custom", path: ["HERALD_CREDENTIALS_SIGNIN"], message: "can be false only when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set (otherwise nobody could sign in)" });
    }
    if (v.OIDC_ROLE_MAP && !v.OIDC_ROLE_CLAIM) ctx.addIssue({ code: "custom", path: ["OIDC_ROLE_MAP"], message: "needs OIDC_ROLE_CLAIM (the claim whose values it maps)" });
  });

/** The parsed `oidc` group. */
export type OidcEnv = z.output<typeof oidcEnv>;

import "server-only";
/**
 * Sign-in with the platform's identity provider (issue 17 "Accounts the platform already has"): next-auth 4's
 * OAuth provider in its OpenID Connect form, configured by the `oidc` env group (server/oidc-env.ts), and the
 * switch that turns the email and password form off (`HERALD_CREDENTIALS_SIGNIN=false`).
 *
 * The flow: the button on /signin POSTs to `/api/auth/signin/oidc` (next-auth's CSRF check), next-auth
 * discovers the provider (`<OIDC_ISSUER>/.well-known/openid-configuration`) and sends the browser there with
 * `state`, a PKCE S256 challenge (RFC 7636) and a `nonce`, each bound to an httpOnly cookie. The provider
 * sends the browser back to `/api/auth/callback/oidc`; next-auth checks state, exchanges the code with the
 * verifier (client_secret_basic), and verifies the ID token (signature against the provider's JWKS, `iss`,
 * `aud`, expiry, nonce; openid-client 5). Its claims reach {@link oidcProvider}'s `profile`, which turns
 * them into the Herald user (server/services/users/oidc-accounts.ts); the jwt callback in server/auth.ts then
 * records the session exactly as for a password sign-in (`token.id`, `token.role`, `token.sid`).
 */
import type { Account, User } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { env } from "./env";
import type { OidcEnv } from "./oidc-env";
import { logger } from "./services/log/logger";
import { clientAddress } from "./services/security/client-address";
import { signInWithOidc, type OidcRefusal, type OidcRolePolicy } from "./services/users/oidc-accounts";

/** next-auth's id of the provider: the callback is `/api/auth/callback/oidc` (register it at the provider). */
export const OIDC_PROVIDER_ID = "oidc";

/** The `?error=` codes /signin shows for a refused or failed sign-in with the provider, and their catalog keys (`sso.error.*`). */
export const OIDC_ERRORS = {
  OidcEmailUnverified: "emailUnverified",
  OidcEmailMissing: "emailMissing",
  OidcLastAdmin: "lastAdmin",
  OidcInvalidClaims: "invalidClaims",
  OidcUnavailable: "unavailable",
  // next-auth's own, for a provider that failed or a person who cancelled there
  // (node_modules/next-auth/core/index.js sends them to the sign-in page).
  OAuthSignin: "failed",
  OAuthCallback: "failed",
  Callback: "failed",
} as const;
export type OidcErrorKey = (typeof OIDC_ERRORS)[keyof typeof OIDC_ERRORS];

const REFUSAL_CODE: Record<OidcRefusal | "unavailable", keyof typeof OIDC_ERRORS> = {
  email_unverified: "OidcEmailUnverified",
  email_missing: "OidcEmailMissing",
  last_admin: "OidcLastAdmin",
  invalid_claims: "OidcInvalidClaims",
  unavailable: "OidcUnavailable",
};

/**
 * The catalog key (`sso.error.<key>`) of a `/signin?error=` value that belongs to this sign-in, else null
 * (only these fixed sentences are ever shown, never the raw parameter).
 */
export function oidcErrorKey(error: string | null | undefined): OidcErrorKey | null {
  return error && Object.prototype.hasOwnProperty.call(OIDC_ERRORS, error) ? OIDC_ERRORS[error as keyof typeof OIDC_ERRORS] : null;
}

/** How people can sign in here (for /signin): the email and password form, and the provider's button label (null: "your organisation"). */
export interface SignInMethods {
  credentials: boolean;
  oidc: { name: string | null } | null;
}

/** The `oidc` group's provider settings when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set; else null. */
function oidcSettings(e: OidcEnv = env("oidc")) {
  return e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET ? { ...e, OIDC_ISSUER: e.OIDC_ISSUER, OIDC_CLIENT_ID: e.OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: e.OIDC_CLIENT_SECRET } : null;
}

/**
 * Which sign-in methods are on (server/env.ts group `oidc`).
 * @throws Error naming the variables when the group is invalid (e.g. HERALD_CREDENTIALS_SIGNIN=false without OIDC)
 */
export function signInMethods(): SignInMethods {
  const e = env("oidc");
  const oidc = oidcSettings(e);
  return { credentials: e.HERALD_CREDENTIALS_SIGNIN, oidc: oidc ? { name: oidc.OIDC_NAME ?? null } : null };
}

/**
 * next-auth's providers for this deployment: `providers` (the credentials provider, server/auth.ts) unless
 * HERALD_CREDENTIALS_SIGNIN is false — then it is not registered at all, so a POST to
 * `/api/auth/callback/credentials` is refused by next-auth (400) — followed by the OIDC provider when it is
 * configured.
 */
export function withSignInMethods(providers: Provider[]): Provider[] {
  const e = env("oidc");
  const oidc = oidcSettings(e);
  return [...providers.filter((p) => e.HERALD_CREDENTIALS_SIGNIN || p.id !== "credentials"), ...(oidc ? [oidcProvider(oidc)] : [])];
}

/** The user object `profile` hands next-auth: Herald's user, or a refusal the signIn callback turns into a redirect. */
type ProfileUser = User & { role?: string; oidcRefused?: keyof typeof OIDC_ERRORS };

/** The request's headers inside next-auth's route handler (next/headers); empty outside a request. */
async function requestHeaders(): Promise<Headers> {
  try {
    const { headers } = await import("next/headers");
    return new Headers(await headers());
  } catch {
    return new Headers();
  }
}

/**
 * The next-auth provider for settings `s` (see the module comment). `profile` runs once the ID token is
 * verified; it resolves the Herald user (link, create, role) and returns it as next-auth's user, whose `id`
 * and `role` the jwt callback puts into the session. A refusal or a database failure returns a user whose id
 * is no uuid (so no session could ever be recorded for it) marked `oidcRefused`, which {@link oidcSignInGate}
 * turns into `/signin?error=…`.
 */
export function oidcProvider(s: NonNullable<ReturnType<typeof oidcSettings>>): OAuthConfig<Record<string, unknown>> {
  const policy: OidcRolePolicy = { claim: s.OIDC_ROLE_CLAIM, map: s.OIDC_ROLE_MAP };
  return {
    id: OIDC_PROVIDER_ID,
    name: s.OIDC_NAME ?? "your organisation",
    type: "oauth",
    wellKnown: `${s.OIDC_ISSUER}/.well-known/openid-configuration`,
    clientId: s.OIDC_CLIENT_ID,
    clientSecret: s.OIDC_CLIENT_SECRET,
    client: { token_endpoint_auth_method: "client_secret_basic" },
    authorization: { params: { scope: s.OIDC_SCOPES } },
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    async profile(claims): Promise<ProfileUser> {
      const refused = (code: keyof typeof OIDC_ERRORS): ProfileUser => ({ id: `refused:${code}`, oidcRefused: code });
      // The issuer discovery named must be the one configured (OpenID Connect Discovery 1.0 §4.3).
      if (typeof claims.iss !== "string" || claims.iss.replace(/\/+$/, "") !== s.OIDC_ISSUER) return refused("OidcInvalidClaims");
      const headers = await requestHeaders();
      try {
        const outcome = await signInWithOidc(claims, policy, { address: clientAddress(headers), acceptLanguage: headers.get("accept-language") });
        if (outcome.status === "refused") return refused(REFUSAL_CODE[outcome.reason]);
        const { id, name, email, role } = outcome.user;
        return { id, name, email, role };
      } catch (err) {
        logger().error({ err: err instanceof Error ? err.message : String(err), issuer: s.OIDC_ISSUER }, "oidc sign-in failed");
        return refused(REFUSAL_CODE.unavailable);
      }
    },
  };
}

/**
 * next-auth's signIn callback for this provider: true for any other provider; for the OIDC provider, a
 * refusal from `profile` becomes the redirect `/signin?error=<code>` (a fixed sentence there, {@link oidcErrorKey}).
 */
export function oidcSignInGate(user: User, account: Account | null): true | string {
  if (account?.provider !== OIDC_PROVIDER_ID) return true;
  const refused = (user as ProfileUser).oidcRefused;
  return refused ? `/signin?${new URLSearchParams({ error: refused })}` : true;
}

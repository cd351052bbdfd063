import "server-only";
/**
 * next-auth 4 (the stable line; v5 is still beta-only on npm): credentials sign-in (and, when configured, the
 * platform's OpenID Connect provider: server/auth-oidc.ts), JWT sessions carrying
 * the user's id and role (CUSTOMER | NGO | BUSINESS | ADMIN). The secret is NEXTAUTH_SECRET (server/env.ts).
 */
import type { NextAuthOptions } from "next-auth";
import { getToken } from "next-auth/jwt";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import CredentialsProvider from "next-auth/providers/credentials";
import { safeRedirectPath } from "./http/safe-redirect";
import { z } from "zod";
import { verifyCredentials } from "./services/users/credentials";
import { adoptBrowserLocale } from "./services/preferences/preferences";
import { clientAddress } from "./services/security/client-address";
import { attemptSignIn, LoginLockedError } from "./services/security/login-throttle";
import { EmailNotVerifiedError } from "./services/accounts/errors";
import { createAuthSession, revokeAuthSession, sessionUser, SESSION_MAX_AGE_S, type SessionUserRow } from "./services/users/sessions";
import { oidcSignInGate, withSignInMethods } from "./auth-oidc";

const credentials = z.object({ email: z.string().trim().email().max(320), password: z.string().min(1).max(200) });

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/signin" },
  // The credentials provider unless HERALD_CREDENTIALS_SIGNIN=false, and the platform's OIDC provider when configured (server/auth-oidc.ts).
  providers: withSignInMethods([
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      /**
       * Checks the password under the sign-in limit (issue 12; server/services/security/login-throttle.ts):
       * 5 failures per account (20 per client address), then each failure locks for 1 s, 2 s, 4 s … up to
       * 15 min; a locked attempt is refused without checking the password. Null for a wrong pair; throws
       * `LoginLockedError` (message `TooManyAttempts:<seconds>`, next-auth's `error` for the form) when
       * locked or when this failure started a lock. A person who never chose a language gets their
       * browser's (`adoptBrowserLocale`). The right password of an account whose address is not confirmed yet
       * (made at /signup) throws `EmailNotVerifiedError` (`error` "EmailNotVerified").
       */
      async authorize(raw, req) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) return null;
        const headers = new Headers();
        for (const [name, value] of Object.entries((req?.headers ?? {}) as Record<string, unknown>)) if (typeof value === "string") headers.set(name, value);
        const outcome = await attemptSignIn({ ...parsed.data, address: clientAddress(headers) }, verifyCredentials);
        if (outcome.status === "ok") {
          // An address not yet confirmed (sign-up, issue 17) keeps the account out: the form offers the link again.
          if (!outcome.user.emailVerified) throw new EmailNotVerifiedError();
          await adoptBrowserLocale(outcome.user.id, headers.get("accept-language"));
          return outcome.user;
        }
        if (outcome.retryAfter !== null) throw new LoginLockedError(outcome.retryAfter);
        return null;
      },
    }),
  ]),
  callbacks: {
    /** A sign-in with the platform's provider that its account rules refused goes back to /signin with the reason (server/auth-oidc.ts). */
    signIn({ user, account }) {
      return oidcSignInGate(user, account);
    },
    /**
     * At sign-in (`user` set) records the session server-side (auth_sessions) and puts its id in the JWT as
     * `sid`; every request checks that row (currentUser), so sign-out and revocation end the cookie.
     */
    async jwt({ token, user }) {
      if (user) {
        token.id = user.id;
        token.role = (user as unknown as { role: SessionUserRow["role"] }).role;
        token.sid = (await createAuthSession(user.id, { userAgent: await requestUserAgent() })).id;
      }
      return token;
    },
    session({ session, token }) {
      session.user = { ...session.user, id: token.id, role: token.role };
      return session;
    },
    /**
     * Where next-auth sends the browser after sign-in and sign-out (`callbackUrl`): a same-origin path only,
     * resolved with the URL parser against `baseUrl` (NEXTAUTH_URL); anything else goes to /notifications
     * (issue 12 "No open redirect"; server/http/safe-redirect.ts).
     */
    redirect({ url, baseUrl }) {
      return new URL(safeRedirectPath(url, { appOrigin: baseUrl }), baseUrl).href;
    },
  },
  events: {
    /**
     * Sign-out (POST /api/auth/signout) ends the session on the server too: with JWT sessions next-auth
     * passes the decoded token (node_modules/next-auth/core/routes/signout.js), whose `sid` is revoked, so
     * a copy of the cookie stops working at once. An error here is logged by next-auth and the cookie is
     * still cleared.
     */
    async signOut({ token }) {
      await revokeAuthSession(token?.sid);
    },
  },
};

/** The sign-in request's User-Agent, when called inside a request (next-auth's route handler); else null. */
async function requestUserAgent(): Promise<string | null> {
  try {
    const { headers } = await import("next/headers");
    return (await headers()).get("user-agent");
  } catch {
    return null;
  }
}

/**
 * The signed-in user ({ id, role, name, email, sessionId }) or null. The session cookie is decrypted with
 * next-auth's own `getToken` (next-auth/jwt: the JWE `authOptions` issues, NEXTAUTH_SECRET, the
 * `__Secure-` cookie name when NEXTAUTH_URL is https); a missing, forged or expired cookie is null. Its
 * `sid` must name a live session: not revoked (sign-out, "Sign out of all devices", a password change
 * elsewhere, a role change), not expired, and its user still exists (a deleted account's sessions cascade
 * away). Role, name and email are read fresh. Cost: one decryption and ONE query per call (the session by
 * primary key joined with its user, server/services/users/sessions.ts); a JWT without `sid` (issued before
 * sessions were recorded) signs in no one, without a query.
 *
 * Not `getServerSession`: that runs next-auth's whole session endpoint per call (options, CSRF token, the
 * session callbacks) and encrypts a renewed cookie that a route handler then discards. A renewal would
 * change nothing here anyway: a session ends {@link SESSION_MAX_AGE_S} after sign-in (the `auth_sessions`
 * row), however often the cookie is renewed. Only the cookie is read, never an `Authorization` header.
 */
export async function currentUser(): Promise<SessionUserRow | null> {
  const token = await getToken({ req: { cookies: await cookies(), headers: new Headers() } as unknown as Parameters<typeof getToken>[0]["req"] });
  return typeof token?.sid === "string" ? sessionUser(token.sid) : null;
}

/**
 * For pages: the signed-in user, or a redirect to /signin that comes back to `path` afterwards.
 */
export async function requireUser(path: string) {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  return user;
}

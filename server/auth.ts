import "server-only";
/**
 * next-auth 4 (the stable line; v5 is still beta-only on npm): credentials sign-in, JWT sessions carrying
 * the user's id and role (CUSTOMER | NGO | BUSINESS | ADMIN). The secret is NEXTAUTH_SECRET (server/env.ts).
 */
import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { verifyCredentials } from "./services/users/credentials";
import { db } from "./db";
import type { Role } from "./generated/prisma/client";

const credentials = z.object({ email: z.string().trim().email().max(320), password: z.string().min(1).max(200) });

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) return null;
        return verifyCredentials(parsed.data.email, parsed.data.password);
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.id = user.id;
        token.role = (user as unknown as { role: Role }).role;
      }
      return token;
    },
    session({ session, token }) {
      session.user = { ...session.user, id: token.id, role: token.role };
      return session;
    },
  },
};

/**
 * The signed-in user ({ id, role, name, email }) or null. The session's user must still exist: a deleted
 * account's unexpired session signs in no one (issue 5 erasure), and the role is read fresh, so a changed
 * role applies at once (one primary-key lookup per request).
 */
export async function currentUser() {
  const session = await getServerSession(authOptions);
  if (!session?.user?.id) return null;
  const row = await db.user.findUnique({ where: { id: session.user.id }, select: { role: true } });
  return row ? { ...session.user, role: row.role } : null;
}

/**
 * For pages: the signed-in user, or a redirect to /signin that comes back to `path` afterwards.
 */
export async function requireUser(path: string) {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  return user;
}

import type { DefaultSession } from "next-auth";

type Role = "CUSTOMER" | "NGO" | "BUSINESS" | "ADMIN";

declare module "next-auth" {
  interface Session {
    user: DefaultSession["user"] & { id: string; role: Role };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    id: string;
    role: Role;
    /** The `auth_sessions` row of this sign-in (server/services/users/sessions.ts); absent in JWTs issued before it existed. */
    sid?: string;
  }
}

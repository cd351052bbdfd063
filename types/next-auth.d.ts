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
  }
}

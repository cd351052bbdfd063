/**
 * next-auth's routes. POSTs pass the sign-in limit first (issue 12): a locked account or address gets 429
 * with Retry-After at `/callback/credentials` (server/http/login-limit-route.ts).
 */
import NextAuth from "next-auth";
import { authOptions } from "@/server/auth";
import { withLoginLimit } from "@/server/http/login-limit-route";

const handler = NextAuth(authOptions);
const POST = withLoginLimit(handler);
export { handler as GET, POST };

/**
 * next-auth's `authorize()` (server/auth.ts) enforces the sign-in limit (issue 12): failures are counted per
 * account and per client address, a lock throws `TooManyAttempts:<s>` (next-auth's `error` for the form),
 * and a locked attempt is refused even with the right password.
 */
import { randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { createUser } from "@/prisma/factory";
import { DEMO_PASSWORD } from "@/prisma/demo-accounts";
import { authOptions } from "@/server/auth";
import { withSocketAddress } from "./client-address";
import { accountThrottleKey } from "./login-throttle";

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;
const address = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const headersFrom = (ip: string) => Object.fromEntries(withSocketAddress({ "x-forwarded-for": "6.6.6.6" }, ip).entries());

describe("authorize()", () => {
  it("counts failures, throws TooManyAttempts:<s> from the fifth, and refuses the right password while locked", async () => {
    const user = await createUser(db);
    const ip = address();
    for (let i = 0; i < 4; i++) expect(await authorize({ email: user.email, password: "wrong" }, { headers: headersFrom(ip) })).toBeNull();
    await expect(authorize({ email: user.email, password: "wrong" }, { headers: headersFrom(ip) })).rejects.toThrow(/^TooManyAttempts:1$/);
    await expect(authorize({ email: user.email, password: DEMO_PASSWORD }, { headers: headersFrom(address()) })).rejects.toThrow(/^TooManyAttempts:\d+$/);
    expect(await db.loginThrottle.findUnique({ where: { key: `ip:${ip}` } })).toMatchObject({ failures: 5 });
    expect(await db.loginThrottle.findUnique({ where: { key: "ip:6.6.6.6" } })).toBeNull();
  });

  it("signs in with the right password and clears the account's failures", async () => {
    const user = await createUser(db);
    await authorize({ email: user.email, password: "wrong" }, { headers: headersFrom(address()) });
    expect(await authorize({ email: user.email, password: DEMO_PASSWORD }, { headers: headersFrom(address()) })).toMatchObject({ id: user.id });
    expect(await db.loginThrottle.findUnique({ where: { key: accountThrottleKey(user.email) } })).toBeNull();
  });
});

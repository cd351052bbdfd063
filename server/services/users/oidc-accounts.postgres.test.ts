/**
 * The last-admin rule under real concurrency (server/services/users/oidc-accounts.ts, issue 17): two admins
 * whom the provider demotes at the same moment, on separate sessions. PostgreSQL lane only
 * (`*.postgres.test.ts`, vitest.config.ts): PGlite serves every connection from one session, so nothing there
 * runs at the same time.
 */
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { db } from "../../db";
import { createUser } from "../../../prisma/factory";
import { signInWithOidc } from "./oidc-accounts";

it("of the last two admins demoted at once, exactly one is demoted and the other refused: no deadlock, an admin kept", async () => {
  const others = await db.user.findMany({ where: { role: "ADMIN" }, select: { id: true } });
  await db.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { role: "CUSTOMER" } });
  try {
    for (let round = 0; round < 10; round++) {
      const admins = [await createUser(db, { role: "ADMIN" }), await createUser(db, { role: "ADMIN" })];
      // Both linked first, so the concurrent sign-ins below go straight to the role change.
      const subs = admins.map(() => randomUUID());
      for (const [i, a] of admins.entries()) await signInWithOidc({ iss: "https://lock.platform.test", sub: subs[i], email: a.email, email_verified: true, role: "admin" }, { claim: "role" });
      const outcomes = await Promise.all(admins.map((_, i) => signInWithOidc({ iss: "https://lock.platform.test", sub: subs[i], role: "customer" }, { claim: "role" })));
      expect(outcomes.map((o) => o.status).sort()).toEqual(["ok", "refused"]);
      expect(outcomes.find((o) => o.status === "refused")).toEqual({ status: "refused", reason: "last_admin" });
      expect(await db.user.count({ where: { role: "ADMIN" } })).toBe(1);
      await db.user.updateMany({ where: { id: { in: admins.map((a) => a.id) } }, data: { role: "CUSTOMER" } });
    }
  } finally {
    await db.user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { role: "ADMIN" } });
  }
}, 120_000);

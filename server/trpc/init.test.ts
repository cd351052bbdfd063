/**
 * tRPC errors in the reader's language (./init.ts errorFormatter, server/i18n-errors.ts): the real router over
 * the fetch adapter, as the browser calls it, with the context the app builds — the session's user as
 * server/services/users/sessions.ts reads it (with the language the person chose) and the request's
 * Accept-Language. Messages and field details are translated; codes are not.
 */
import { describe, expect, it } from "vitest";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createUser } from "@/prisma/factory";
import { db } from "@/server/db";
import { createAuthSession, sessionUser } from "@/server/services/users/sessions";
import { appRouter } from "./root";
import type { Context } from "./init";

type ErrorBody = { error: { json: { message: string; data: { code: string; appCode: string | null; details: Record<string, unknown> | null } } } };

/** A signed-in admin whose `users.locale` is `locale` (null: never chose), as createContext would see them. */
async function admin(locale: string | null): Promise<NonNullable<Context["user"]>> {
  const u = await createUser(db, { role: "ADMIN" });
  await db.user.update({ where: { id: u.id }, data: { locale } });
  const user = await sessionUser((await createAuthSession(u.id)).id);
  if (!user) throw new Error("no session");
  return user;
}

/** Calls `path` (a mutation) over HTTP with `input`, as `user` with `acceptLanguage`; the error's JSON. */
async function fail(path: string, input: unknown, ctx: Pick<Context, "user" | "acceptLanguage">): Promise<{ status: number; body: ErrorBody["error"]["json"] }> {
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    router: appRouter,
    createContext: async () => ctx,
    req: new Request(`http://localhost/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ json: input }) }),
  });
  return { status: res.status, body: ((await res.json()) as ErrorBody).error.json };
}

const NOWHERE = "00000000-0000-4000-8000-000000000000";
const nameless = {
  name: "",
  inAppTitle: "Winter food drive",
  inAppBody: "Double the pickups all July",
  emailSubject: "Winter food drive",
  emailBody: "Help us **double** the pickups.",
  channels: ["IN_APP", "EMAIL"],
  audience: { kind: "role", role: "NGO" },
};

describe("tRPC errors in the reader's language", () => {
  it("give zod's field messages in Afrikaans to an admin who chose Afrikaans, and in English to one who chose English", async () => {
    const af = await fail("campaigns.create", nameless, { user: await admin("af"), acceptLanguage: "en" });
    expect(af.status).toBe(400);
    expect(af.body.data).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION_ERROR", details: { name: ["Gee die veldtog ’n naam"] } });

    const en = await fail("campaigns.create", nameless, { user: await admin("en"), acceptLanguage: "af-ZA,af;q=0.9" });
    expect(en.body.data).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION_ERROR", details: { name: ["Give the campaign a name"] } });
    expect(await db.campaign.count({ where: { name: "" } })).toBe(0);
  });

  it("word zod's own checks from the issue in the reader's language, and answer with the first message, not zod's JSON", async () => {
    const af = await fail("campaigns.create", { ...nameless, name: "Winter", bogus: 1 }, { user: await admin("af"), acceptLanguage: "en" });
    expect([af.status, af.body.message, af.body.data.appCode]).toEqual([400, "Onbekende veld: bogus", "VALIDATION_ERROR"]);
    const en = await fail("campaigns.create", nameless, { user: await admin(null), acceptLanguage: "en" });
    expect(en.body.message).toBe("Give the campaign a name"); // the first field's message
  });

  it("give a service's AppError message and its details in Afrikaans, keeping codes and reasons as they are", async () => {
    const input = { id: NOWHERE, localDateTime: "2026-02-30T10:00", timeZone: "Africa/Johannesburg" }; // no 30 February
    const af = await fail("campaigns.schedule", input, { user: await admin("af"), acceptLanguage: null });
    expect([af.status, af.body.message]).toEqual([400, "Kies ’n datum en tyd"]);
    expect(af.body.data).toEqual({ code: "BAD_REQUEST", httpStatus: 400, appCode: "VALIDATION_ERROR", details: { scheduledAt: ["Nie ’n datum op die kalender nie"] } });

    const en = await fail("campaigns.schedule", input, { user: await admin("en"), acceptLanguage: null });
    expect([en.body.message, en.body.data.details]).toEqual(["Choose a date and time", { scheduledAt: ["Not a date on the calendar"] }]);

    const missing = await fail("campaigns.cancel", { id: NOWHERE }, { user: await admin("af"), acceptLanguage: null });
    expect([missing.status, missing.body.message, missing.body.data.code, missing.body.data.appCode]).toEqual([404, "Veldtog nie gevind nie", "NOT_FOUND", "NOT_FOUND"]);

    const phone = await fail("phone.startVerification", { phone: "" }, { user: await admin("af"), acceptLanguage: null });
    expect([phone.body.message, phone.body.data.details]).toEqual(["Voer ’n selfoonnommer in.", { phone: ["Voer ’n selfoonnommer in."], reason: "empty" }]);
  });

  it("follow the browser for someone who never chose a language or is signed out, else the platform's language", async () => {
    const unchosen = await fail("campaigns.schedule", { id: NOWHERE, localDateTime: "2026-02-30T10:00", timeZone: "Africa/Johannesburg" }, { user: await admin(null), acceptLanguage: "zu-ZA,zu;q=0.9,en;q=0.5" });
    expect([unchosen.body.message, unchosen.body.data.details]).toEqual(["Khetha usuku nesikhathi", { scheduledAt: ["Akulona usuku olukhona kukhalenda"] }]);

    const signedOut = await fail("campaigns.cancel", { id: NOWHERE }, { user: null, acceptLanguage: "af" });
    expect([signedOut.status, signedOut.body.message, signedOut.body.data.code]).toEqual([401, "Meld aan om voort te gaan", "UNAUTHORIZED"]);

    const unknown = await fail("campaigns.cancel", { id: NOWHERE }, { user: null, acceptLanguage: "fr-FR" });
    expect(unknown.body.message).toBe("Sign in to continue"); // HERALD_DEFAULT_LOCALE is unset: English
  });
});

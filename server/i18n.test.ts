/**
 * Languages on the server (./i18n.ts, docs/requirements.md R19): which language a person gets, the one
 * their browser names at sign-in, and text rendered at send time in each recipient's language — a listing's
 * notification title and body, and its email (words, amounts, dates) — against the real database.
 */
import { describe, expect, it } from "vitest";
import { db } from "./db";
import { createBusiness, createListing, createUser, follow } from "../prisma/factory";
import { negotiateLocale, platformLocale, recipientLocale, resolveLocale } from "./i18n";
import { adoptBrowserLocale } from "./services/preferences/preferences";
import { deliverListingChunk } from "./services/delivery/fan-out-listing";
import { decideListingEmails, sendListingEmails } from "./services/delivery/send-listing-emails";
import { createCaptureTransport } from "./services/email/transport";

const ALL = { afterUserId: null, throughUserId: null };
const NOON_SAST = new Date("2026-06-01T10:00:00Z");

describe("a person's language", () => {
  it("is their choice, else their browser's best match by quality, else the platform's", () => {
    expect(negotiateLocale("zu-ZA,zu;q=0.9,en;q=0.8")).toBe("zu");
    expect(negotiateLocale("fr-FR, af;q=0.5, en;q=0.4")).toBe("af");
    expect(negotiateLocale("en;q=0.2, af-ZA;q=0.9")).toBe("af");
    expect(negotiateLocale("fr, de")).toBeNull();
    expect(negotiateLocale("")).toBeNull();
    expect(resolveLocale("zu", "af")).toBe("zu");
    expect(resolveLocale(null, "af-ZA")).toBe("af");
    expect(resolveLocale("xx", "fr")).toBe(platformLocale());
    expect(platformLocale()).toBe("en"); // HERALD_DEFAULT_LOCALE unset
    expect([resolveLocale(null, "fr", "af"), recipientLocale(null, "af"), recipientLocale("zu", "af"), recipientLocale("xx", "zu")]).toEqual(["af", "af", "zu", "zu"]);
  });

  it("is taken from the browser at sign-in when never chosen, and a choice is never overwritten", async () => {
    const fresh = await createUser(db);
    expect(await adoptBrowserLocale(fresh.id, "af-ZA,af;q=0.9")).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id: fresh.id } })).locale).toBe("af");
    expect(await adoptBrowserLocale(fresh.id, "zu")).toBe(false);
    const unknown = await createUser(db);
    expect(await adoptBrowserLocale(unknown.id, "fr-FR")).toBe(false);
    expect((await db.user.findUniqueOrThrow({ where: { id: unknown.id } })).locale).toBeNull();
  });
});

describe("text sent in the recipient's language", () => {
  async function followers() {
    const { business, owner } = await createBusiness(db, { name: "Mama's Kitchen" });
    const [en, af, zu, unset] = [await createUser(db), await createUser(db), await createUser(db), await createUser(db)];
    await db.user.update({ where: { id: en.id }, data: { locale: "en" } });
    await db.user.update({ where: { id: af.id }, data: { locale: "af" } });
    await db.user.update({ where: { id: zu.id }, data: { locale: "zu" } });
    for (const u of [en, af, zu, unset]) await follow(db, u.id, business.id);
    const listing = await createListing(db, business.id, { title: "Vetkoek", priceCents: 3550, description: "" });
    return { business, owner, listing, en, af, zu, unset };
  }

  it("a listing's notification: title and price in each follower's language, the platform's when unset", async () => {
    const { listing, en, af, zu, unset } = await followers();
    expect(await deliverListingChunk(listing.id, ALL)).toEqual({ inserted: 4 });
    const row = async (userId: string) => db.notification.findFirstOrThrow({ where: { userId, dedupeKey: `listing:${listing.id}` }, select: { title: true, body: true } });
    const money = (locale: string) => new Intl.NumberFormat(locale, { style: "currency", currency: "ZAR" }).format(35.5);
    expect(await row(en.id)).toEqual({ title: "New at Mama's Kitchen: Vetkoek", body: money("en-ZA") });
    expect(await row(af.id)).toEqual({ title: "Nuut by Mama's Kitchen: Vetkoek", body: money("af-ZA") });
    expect(await row(zu.id)).toEqual({ title: "Okusha ku-Mama's Kitchen: Vetkoek", body: money("zu-ZA") });
    expect(await row(unset.id)).toEqual(await row(en.id)); // the platform's language (HERALD_DEFAULT_LOCALE, default en)
    expect(money("en-ZA")).toMatch(/^R\s?35,50$/); // the listing page's format, not "ZAR 35.50"
  });

  it("a listing's email: subject, words, amount and footer in the recipient's language", async () => {
    const { listing, en, af } = await followers();
    await deliverListingChunk(listing.id, ALL);
    await decideListingEmails(listing.id, ALL, NOON_SAST);
    await sendListingEmails(listing.id, ALL, { transport: createCaptureTransport(db), at: NOON_SAST });
    const mail = (to: string) => db.capturedEmail.findFirstOrThrow({ where: { to }, orderBy: { createdAt: "desc" } });
    const afMail = await mail(af.email);
    expect(afMail.subject).toBe("Nuut by Mama's Kitchen: Vetkoek");
    expect(afMail.html).toContain('lang="af"');
    for (const words of ["Nuwe kos beskikbaar by Mama", "Prys", "Beskikbaar tot", "Bekyk aanbod", "Teken uit", "Jy ontvang dit omdat"]) {
      expect(afMail.text).toContain(words);
    }
    expect(afMail.text).toMatch(/R\s?35,50/);
    const enMail = await mail(en.email);
    expect(enMail.subject).toBe("New at Mama's Kitchen: Vetkoek");
    expect(enMail.text).toContain("New food available at Mama");
    expect(enMail.text).not.toContain("Prys");
  });
});

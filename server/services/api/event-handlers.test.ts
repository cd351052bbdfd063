/**
 * The notices of host-platform events (./event-handlers.ts) in each recipient's language, against the real
 * database with the app's Inngest functions in the embedded executor: isiZulu and Afrikaans for people who
 * chose them, English — exactly as before — for people who did not. What the host sent (names, order
 * numbers, plans, devices) is never translated.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppJobs } from "@/test/app-jobs";
import { createBusiness, createUser } from "@/prisma/factory";
import { db } from "@/server/db";
import type * as Events from "./events";
import type * as Pickups from "../pickups/pickups";

let jobs: Awaited<ReturnType<typeof startAppJobs>>;
let events: typeof Events;
let pickups: typeof Pickups;

beforeAll(async () => {
  jobs = await startAppJobs();
  events = await import("./events");
  pickups = await import("../pickups/pickups");
});
afterAll(async () => {
  await jobs?.stop();
});

let seq = 0;
async function send(name: string, data: Record<string, unknown>) {
  return events.ingestEvent(events.parseEvent({ name, data }), `evt-${Date.now()}-${++seq}`);
}

async function person(locale: "en" | "af" | "zu" | null) {
  const u = await createUser(db, { timezone: "Africa/Johannesburg" });
  return db.user.update({ where: { id: u.id }, data: { locale } });
}

/** The user's notices as [title, body], sorted (several are written within the same millisecond). */
const texts = async (userId: string) =>
  (await db.notification.findMany({ where: { userId }, select: { title: true, body: true } })).map((n) => [n.title, n.body]).sort(byText);
const byText = (a: string[], b: string[]) => a.join("\n").localeCompare(b.join("\n"));

const DATE = "2026-12-03T10:00:00.000Z";

/** Every account, billing, order and review event for `user` (the owner of `business`). */
async function everything(userId: string, business: { id: string }) {
  await send("security.new_login", { user_id: userId, occurred_at: DATE, device: "Chrome on Windows", location: "Durban" });
  await send("security.new_login", { user_id: userId, occurred_at: DATE });
  for (const status of ["approved", "rejected", "pending"]) await send("verification.status_changed", { user_id: userId, status });
  await send("billing.payment_succeeded", { user_id: userId, amount: "299.00", currency: "ZAR", invoice_number: "INV-7", date: DATE });
  await send("billing.payment_failed", { user_id: userId, amount: "299.00", currency: "ZAR" });
  await send("billing.subscription_expiring", { user_id: userId, amount: "299.00", currency: "ZAR", plan_name: "Pro" });
  await send("billing.subscription_expiring", { user_id: userId, amount: "299.00", currency: "ZAR" });
  const customer = { business_id: business.id, customer_id: userId };
  await send("order.status_changed", { ...customer, order_id: `o-${++seq}`, order_number: "A-1", status: "placed" });
  await send("order.status_changed", { ...customer, order_id: `o-${++seq}`, order_number: "A-2", status: "ready", pickup_at: DATE });
  await send("review.received", { review_id: `rv-${++seq}`, business_id: business.id, reviewer_name: "Thandi M.", rating: 1 });
  await send("review.received", { review_id: `rv-${++seq}`, business_id: business.id, reviewer_name: "Sipho K.", rating: 4, comment: "Still warm" });
}

describe("event notices in the recipient's language", () => {
  it("English without a choice, exactly as before; Afrikaans and isiZulu for those who chose them", async () => {
    const rows: Record<string, string[][]> = {};
    for (const locale of [null, "af", "zu"] as const) {
      const u = await person(locale);
      // The person owns the business (for the reviews) and orders from it (for the order updates).
      const { business } = await createBusiness(db, { name: "Green Leaf Bakery" });
      await db.business.update({ where: { id: business.id }, data: { ownerId: u.id } });
      await everything(u.id, business);
      rows[locale ?? "none"] = await texts(u.id);
    }
    const when = (locale: "en" | "af" | "zu") => pickups.localTime(new Date(DATE), "Africa/Johannesburg", locale);
    const norm = (r: string[][]) => [...r].sort(byText);
    expect(rows.none!).toEqual(norm([
      ["New sign-in to your account", `Chrome on Windows, Durban · ${when("en")}. Not you? Change your password.`],
      ["New sign-in to your account", `${when("en")}. Not you? Change your password.`],
      ["Your account is verified", ""],
      ["Your verification was not approved", ""],
      ["Your verification is in review", ""],
      ["Payment received: ZAR 299.00", `INV-7 · ${when("en")}`],
      ["Payment failed: ZAR 299.00", ""],
      ["Your Pro expires soon", ""],
      ["Your plan expires soon", ""],
      ["Order received: Green Leaf Bakery", "Order A-1"],
      ["Order ready for pickup: Green Leaf Bakery", `Order A-2 · pickup ${when("en")}`],
      ["New 1-star review from Thandi M.", ""],
      ["New 4-star review from Sipho K.", "Still warm"],
    ]));
    expect(when("en")).toBe("Thu 3 Dec, 12:00");
    expect(rows.af!).toEqual(norm([
      ["Nuwe aanmelding op jou rekening", `Chrome on Windows, Durban · ${when("af")}. Was dit nie jy nie? Verander jou wagwoord.`],
      ["Nuwe aanmelding op jou rekening", `${when("af")}. Was dit nie jy nie? Verander jou wagwoord.`],
      ["Jou rekening is geverifieer", ""],
      ["Jou verifikasie is nie goedgekeur nie", ""],
      ["Jou verifikasie word nagegaan", ""],
      ["Betaling ontvang: ZAR 299.00", `INV-7 · ${when("af")}`],
      ["Betaling het misluk: ZAR 299.00", ""],
      ["Jou Pro verstryk binnekort", ""],
      ["Jou intekening verstryk binnekort", ""],
      ["Bestelling ontvang: Green Leaf Bakery", "Bestelling A-1"],
      ["Bestelling gereed vir afhaling: Green Leaf Bakery", `Bestelling A-2 · afhaling ${when("af")}`],
      ["Nuwe 1-ster-resensie van Thandi M.", ""],
      ["Nuwe 4-ster-resensie van Sipho K.", "Still warm"],
    ]));
    expect(rows.zu!).toEqual(norm([
      ["Ukungena okusha ku-akhawunti yakho", `Chrome on Windows, Durban · ${when("zu")}. Akusiwe wena? Shintsha iphasiwedi yakho.`],
      ["Ukungena okusha ku-akhawunti yakho", `${when("zu")}. Akusiwe wena? Shintsha iphasiwedi yakho.`],
      ["I-akhawunti yakho iqinisekisiwe", ""],
      ["Ukuqinisekiswa kwakho akuvunyelwanga", ""],
      ["Ukuqinisekiswa kwakho kusahlolwa", ""],
      ["Inkokhelo yamukelwe: ZAR 299.00", `INV-7 · ${when("zu")}`],
      ["Inkokhelo yehlulekile: ZAR 299.00", ""],
      ["I-Pro yakho izophelelwa yisikhathi maduze", ""],
      ["Ukubhalisa kwakho kuzophelelwa yisikhathi maduze", ""],
      ["I-oda lamukelwe: Green Leaf Bakery", "I-oda A-1"],
      ["I-oda selilungele ukulandwa: Green Leaf Bakery", `I-oda A-2 · ukulanda ${when("zu")}`],
      ["Umbono omusha wenkanyezi eyodwa ovela ku-Thandi M.", ""],
      ["Umbono omusha wezinkanyezi ezingu-4 ovela ku-Sipho K.", "Still warm"],
    ]));
    await jobs.executor.idle();
  });
});

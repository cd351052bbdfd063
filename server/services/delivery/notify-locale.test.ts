/**
 * Notices reach each recipient in their own language (docs/requirements.md R19) through the real pipeline
 * and database: `notifyUsers` decides and queues, `sendNotificationEmails` / `sendSmsDeliveries` render at
 * send time with `users.locale` — the type's email (subject, words, date, footer), the generic fallback
 * email ("Open in Herald"), and the text (words, STOP line). Nothing is mocked: the captured email and text
 * are read back from the database.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { createUser } from "../../../prisma/factory";
import { translator } from "../../../messages";
import { createCaptureTransport } from "../email/transport";
import { createCaptureSmsTransport } from "../sms/transport";
import { notifyUsers, sendNotificationEmails, type Notice } from "./notify";
import { sendSmsDeliveries } from "./mobile-deliveries";

const NOON_SAST = new Date("2026-06-01T10:00:00Z");

/** A customer in Johannesburg who speaks `locale` (null: never chose; the platform's, English). */
async function customer(locale: "zu" | "af" | "en" | null, phone?: string) {
  const u = await createUser(db, { name: "Thandi Mokoena", timezone: "Africa/Johannesburg" });
  return db.user.update({
    where: { id: u.id },
    data: { locale, ...(phone ? { phone, phoneVerifiedAt: NOON_SAST } : {}) },
  });
}

/** The pickup reminder a day ahead (critical: sent whatever the preferences and the hour). */
const reminder = (userId: string, key: string): Notice => ({
  userId,
  type: "pickup_reminder",
  title: "Pickup tomorrow at Mama's Kitchen",
  dedupeKey: `locale-test:${key}`,
  channels: ["IN_APP", "EMAIL", "SMS"],
  email: {
    businessName: "Mama's Kitchen",
    orderNumber: `HB-${key.slice(0, 6)}`,
    pickupTime: "2026-06-02T15:30:00Z",
    pickupLocation: "12 Long Street, Cape Town",
    items: [{ name: "Vetkoek", quantity: 4 }],
    totalAmount: "48.00",
    currency: "ZAR",
    orderUrl: "/notifications",
  },
});

const mailTo = (to: string) => db.capturedEmail.findFirstOrThrow({ where: { to }, orderBy: { createdAt: "desc" } });

describe("a notice in the recipient's language", () => {
  it("emails a user whose users.locale is 'zu' in isiZulu, and one who never chose in English", async () => {
    const zu = await customer("zu");
    const en = await customer(null);
    const { created, email } = await notifyUsers([reminder(zu.id, zu.id), reminder(en.id, en.id)], NOON_SAST);
    expect(email).toEqual({ QUEUED: 2 });
    expect(await sendNotificationEmails(created.map((c) => c.id), { transport: createCaptureTransport(db), at: NOON_SAST })).toEqual({ SENT: 2 });

    const zuMail = await mailTo(zu.email);
    expect(zuMail.subject).toBe(`Isikhumbuzo sokulanda: i-oda HB-${zu.id.slice(0, 6)} ku-Mama's Kitchen`);
    expect(zuMail.html).toMatch(/<html[^>]*lang="zu"/);
    const t = translator("zu");
    for (const words of [
      "Sawubona Thandi,",
      t("mail.pickupReminder.heading"),
      t("mail.common.pickupTime"),
      t("mail.common.itemsToCollect"),
      t("mail.common.viewOrder"),
      "Uthole lokhu ngoba unokulanda okubhukiwe ku-Mama's Kitchen",
      "4× Vetkoek", // the items as written
    ]) {
      expect(zuMail.text).toContain(words);
    }
    // The date in isiZulu and in the recipient's zone (17:30 in Johannesburg), the amount in zu-ZA.
    const when = new Intl.DateTimeFormat("zu-ZA", { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Africa/Johannesburg", timeZoneName: "short" }).format(new Date("2026-06-02T15:30:00Z"));
    expect(zuMail.text).toContain(when);
    expect(when).toContain("17:30");
    expect(zuMail.text).toContain(new Intl.NumberFormat("zu-ZA", { style: "currency", currency: "ZAR", currencyDisplay: "narrowSymbol" }).format(48));
    for (const english of ["Pickup reminder", "Hi Thandi", "You received this because", "Items to collect", "View order"]) {
      expect(zuMail.text).not.toContain(english);
    }

    const enMail = await mailTo(en.email);
    expect(enMail.subject).toBe(`Pickup reminder: order HB-${en.id.slice(0, 6)} at Mama's Kitchen`);
    expect(enMail.html).toMatch(/<html[^>]*lang="en"/);
    expect(enMail.text).toContain("Hi Thandi,");
    expect(enMail.text).toContain("You received this because you have a pickup booked with Mama's Kitchen; pickup reminders are always sent.");
  });

  it("writes the generic fallback email in the recipient's language, 'Open in Herald' included", async () => {
    const zu = await customer("zu");
    const n = await db.notification.create({
      data: { userId: zu.id, type: "system_announcement", category: "announcements", title: "Herald is moving", body: "New address from Monday.", actionUrl: "/notifications", dedupeKey: `locale-fallback:${zu.id}` },
    });
    await db.delivery.create({ data: { notificationId: n.id, userId: zu.id, channel: "EMAIL", status: "QUEUED", payload: { fallback: true } } });
    expect(await sendNotificationEmails([n.id], { transport: createCaptureTransport(db), at: NOON_SAST })).toEqual({ SENT: 1 });
    const mail = await mailTo(zu.email);
    expect(mail.subject).toBe("Herald is moving"); // the sender's words, as written
    expect(mail.text).toContain("New address from Monday.");
    expect(mail.text).toContain(translator("zu")("mail.fallback.open"));
    expect(mail.text).toContain(translator("zu")("email.unsubscribe"));
    expect(mail.text).not.toContain("Open in Herald");
  });

  it("texts a user whose users.locale is 'af' in Afrikaans, one GSM-7 segment", async () => {
    const af = await customer("af", `+2782${String(Date.now()).slice(-7)}`);
    const { created, mobile } = await notifyUsers([reminder(af.id, af.id)], NOON_SAST);
    expect(mobile.SMS).toEqual({ QUEUED: 1 });
    expect(await sendSmsDeliveries(created.map((c) => c.id), { transport: createCaptureSmsTransport(db), at: NOON_SAST })).toEqual({ SENT: 1 });
    const text = await db.capturedSms.findFirstOrThrow({ where: { to: af.phone! } });
    expect(text.body).toMatch(new RegExp(`^Herald: Afhaal Di\\. 2 Jun\\. 17:30 by Mama's Kitchen(, 12 Long Street, Cape Town)?\\. Bestelling HB-${af.id.slice(0, 6)}\\.\\n`));
    expect(text.body).not.toContain("STOP"); // critical: no opt-out line
    expect(text.segments).toBe(1);
  });
});

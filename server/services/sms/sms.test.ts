/**
 * SMS (issue 7): phone validation, verification codes (against the real database, texts captured in
 * captured_sms), segment counting, templates, the Twilio transport against a local stub of its REST API,
 * STOP/START through `applySmsKeyword` and through the webhook route handler, the dev texts page's access
 * rule, and the `phone` tRPC router. The database is shared with other test files: every assertion is about
 * this file's own users and rows.
 */
import { randomBytes, randomInt } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const TOKEN = vi.hoisted(() => {
  // Before anything reads env("sms"): no TWILIO_ACCOUNT_SID (texts are captured), but an auth token and the
  // public webhook URL for the inbound webhook's signature check.
  const token = "test-twilio-auth-token-0123456789abcdef";
  process.env.TWILIO_AUTH_TOKEN = token;
  process.env.TWILIO_WEBHOOK_URL = "https://herald.example.org/api/webhooks/twilio";
  delete process.env.TWILIO_ACCOUNT_SID;
  return token;
});

import { db } from "../../db";
import { createUser } from "../../../prisma/factory";
import { AppError } from "../errors";
import { EMAIL_TEMPLATES } from "../email/render";
import { NOTIFICATION_TYPES } from "../notifications/catalog";
import { createCallerFactory } from "../../trpc/init";
import { phoneRouter } from "../../trpc/routers/phone";
import { trpcCode } from "../../../test/trpc";
import { POST as twilioWebhook } from "../../../app/api/webhooks/twilio/route";
import { normalizePhone } from "./phone";
import { countSmsSegments } from "./sms-segments";
import { sanitizeSmsText, smsBodyFor, SMS_TEMPLATE_TYPES, STOP_LINE, verificationCodeSms, type SmsTemplateType } from "./templates";
import { createTwilioTransport, SmsSendError, type SmsTransport } from "./transport";
import { confirmPhoneVerification, getPhoneStatus, removePhone, startPhoneVerification } from "./verification";
import { applySmsKeyword, resumeSms, smsKeyword } from "./opt-out";
import { formParams, twilioSignature } from "./twilio-signature";
import { listCapturedSms, simulateSmsReply } from "./dev-sms";
import { exportAccount } from "../account/export-account";

/** A fresh, valid South African mobile number: national `082 xxx xxxx` and E.164. */
function zaMobile(): { national: string; e164: string } {
  const rest = String(randomInt(0, 10_000_000)).padStart(7, "0");
  return { national: `082 ${rest.slice(0, 3)} ${rest.slice(3)}`, e164: `+2782${rest}` };
}

/** The AppError a promise (or function) fails with; fails the test when it succeeds or throws something else. */
async function appError(p: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected an AppError");
}

/** The code texted for the user's newest verification (from captured_sms). */
async function lastCode(userId: string): Promise<string> {
  const row = await db.phoneVerification.findFirstOrThrow({ where: { userId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  const sms = await db.capturedSms.findUniqueOrThrow({ where: { idempotencyKey: `phone-verification:${row.id}` } });
  return /(\d{6})/.exec(sms.body)![1]!;
}

const T0 = new Date("2026-05-04T10:00:00.000Z");
const later = (ms: number, from = T0) => new Date(from.getTime() + ms);

// ---------------------------------------------------------------------------------------------------------

describe("normalizePhone", () => {
  it("returns E.164 for a ZA mobile typed in local and international forms", () => {
    for (const input of ["082 123 4567", "0821234567", "082-123-4567", "+27 82 123 4567", "+27821234567", "0027 82 123 4567", "+27 (0)82 123 4567", " 082.123.4567 "]) {
      expect(normalizePhone(input), input).toBe("+27821234567");
    }
    expect(normalizePhone("07911 123456", "GB")).toBe("+447911123456");
    expect(normalizePhone("+44 7911 123456")).toBe("+447911123456"); // an explicit country code wins over ZA
  });

  it("refuses empty, letters, too short, too long, invalid and non-mobile numbers with VALIDATION_ERROR", async () => {
    const cases: [string, string][] = [
      ["", "empty"],
      ["   ", "empty"],
      ["abc", "characters"],
      ["082 ABC 4567", "characters"],
      ["0821234567 ext 5", "characters"],
      ["0821", "too_short"],
      ["12", "too_short"],
      ["0821234567890", "too_long"],
      ["+27 82 1234 5678", "invalid"],
      ["021 555 1234", "not_mobile"], // Cape Town landline
      ["0800 123 456", "not_mobile"], // toll-free
      ["1".repeat(41), "too_long"],
    ];
    for (const [input, reason] of cases) {
      const err = await appError(() => normalizePhone(input));
      expect(err.code, input).toBe("VALIDATION_ERROR");
      expect(err.details?.reason, input).toBe(reason);
      expect(err.message.length).toBeGreaterThan(10);
    }
    expect((await appError(() => normalizePhone("021 555 1234"))).message).toMatch(/landline/);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("countSmsSegments", () => {
  it("counts GSM-7: 160 septets in one segment, 161 in two, 153 per segment beyond", () => {
    expect(countSmsSegments("")).toEqual({ encoding: "GSM-7", segments: 0, length: 0 });
    expect(countSmsSegments("a".repeat(160))).toEqual({ encoding: "GSM-7", segments: 1, length: 160 });
    expect(countSmsSegments("a".repeat(161))).toEqual({ encoding: "GSM-7", segments: 2, length: 161 });
    expect(countSmsSegments("a".repeat(306)).segments).toBe(2);
    expect(countSmsSegments("a".repeat(307)).segments).toBe(3);
    expect(countSmsSegments("Herald: @£$¥èé ÄÖÑÜ§¿ äöñüà ΔΦΓΛΩΠΨΣΘΞ\n").encoding).toBe("GSM-7");
  });

  it("counts extension-table characters as two septets and never splits an escape pair", () => {
    expect(countSmsSegments("€".repeat(80))).toEqual({ encoding: "GSM-7", segments: 1, length: 160 });
    expect(countSmsSegments("€".repeat(81))).toEqual({ encoding: "GSM-7", segments: 2, length: 162 });
    expect(countSmsSegments("{}[]~|^\\").length).toBe(16);
    // 152 + 2 + 152 = 306 septets would be 2 × 153, but the € cannot straddle the boundary: 3 segments.
    expect(countSmsSegments(`${"a".repeat(152)}€${"a".repeat(152)}`).segments).toBe(3);
    expect(countSmsSegments(`${"a".repeat(151)}€${"a".repeat(153)}`).segments).toBe(2);
  });

  it("switches to UCS-2 for anything outside GSM-7: 70 units in one segment, 67 beyond, emoji count 2", () => {
    expect(countSmsSegments("Hi 😀")).toEqual({ encoding: "UCS-2", segments: 1, length: 5 });
    expect(countSmsSegments("😀".repeat(35))).toEqual({ encoding: "UCS-2", segments: 1, length: 70 });
    expect(countSmsSegments(`${"😀".repeat(35)}a`).segments).toBe(2);
    expect(countSmsSegments("ç".repeat(70))).toEqual({ encoding: "UCS-2", segments: 1, length: 70 });
    // 66 units then an emoji: the pair cannot straddle the 67-unit boundary (134 units, yet 3 segments).
    expect(countSmsSegments(`${"ж".repeat(66)}😀${"ж".repeat(66)}`).segments).toBe(3);
    expect(countSmsSegments(`${"ж".repeat(65)}😀${"ж".repeat(67)}`).segments).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("SMS templates", () => {
  const appUrl = "https://herald.example.org";
  const preview = <T extends SmsTemplateType>(type: T) => EMAIL_TEMPLATES[type].previewProps;

  it("fits every type's text in one GSM-7 segment with the prefix, a link, and STOP on non-critical ones", () => {
    for (const type of SMS_TEMPLATE_TYPES) {
      for (const critical of [false, true]) {
        const body = smsBodyFor(type, preview(type) as never, { appUrl, critical });
        const info = countSmsSegments(body);
        expect(info, `${type}: ${body}`).toMatchObject({ encoding: "GSM-7", segments: 1 });
        expect(body.startsWith("Herald: ")).toBe(true);
        const lines = body.split("\n");
        expect(lines.some((l) => l.startsWith(`${appUrl}/`)), body).toBe(true);
        expect(lines.at(-1) === STOP_LINE, body).toBe(!critical);
      }
    }
    expect(NOTIFICATION_TYPES.pickup_reminder.critical).toBe(true);
    const reminder = smsBodyFor("pickup_reminder", preview("pickup_reminder"), { appUrl, critical: true });
    expect(reminder).toBe(
      "Herald: Pickup Thu 26 Jun 17:30 at Mario's Restaurant, 123 Main Street, Pretoria. Order SNB-2025-12345, code ABC123.\nhttps://herald.example.org/notifications",
    );
    // With a STOP line there is less room: the optional address goes, the order number and code stay whole.
    expect(smsBodyFor("pickup_reminder", { ...preview("pickup_reminder"), businessName: "B".repeat(120) }, { appUrl, critical: false })).toMatch(
      /^Herald: Pickup Thu 26 Jun 17:30 at B+\.\.\. Order SNB-2025-12345, code ABC123\.\n/,
    );
  });

  it("sanitizes user text: no control characters or newlines, typographic punctuation made GSM-7", () => {
    expect(sanitizeSmsText("Mario\u2019s\r\nTrattoria\u202e\u0007  \u2014 \u201cbest\u201d\u2026 Zo\u00eb")).toBe(`Mario's Trattoria - "best"... Zoe`);
    const body = smsBodyFor(
      "new_listing",
      { ...preview("new_listing"), businessName: "Evil\r\nReply YES to win\u0000", listingName: "Bread\u2028rolls", listingUrl: "javascript:alert(1)" },
      { appUrl, critical: false },
    );
    const [text, link, stop] = body.split("\n");
    expect(text).toContain("Evil Reply YES to win");
    expect(text).toContain("Bread rolls");
    expect(link).toBe(`${appUrl}/notifications`); // unsafe link replaced by the inbox
    expect(stop).toBe(STOP_LINE);
    expect(body).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u2028\u202e]/);
  });

  it("shortens long user text with an ellipsis, never the link or the STOP line", () => {
    const long = "Very Long Business Name ".repeat(15);
    const body = smsBodyFor("new_listing", { ...preview("new_listing"), businessName: long, listingName: "Lasagne for four with garlic bread and salad", listingUrl: "/listings/42" }, { appUrl, critical: false });
    expect(countSmsSegments(body)).toMatchObject({ encoding: "GSM-7", segments: 1 });
    expect(body).toContain("...");
    const lines = body.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe("https://herald.example.org/listings/42"); // a short link is kept
    expect(lines[2]).toBe(STOP_LINE);
    // A long link (a UUID path) falls back to the short inbox link, which lists the notification.
    const longLink = smsBodyFor("order_status", { ...preview("order_status"), orderUrl: `/orders/${"x".repeat(80)}` }, { appUrl, critical: false });
    expect(longLink.split("\n")[1]).toBe(`${appUrl}/notifications`);
  });

  it("keeps other scripts and emoji (UCS-2) within two segments, still with link and STOP", () => {
    const body = smsBodyFor("new_listing", { ...preview("new_listing"), businessName: "Пекарня 🍞 ".repeat(10) }, { appUrl, critical: false });
    const info = countSmsSegments(body);
    expect(info.encoding).toBe("UCS-2");
    expect(info.segments).toBeLessThanOrEqual(2);
    expect(body.endsWith(`\n${STOP_LINE}`)).toBe(true);
  });

  it("has a generic text from the title for other types", () => {
    expect(smsBodyFor("system_announcement", { title: "Herald is moving\nto a new home", url: "/notifications" }, { appUrl, critical: false })).toBe(
      `Herald: Herald is moving to a new home\n${appUrl}/notifications\n${STOP_LINE}`,
    );
    expect(smsBodyFor("welcome", { title: "" }, { appUrl: `${appUrl}/`, critical: true })).toBe(`Herald: You have a new notification.\n${appUrl}/notifications`);
  });

  it("verification text is one GSM-7 segment", () => {
    const body = verificationCodeSms("012345");
    expect(body).toBe("Herald code: 012345. It expires in 10 minutes. Don't share it.");
    expect(countSmsSegments(body)).toMatchObject({ encoding: "GSM-7", segments: 1 });
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("Twilio transport (local stub of the REST API)", () => {
  interface Seen {
    method: string;
    url: string;
    headers: IncomingMessage["headers"];
    form: URLSearchParams;
  }
  const seen: Seen[] = [];
  let reply: { status: number; body: unknown; headers?: Record<string, string> } = { status: 201, body: {} };
  const stub = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, form: new URLSearchParams(raw) });
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
    });
  });
  let baseUrl = "";
  beforeAll(async () => {
    await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
    baseUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => stub.close(() => r())));

  const SID = `AC${"0123456789abcdef".repeat(2)}`;
  const twilio = (o: { from?: string; messagingServiceSid?: string; base?: string } = { from: "+15005550006" }) =>
    createTwilioTransport({ accountSid: SID, authToken: "stub-auth-token-123", from: o.from, messagingServiceSid: o.messagingServiceSid, baseUrl: o.base ?? baseUrl });
  const sms = { to: "+27821234567", body: "Herald: Pickup at 17:30 & bring a bag\nhttps://herald.example.org/notifications", idempotencyKey: "sms:n-1" };

  it("POSTs the documented form to Messages.json with Basic auth and returns the sid", async () => {
    seen.length = 0;
    reply = { status: 201, body: { sid: "SM0123456789abcdef0123456789abcdef", status: "queued" } };
    const out = await twilio().send({ ...sms, statusCallbackUrl: "https://herald.example.org/api/webhooks/twilio/status" });
    expect(out).toEqual({ providerMessageId: "SM0123456789abcdef0123456789abcdef" });
    expect(seen).toHaveLength(1);
    const req = seen[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:stub-auth-token-123`).toString("base64")}`);
    expect(req.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(req.form)).toEqual({
      To: "+27821234567",
      From: "+15005550006",
      Body: sms.body,
      StatusCallback: "https://herald.example.org/api/webhooks/twilio/status",
    });
  });

  it("uses MessagingServiceSid instead of From when configured", async () => {
    seen.length = 0;
    reply = { status: 201, body: { sid: "SMaaaa" } };
    await twilio({ messagingServiceSid: `MG${"ab".repeat(16)}` }).send(sms);
    expect(Object.fromEntries(seen[0]!.form)).toEqual({ To: sms.to, MessagingServiceSid: `MG${"ab".repeat(16)}`, Body: sms.body });
  });

  it("maps Twilio errors: bad, unreachable, non-mobile and unsubscribed numbers are permanent; 429, 5xx and network errors retryable", async () => {
    const attempt = async (status: number, body: unknown, headers?: Record<string, string>, base?: string) => {
      reply = { status, body, headers };
      try {
        await twilio({ from: "+15005550006", base }).send(sms);
      } catch (err) {
        if (err instanceof SmsSendError) return err;
        throw err;
      }
      throw new Error("expected SmsSendError");
    };
    for (const code of [21211, 21614, 21610, 21612, 21408]) {
      const err = await attempt(400, { code, message: "nope", more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 });
      expect(err.permanent, String(code)).toBe(true);
      expect(err.code).toBe(String(code));
      expect(err.recipientOptedOut).toBe(code === 21610);
    }
    const auth = await attempt(401, { code: 20003, message: "Authenticate" });
    expect(auth).toMatchObject({ permanent: true, code: "20003", status: 401 });
    const limited = await attempt(429, { code: 20429, message: "Too Many Requests" }, { "retry-after": "5" });
    expect(limited).toMatchObject({ permanent: false, code: "20429", status: 429, retryAfterMs: 5000 });
    const down = await attempt(503, "<html>unavailable</html>");
    expect(down).toMatchObject({ permanent: false, status: 503 });
    expect(down.code).toBeUndefined();
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const network = await attempt(0, null, undefined, `http://127.0.0.1:${port}`);
    expect(network).toMatchObject({ permanent: false, status: null });
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("phone verification", () => {
  it("texts a 6-digit code (captured), stores only its HMAC, expires in 10 minutes", async () => {
    const user = await createUser(db);
    const n = zaMobile();
    const started = await startPhoneVerification(user.id, n.national, T0);
    expect(started).toEqual({ phone: n.e164, display: `+27 82 ${n.national.slice(4)}`, expiresAt: later(600_000), nextCodeAt: later(60_000) });
    const row = await db.phoneVerification.findFirstOrThrow({ where: { userId: user.id } });
    const sms = await db.capturedSms.findUniqueOrThrow({ where: { idempotencyKey: `phone-verification:${row.id}` } });
    expect(sms.to).toBe(n.e164);
    expect(sms.body).toMatch(/^Herald code: \d{6}\. It expires in 10 minutes\. Don't share it\.$/);
    expect(sms.segments).toBe(1);
    const code = await lastCode(user.id);
    expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.codeHash).not.toContain(code);
    expect(row).toMatchObject({ phone: n.e164, attempts: 0, consumedAt: null, expiresAt: later(600_000) });
    const status = await getPhoneStatus(user.id, later(1000));
    expect(status).toMatchObject({ phone: null, pending: { phone: n.e164, attemptsLeft: 5 }, nextCodeAt: later(60_000), defaultCountry: { code: "ZA", callingCode: "27" } });
  });

  it("verifies with the right code, stores E.164, consumes the code (reuse refused)", async () => {
    const user = await createUser(db);
    const n = zaMobile();
    await startPhoneVerification(user.id, n.national, T0);
    const code = await lastCode(user.id);
    const at = later(120_000);
    expect(await confirmPhoneVerification(user.id, `${code.slice(0, 3)} ${code.slice(3)}`, at)).toEqual({ phone: n.e164, verifiedAt: at });
    const u = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(u).toMatchObject({ phone: n.e164, phoneVerifiedAt: at, smsOptedOutAt: null });
    expect(await db.notificationSettings.findUnique({ where: { userId: user.id } })).toMatchObject({ smsEnabled: true }); // verifying opts in to texts
    expect((await db.phoneVerification.findFirstOrThrow({ where: { userId: user.id } })).consumedAt).toEqual(at);
    const reuse = await appError(confirmPhoneVerification(user.id, code, later(130_000)));
    expect(reuse).toMatchObject({ code: "VALIDATION_ERROR", details: { reason: "no_pending_code" } });
    expect(await getPhoneStatus(user.id, later(130_000))).toMatchObject({ phone: n.e164, display: expect.stringMatching(/^\+27 82 /), pending: null });
    const again = await appError(startPhoneVerification(user.id, n.e164, later(200_000)));
    expect(again).toMatchObject({ code: "VALIDATION_ERROR", details: { reason: "already_verified" } });
  });

  it("counts wrong codes; after 5 tries the code is dead, even the right one", async () => {
    const user = await createUser(db);
    await startPhoneVerification(user.id, zaMobile().national, T0);
    const code = await lastCode(user.id);
    const wrong = code === "000000" ? "111111" : "000000";
    const first = await appError(confirmPhoneVerification(user.id, wrong, later(1000)));
    expect(first).toMatchObject({ code: "VALIDATION_ERROR", message: "That code is not right. 4 tries left.", details: { reason: "wrong_code", attemptsLeft: 4 } });
    for (let i = 2; i <= 5; i++) await appError(confirmPhoneVerification(user.id, wrong, later(i * 1000)));
    expect((await db.phoneVerification.findFirstOrThrow({ where: { userId: user.id } })).attempts).toBe(5);
    const sixth = await appError(confirmPhoneVerification(user.id, code, later(7000)));
    expect(sixth).toMatchObject({ code: "VALIDATION_ERROR", details: { reason: "too_many_attempts" } });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).phone).toBeNull();
    expect((await appError(confirmPhoneVerification(user.id, "12345", later(8000)))).details?.reason).toBe("format");
  });

  it("refuses an expired code; accepts it a second before expiry", async () => {
    const a = await createUser(db);
    await startPhoneVerification(a.id, zaMobile().national, T0);
    const expired = await appError(confirmPhoneVerification(a.id, await lastCode(a.id), later(600_000)));
    expect(expired).toMatchObject({ code: "VALIDATION_ERROR", details: { reason: "expired" } });
    expect(expired.message).toMatch(/expired/);
    const b = await createUser(db);
    await startPhoneVerification(b.id, zaMobile().national, T0);
    await expect(confirmPhoneVerification(b.id, await lastCode(b.id), later(599_000))).resolves.toMatchObject({ verifiedAt: later(599_000) });
  });

  it("only the newest code counts", async () => {
    const user = await createUser(db);
    await startPhoneVerification(user.id, zaMobile().national, T0);
    const first = await lastCode(user.id);
    const n2 = zaMobile();
    await startPhoneVerification(user.id, n2.national, later(61_000));
    const second = await lastCode(user.id);
    if (first !== second) {
      expect((await appError(confirmPhoneVerification(user.id, first, later(62_000)))).details?.reason).toBe("wrong_code");
    }
    await expect(confirmPhoneVerification(user.id, second, later(63_000))).resolves.toMatchObject({ phone: n2.e164 });
  });

  it("throttles: one code per 60 s and 5 per rolling hour per user (RATE_LIMITED with the wait)", async () => {
    const user = await createUser(db);
    const n = zaMobile().national;
    await startPhoneVerification(user.id, n, T0);
    const soon = await appError(startPhoneVerification(user.id, n, later(30_000)));
    expect(soon).toMatchObject({ code: "RATE_LIMITED", details: { retryAfterSeconds: 30 } });
    expect(soon.message).toMatch(/30 seconds/);
    for (const s of [60, 120, 180, 240]) await startPhoneVerification(user.id, n, later(s * 1000));
    const hourly = await appError(startPhoneVerification(user.id, n, later(300_000)));
    expect(hourly).toMatchObject({ code: "RATE_LIMITED", details: { retryAfterSeconds: 3300 } });
    expect(hourly.message).toMatch(/5 codes in the last hour.*55 minutes/);
    expect((await getPhoneStatus(user.id, later(300_000))).nextCodeAt).toEqual(later(3_600_000));
    await expect(startPhoneVerification(user.id, n, later(3_600_001))).resolves.toMatchObject({ phone: expect.stringMatching(/^\+2782/) });
  });

  it("limits codes to one number across accounts (10 per hour)", async () => {
    const n = zaMobile();
    for (let i = 0; i < 10; i++) {
      const u = await createUser(db);
      await startPhoneVerification(u.id, n.national, later(i * 1000));
    }
    const u = await createUser(db);
    const err = await appError(startPhoneVerification(u.id, n.national, later(20_000)));
    expect(err).toMatchObject({ code: "RATE_LIMITED", details: { retryAfterSeconds: 3580 } });
  });

  it("refuses a number verified by another account (CONFLICT, without saying whose)", async () => {
    const owner = await createUser(db, { name: "Owner Person" });
    const n = zaMobile();
    await startPhoneVerification(owner.id, n.national, T0);
    await confirmPhoneVerification(owner.id, await lastCode(owner.id), later(1000));
    const other = await createUser(db);
    const err = await appError(startPhoneVerification(other.id, `+27 ${n.e164.slice(3)}`, later(2000)));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).not.toContain(owner.email);
    expect(err.message).not.toContain("Owner");
    expect(err.details).toBeUndefined();
  });

  it("a code whose text cannot be sent is forgotten and does not count", async () => {
    const g = globalThis as unknown as { heraldSmsTransport?: SmsTransport };
    const saved = g.heraldSmsTransport;
    const user = await createUser(db);
    try {
      g.heraldSmsTransport = { name: "twilio", send: async () => Promise.reject(new SmsSendError("Twilio refused (21614)", { permanent: true, code: "21614", status: 400 })) };
      const err = await appError(startPhoneVerification(user.id, zaMobile().national, T0));
      expect(err).toMatchObject({ code: "VALIDATION_ERROR", details: { reason: "undeliverable" } });
      g.heraldSmsTransport = { name: "twilio", send: async () => Promise.reject(new SmsSendError("Twilio 503", { permanent: false, status: 503 })) };
      expect((await appError(startPhoneVerification(user.id, zaMobile().national, later(1000)))).code).toBe("DELIVERY_FAILED");
      g.heraldSmsTransport = { name: "twilio", send: async () => Promise.reject(new SmsSendError("21610", { permanent: true, code: "21610", status: 400 })) };
      expect((await appError(startPhoneVerification(user.id, zaMobile().national, later(2000)))).details?.reason).toBe("opted_out");
      expect(await db.phoneVerification.count({ where: { userId: user.id } })).toBe(0);
    } finally {
      g.heraldSmsTransport = saved;
    }
    await expect(startPhoneVerification(user.id, zaMobile().national, later(3000))).resolves.toBeTruthy(); // not throttled
  });

  it("verifying a new number clears an opt-out; removing the number forgets it all", async () => {
    const user = await createUser(db);
    await db.user.update({ where: { id: user.id }, data: { phone: zaMobile().e164, phoneVerifiedAt: T0, smsOptedOutAt: T0 } });
    const n = zaMobile();
    await startPhoneVerification(user.id, n.national, later(1000));
    await confirmPhoneVerification(user.id, await lastCode(user.id), later(2000));
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ phone: n.e164, smsOptedOutAt: null });
    await startPhoneVerification(user.id, zaMobile().national, later(70_000)); // a pending change of number
    await removePhone(user.id, later(80_000));
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ phone: null, phoneVerifiedAt: null, smsOptedOutAt: null });
    expect((await getPhoneStatus(user.id, later(81_000))).pending).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------

/** A user with a verified number (set directly). */
async function verifiedUser(opts: { optedOut?: Date } = {}) {
  const user = await createUser(db);
  const n = zaMobile();
  await db.user.update({ where: { id: user.id }, data: { phone: n.e164, phoneVerifiedAt: T0, smsOptedOutAt: opts.optedOut ?? null } });
  return { user, phone: n.e164, national: n.national };
}
const optedOutAt = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id }, select: { smsOptedOutAt: true } })).smsOptedOutAt;

describe("STOP and START", () => {
  it("recognises the whole-message keywords, case-insensitive and trimmed", () => {
    for (const w of ["STOP", " stop ", "Stop.", "stopall", "UNSUBSCRIBE", "cancel", "End", "quit", "OptOut", "REVOKE!"]) expect(smsKeyword(w), w).toBe("opt_out");
    for (const w of ["START", "start", " Yes ", "unstop"]) expect(smsKeyword(w), w).toBe("opt_in");
    for (const w of ["HELP", "info"]) expect(smsKeyword(w), w).toBe("help");
    for (const w of ["please stop", "STOP NOW", "stopp", "", "Thanks!"]) expect(smsKeyword(w), w).toBe("none");
  });

  it("applySmsKeyword opts the sending number's account out (first time kept) and back in", async () => {
    const { user, phone, national } = await verifiedUser();
    const other = await verifiedUser();
    expect(await applySmsKeyword(phone, "stop", later(1000))).toEqual({ action: "opt_out", userId: user.id, changed: true });
    expect(await optedOutAt(user.id)).toEqual(later(1000));
    expect(await applySmsKeyword(phone, "UNSUBSCRIBE", later(2000))).toMatchObject({ changed: false });
    expect(await optedOutAt(user.id)).toEqual(later(1000));
    expect(await optedOutAt(other.user.id)).toBeNull();
    expect(await applySmsKeyword(phone, "hello", later(3000))).toEqual({ action: "none", userId: user.id, changed: false });
    expect(await applySmsKeyword(national, "START", later(4000))).toEqual({ action: "opt_in", userId: user.id, changed: true });
    expect(await optedOutAt(user.id)).toBeNull();
    expect(await applySmsKeyword(zaMobile().e164, "STOP")).toEqual({ action: "opt_out", userId: null, changed: false });
    expect(await applySmsKeyword("12345", "STOP")).toEqual({ action: "opt_out", userId: null, changed: false });
  });

  it("Resume clears the opt-out from the app; needs a number", async () => {
    const { user } = await verifiedUser({ optedOut: T0 });
    expect(await resumeSms(user.id)).toEqual({ changed: true });
    expect(await optedOutAt(user.id)).toBeNull();
    const none = await createUser(db);
    expect((await appError(resumeSms(none.id))).code).toBe("VALIDATION_ERROR");
  });

  describe("the Twilio webhook route", () => {
    const PUBLIC_URL = "https://herald.example.org/api/webhooks/twilio";
    const form = (o: Record<string, string>) => new URLSearchParams(o);
    const post = (url: string, body: URLSearchParams, signature: string | null) =>
      twilioWebhook(
        new Request(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", ...(signature ? { "x-twilio-signature": signature } : {}) },
          body: body.toString(),
        }),
      );
    const inbound = (from: string, text: string) =>
      form({ ToCountry: "ZA", SmsMessageSid: "x", NumMedia: "0", MessageSid: `SM${randomBytes(16).toString("hex")}`, AccountSid: `AC${"0".repeat(32)}`, From: from, To: "+27600000000", Body: text, ApiVersion: "2010-04-01" });

    it("applies a correctly signed STOP and answers empty TwiML", async () => {
      const { user, phone } = await verifiedUser();
      const body = inbound(phone, "STOP");
      // Twilio signed the public URL; the request reached the app at an internal address.
      const res = await post("http://127.0.0.1:3000/api/webhooks/twilio", body, twilioSignature(TOKEN, PUBLIC_URL, formParams(body)));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/xml/);
      expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      expect(await optedOutAt(user.id)).toBeInstanceOf(Date);

      // START (signed with the explicit :443 port, which Twilio sometimes includes) opts back in …
      const start = inbound(phone, "start");
      expect((await post(PUBLIC_URL, start, twilioSignature(TOKEN, "https://herald.example.org:443/api/webhooks/twilio", formParams(start)))).status).toBe(200);
      expect(await optedOutAt(user.id)).toBeNull();
      // … and a redelivered STOP (same MessageSid) changes nothing.
      expect((await post(PUBLIC_URL, body, twilioSignature(TOKEN, PUBLIC_URL, formParams(body)))).status).toBe(200);
      expect(await optedOutAt(user.id)).toBeNull();
    });

    it("refuses a body over 64 KB with 413, declared or not", async () => {
      const big = `Body=${"x".repeat(70_000)}`;
      const declared = await twilioWebhook(new Request(PUBLIC_URL, { method: "POST", headers: { "content-length": String(big.length) }, body: big }));
      expect(declared.status).toBe(413);
      expect(await declared.json()).toEqual({ error: { code: "VALIDATION_ERROR", message: "Body too large" } });
      const undeclared = await twilioWebhook(new Request(PUBLIC_URL, { method: "POST", body: big }));
      expect(undeclared.status).toBe(413);
    });

    it("refuses a badly signed or unsigned request with 401 and changes nothing", async () => {
      const { user, phone } = await verifiedUser();
      const body = inbound(phone, "STOP");
      const forged = [
        twilioSignature("not-the-auth-token-0123456789", PUBLIC_URL, formParams(body)),
        twilioSignature(TOKEN, "https://evil.example/api/webhooks/twilio", formParams(body)),
        twilioSignature(TOKEN, PUBLIC_URL, formParams(inbound(phone, "START"))), // signature of another body
        "",
        null,
      ];
      for (const signature of forged) {
        const res = await post(PUBLIC_URL, body, signature);
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ error: { code: "UNAUTHORIZED", message: "Invalid Twilio signature" } });
      }
      expect(await optedOutAt(user.id)).toBeNull();
    });
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("dev texts page", () => {
  it("non-admins see their own codes and texts to their verified number; admins see all", async () => {
    const a = await createUser(db);
    const b = await createUser(db);
    const admin = await createUser(db, { role: "ADMIN" });
    const na = zaMobile();
    // Real time here: captured_sms.created_at is the database's clock.
    await startPhoneVerification(a.id, na.national);
    await startPhoneVerification(b.id, na.national); // b typed a's number too: b sees only b's own code
    await confirmPhoneVerification(a.id, await lastCode(a.id));
    const { providerMessageId } = await (await import(".")).smsTransport().send({ to: na.e164, body: "Herald: hello a", idempotencyKey: `test:${randomBytes(8).toString("hex")}` });
    const mine = await listCapturedSms({ id: a.id, role: "CUSTOMER" });
    expect(mine.map((t) => t.body)).toEqual(expect.arrayContaining(["Herald: hello a"]));
    expect(mine.filter((t) => t.body.startsWith("Herald code:"))).toHaveLength(1);
    expect(mine[0]).toMatchObject({ encoding: "GSM-7", segments: 1 });
    const theirs = await listCapturedSms({ id: b.id, role: "NGO" });
    expect(theirs).toHaveLength(1);
    expect(theirs[0]!.body).toMatch(/^Herald code:/);
    const all = await listCapturedSms({ id: admin.id, role: "ADMIN" }, 200);
    expect(all.map((t) => `captured:${t.id}`)).toContain(providerMessageId);
  });

  it("simulates a STOP reply from the viewer's own number", async () => {
    const { user } = await verifiedUser();
    expect(await simulateSmsReply({ id: user.id, role: "CUSTOMER" }, { body: "STOP" }, later(5000))).toMatchObject({ action: "opt_out", changed: true });
    expect(await optedOutAt(user.id)).toEqual(later(5000));
    const none = await createUser(db);
    expect((await appError(simulateSmsReply({ id: none.id, role: "CUSTOMER" }, { body: "STOP" }))).code).toBe("VALIDATION_ERROR");
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("phone tRPC router", () => {
  const caller = createCallerFactory(phoneRouter);

  it("runs the flow for the signed-in user and refuses anonymous callers", async () => {
    const user = await createUser(db);
    const api = caller({ user: { id: user.id, role: "CUSTOMER" } });
    const n = zaMobile();
    expect(await trpcCode(caller({ user: null }).get())).toBe("UNAUTHORIZED");
    expect(await trpcCode(api.startVerification({ phone: "abc" }))).toBe("BAD_REQUEST");
    expect(await trpcCode(api.startVerification({ phone: n.national, extra: 1 } as never))).toBe("BAD_REQUEST");
    await api.startVerification({ phone: n.national });
    expect(await trpcCode(api.startVerification({ phone: n.national }))).toBe("TOO_MANY_REQUESTS");
    expect((await api.get()).pending).toMatchObject({ phone: n.e164 });
    await api.confirm({ code: await lastCode(user.id) });
    expect(await api.get()).toMatchObject({ phone: n.e164, optedOutAt: null, pending: null });
    await applySmsKeyword(n.e164, "STOP");
    expect((await api.get()).optedOutAt).toBeInstanceOf(Date);
    expect(await api.resume()).toEqual({ changed: true });
    const exported = await exportAccount(user.id);
    expect(exported.phone).toEqual({ number: n.e164, verified_at: expect.any(String), sms_opted_out_at: null });
    expect(await api.remove()).toEqual({ ok: true });
    expect((await api.get()).phone).toBeNull();
    expect((await exportAccount(user.id)).phone).toBeNull();
  });
});

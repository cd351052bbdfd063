/**
 * Text messages in Afrikaans and isiZulu (docs/requirements.md R19; issue 7 length rules): every type's text
 * in the recipient's language — its words, the STOP line (keyword STOP kept), dates — still one GSM-7
 * segment with the prefix and the link, the user text shortened first; UCS-2 user text within two
 * segments; the generic text and the verification code translated too. Pure: no database.
 */
import { describe, expect, it } from "vitest";
import type { Locale } from "@/lib/i18n";
import { translator } from "@/messages";
import { EMAIL_TEMPLATES } from "../email/render";
import { countSmsSegments } from "./sms-segments";
import { smsBodyFor, SMS_TEMPLATE_TYPES, STOP_LINE, verificationCodeSms, type SmsTemplateType } from "./templates";

const appUrl = "https://herald.example.org";
const preview = <T extends SmsTemplateType>(type: T) => EMAIL_TEMPLATES[type].previewProps as unknown as Record<string, unknown>;
const KEY = /\b(?:sms|mail)\.[A-Za-z_]+/;

describe.each(["af", "zu"] as const)("SMS in %s", (locale: Locale) => {
  const stop = translator(locale)("sms.stop");

  it("fits every type's text in one GSM-7 segment, in the language, with the link and the translated STOP line", () => {
    expect(stop).toContain("STOP"); // the keyword carriers know stays English
    expect(stop).not.toBe(STOP_LINE);
    for (const type of SMS_TEMPLATE_TYPES) {
      for (const critical of [false, true]) {
        const body = smsBodyFor(type, preview(type) as never, { appUrl, critical, locale });
        const english = smsBodyFor(type, preview(type) as never, { appUrl, critical, locale: "en" });
        expect(countSmsSegments(body), `${type}: ${body}`).toMatchObject({ encoding: "GSM-7", segments: 1 });
        expect(body.startsWith("Herald: ")).toBe(true);
        expect(body.split("\n")[0], body).not.toBe(english.split("\n")[0]);
        expect(body).not.toMatch(KEY);
        const lines = body.split("\n");
        expect(lines.some((l) => l.startsWith(`${appUrl}/`)), body).toBe(true);
        expect(lines.at(-1) === stop, body).toBe(!critical);
        expect(body).not.toContain(STOP_LINE);
      }
    }
  });

  it("shortens long user text, never the link or the STOP line; other scripts stay within two UCS-2 segments", () => {
    const long = "Very Long Business Name ".repeat(15);
    const body = smsBodyFor("new_listing", { ...preview("new_listing"), businessName: long, listingUrl: "/listings/42" } as never, { appUrl, critical: false, locale });
    expect(countSmsSegments(body)).toMatchObject({ encoding: "GSM-7", segments: 1 });
    expect(body).toContain("...");
    expect(body.split("\n").slice(1)).toEqual([`${appUrl}/listings/42`, stop]);
    const ucs2 = smsBodyFor("new_listing", { ...preview("new_listing"), businessName: "Пекарня 🍞 ".repeat(10) } as never, { appUrl, critical: false, locale });
    expect(countSmsSegments(ucs2).encoding).toBe("UCS-2");
    expect(countSmsSegments(ucs2).segments).toBeLessThanOrEqual(2);
    expect(ucs2.endsWith(`\n${stop}`)).toBe(true);
  });

  it("translates the generic text and the verification code (one GSM-7 segment)", () => {
    expect(smsBodyFor("welcome", { title: "" }, { appUrl, critical: true, locale })).toBe(`Herald: ${translator(locale)("sms.generic").replace(/\u2019/g, "'")}\n${appUrl}/notifications`);
    // A title is the sender's words: as written.
    expect(smsBodyFor("system_announcement", { title: "Herald is moving" }, { appUrl, critical: false, locale })).toBe(`Herald: Herald is moving\n${appUrl}/notifications\n${stop}`);
    const code = verificationCodeSms("012345", locale);
    expect(code).toContain("012345");
    expect(code).not.toBe(verificationCodeSms("012345"));
    expect(countSmsSegments(code)).toMatchObject({ encoding: "GSM-7", segments: 1 });
  });
});

describe("SMS in English", () => {
  it("with locale \"en\" has the words it has without one (amounts then in en-ZA)", () => {
    for (const type of SMS_TEMPLATE_TYPES) {
      const plain = smsBodyFor(type, preview(type) as never, { appUrl, critical: false });
      const en = smsBodyFor(type, preview(type) as never, { appUrl, critical: false, locale: "en" });
      expect(en.replace(/R [\d.,]+/g, "R"), type).toBe(plain.replace(/R [\d.,]+/g, "R"));
    }
    expect(verificationCodeSms("012345", "en")).toBe(verificationCodeSms("012345"));
  });
});

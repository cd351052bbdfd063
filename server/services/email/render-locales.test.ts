/**
 * Every email template in Afrikaans and isiZulu (docs/requirements.md R19): rendered from its PreviewProps
 * with `locale`, the subject and the plain-text part are in the language — the footer, the greeting and each
 * fixed word the English email has — with dates and amounts in its South African format, no raw message key,
 * and the words an admin or a business wrote (titles, bodies) as written. Without `locale` (or with "en") the
 * words are the English ones.
 */
import { describe, expect, it } from "vitest";
import { LOCALES, INTL_LOCALE, type Locale } from "@/lib/i18n";
import { MESSAGES } from "@/messages";
import { NOTIFICATION_TYPE_NAMES, NOTIFICATION_TYPES, type NotificationTypeSpec } from "../notifications/catalog";
import { EMAIL_TEMPLATES, EMAIL_TEMPLATE_NAMES, renderEmail, type EmailTemplateName } from "./render";

type Tree = { [key: string]: string | Tree };

/** Every catalog message as `path → text`. */
function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === "string") out.set(prefix + k, v);
    else for (const [p, m] of leaves(v, `${prefix}${k}.`)) out.set(p, m);
  }
  return out;
}

const catalog = (locale: Locale) => leaves(MESSAGES[locale] as unknown as Tree);
const EN = catalog("en");

/**
 * The English fixed words an email may hold: the messages of the `mail` and `email` namespaces without
 * placeholders, and the fixed parts of the others (split at their placeholders), at least 8 characters.
 */
const ENGLISH_WORDS = [...EN]
  .filter(([key]) => key.startsWith("mail.") || key.startsWith("email."))
  .flatMap(([key, message]) => message.split(/\{[^{}]*\}|<\/?\w+>/).map((part) => [key, part.trim()] as const))
  .filter(([, part]) => part.length >= 8 && !/[{}]/.test(part));

/**
 * Messages a language writes exactly as English does: no words ("{title}: {amount}"), or the same words
 * (Afrikaans "Plan", "Items", "# item"/"# items").
 */
const SAME_AS_ENGLISH: Record<Exclude<Locale, "en">, string[]> = {
  af: ["mail.billing.subject", "mail.billing.subjectInvoice", "mail.billing.plan", "mail.digest.items", "mail.interactionCompleted.items", "mail.interactionCompleted.itemCount"],
  zu: ["mail.billing.subject", "mail.billing.subjectInvoice"],
};

/** Templates whose subject is the sender's own title: it stays as written in every language. */
const SUBJECT_AS_WRITTEN = new Set<EmailTemplateName>(["announcement", "system_announcement", "business_update"]);

const GREETING: Record<Exclude<Locale, "en">, string> = { af: "Hallo ", zu: "Sawubona " };
const FOOTER: Record<Exclude<Locale, "en">, string> = { af: "Jy ontvang dit omdat", zu: "Uthole lokhu ngoba" };

const preview = (name: EmailTemplateName) => EMAIL_TEMPLATES[name].previewProps as unknown as Record<string, unknown>;

describe.each(["af", "zu"] as const)("email templates in %s", (locale) => {
  const translated = catalog(locale);

  it("has every email and SMS message translated (English left only where the words are the same)", () => {
    const english = [...EN].filter(([key, message]) => /^(mail|sms)\./.test(key) && translated.get(key) === message).map(([key]) => key);
    expect(english).toEqual(SAME_AS_ENGLISH[locale]);
  });

  it.each(EMAIL_TEMPLATE_NAMES)("%s: subject and text in the language, no English fixed words, no raw keys", async (name) => {
    const english = await renderEmail(name, preview(name) as never);
    const out = await renderEmail(name, { ...preview(name), locale } as never);
    const userText = JSON.stringify(preview(name));

    expect(out.html).toMatch(new RegExp(`<html[^>]*lang="${locale}"`));
    if (SUBJECT_AS_WRITTEN.has(name)) expect(out.subject).toBe(english.subject);
    else expect(out.subject).not.toBe(english.subject);
    expect(out.text).not.toBe(english.text);
    expect(out.text).toContain(FOOTER[locale]);
    expect(out.text).toContain(GREETING[locale]);
    expect(out.text).not.toContain("You received this because");
    expect(out.text).not.toMatch(/^Hi /m);

    // No message key printed instead of its text (use-intl prints the key of a missing message).
    for (const text of [out.subject, out.text]) expect(text).not.toMatch(/\b(?:mail|email|sms|types)\.[A-Za-z_]+\.[A-Za-z_.]+/);

    // Each English fixed phrase this email showed is gone, unless the language uses the same words or the
    // phrase is part of what the sender wrote (a title, a body, a name).
    const leftovers = ENGLISH_WORDS.filter(
      ([key, part]) => english.text.includes(part) && out.text.includes(part) && !userText.includes(part) && !SAME_AS_ENGLISH[locale].includes(key),
    );
    expect(leftovers.map(([key, part]) => `${key}: ${part}`)).toEqual([]);
  });

  it("formats dates and amounts the language's South African way", async () => {
    const intl = INTL_LOCALE[locale];
    const out = await renderEmail("booking_confirmed", { ...preview("booking_confirmed"), locale } as never);
    const amount = new Intl.NumberFormat(intl, { style: "currency", currency: "ZAR", currencyDisplay: "narrowSymbol" }).format(48);
    const month = new Intl.DateTimeFormat(intl, { month: "long", timeZone: "Africa/Johannesburg" }).format(new Date("2025-06-27T16:00:00Z"));
    expect(out.text).toContain(amount);
    expect(out.subject).toContain(month);
    expect(out.text).not.toContain("June");
  });

  it("counts a digest's sections with the catalog's plural nouns, and keeps a section heading the sender wrote", async () => {
    const out = await renderEmail("digest", { ...preview("digest"), locale } as never);
    const t = (key: string) => translated.get(key)!;
    expect(out.text).toContain(t("mail.digest.headings.new_listing"));
    expect(out.subject).not.toContain("new listings");
    expect(out.text).toContain("Business news"); // an untyped section: the sender's heading, counted as items
  });
});

describe("email templates in English", () => {
  it.each(EMAIL_TEMPLATE_NAMES)("%s: with locale \"en\" the same words as without one", async (name) => {
    const plain = await renderEmail(name, preview(name) as never);
    const en = await renderEmail(name, { ...preview(name), locale: "en" } as never);
    expect(en.html).toMatch(/<html[^>]*lang="en"/);
    // Only the formats follow en-ZA then ("R 48,00", "SAST"); strip numbers and zone names to compare words.
    const words = (s: string) => s.replace(/R\s?[\d\s.,]+/g, "R").replace(/\b(GMT\+2|SAST)\b/g, "TZ").replace(/\s+/g, " ");
    expect(words(en.subject)).toBe(words(plain.subject));
    expect(words(en.text)).toBe(words(plain.text));
  });

  it("a digest section of a type reads as before: the catalog's plural noun as heading and count", async () => {
    for (const type of NOTIFICATION_TYPE_NAMES) {
      const spec: NotificationTypeSpec = NOTIFICATION_TYPES[type];
      const noun = spec.plural ?? `${spec.label.toLowerCase()}s`;
      const heading = noun.charAt(0).toUpperCase() + noun.slice(1); // server/services/digests/digests.ts
      const items = (n: number) => Array.from({ length: n }, (_, i) => ({ title: `Item ${i}`, url: "/notifications" }));
      const typed = (n: number) => ({ ...preview("digest"), sections: [{ heading, type, items: items(n) }] });
      const untyped = (n: number) => ({ ...preview("digest"), sections: [{ heading, items: items(n) }] });
      for (const n of [1, 3]) {
        const [a, b] = [await renderEmail("digest", typed(n) as never), await renderEmail("digest", untyped(n) as never)];
        expect([a.subject, a.text], `${type} × ${n}`).toEqual([b.subject, b.text]);
      }
    }
  });

  it("every language has every template's messages", () => {
    for (const locale of LOCALES) expect([...catalog(locale).keys()].filter((k) => k.startsWith("mail."))).toEqual([...EN.keys()].filter((k) => k.startsWith("mail.")));
  });
});

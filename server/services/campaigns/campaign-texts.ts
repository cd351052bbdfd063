/**
 * A campaign's texts per language (docs/requirements.md R19.5). The campaign's own fields (in-app title and
 * body, email subject and body) are written in its `locale` and are the fallback; `translations` may carry
 * the same fields in other languages. A recipient gets the texts of their language (their choice, else the
 * platform's, server/i18n.ts `recipientLocale`) when the campaign has them, else the main texts — per
 * channel: a translation may cover the in-app card, the email, or both, and the email's fixed words
 * (greeting, footer) follow the language its text is in, so no email mixes two languages.
 *
 * @module
 */
import { z } from "zod";
import { LOCALES, type Locale } from "@/lib/i18n";

/** The four texts of a campaign in one language. */
export interface CampaignTexts {
  inAppTitle: string;
  inAppBody: string;
  emailSubject: string;
  emailBody: string;
}

/** Limits shared with the main texts (server/services/campaigns/campaigns.ts `campaignDraftInput`). */
export const TEXT_LIMITS = { inAppTitle: 120, inAppBody: 500, emailSubject: 150, emailBody: 20_000 } as const;

const text = (max: number) => z.string().trim().max(max, `At most ${max.toLocaleString("en")} characters`).default("");

/**
 * One language's texts. Every field is optional (an empty one falls back), but a channel's texts go
 * together: an in-app body needs its title, and an email needs subject and body both.
 */
export const campaignTranslationSchema = z
  .object({
    inAppTitle: text(TEXT_LIMITS.inAppTitle),
    inAppBody: text(TEXT_LIMITS.inAppBody),
    emailSubject: text(TEXT_LIMITS.emailSubject),
    emailBody: text(TEXT_LIMITS.emailBody),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.inAppBody && !t.inAppTitle) ctx.addIssue({ code: "custom", path: ["inAppTitle"], message: "Required with an in-app text" });
    if (t.emailBody && !t.emailSubject) ctx.addIssue({ code: "custom", path: ["emailSubject"], message: "Required with an email text" });
    if (t.emailSubject && !t.emailBody) ctx.addIssue({ code: "custom", path: ["emailBody"], message: "Required with an email subject" });
  });

/** Translations by language (`{ af: {…}, zu: {…} }`); a language left out falls back to the main texts. */
export const campaignTranslationsSchema = z.partialRecord(z.enum(LOCALES), campaignTranslationSchema);
export type CampaignTranslations = z.output<typeof campaignTranslationsSchema>;

/** The stored translations, read leniently: anything malformed counts as no translation. */
export function translationsOf(stored: unknown): CampaignTranslations {
  const r = campaignTranslationsSchema.safeParse(stored ?? {});
  return r.success ? r.data : {};
}

/** A campaign as this module reads it. */
export interface CampaignWithTexts extends CampaignTexts {
  locale: string;
  translations: unknown;
}

/** The texts one channel shows to a reader of `locale`, and the language they are in. */
export interface ChannelTexts {
  locale: Locale;
  title: string;
  body: string;
}

/** The campaign's language as a supported one (an unknown stored value reads as English). */
function mainLocale(c: CampaignWithTexts): Locale {
  return (LOCALES as readonly string[]).includes(c.locale) ? (c.locale as Locale) : "en";
}

/** The in-app card for a reader of `locale`: the translation's title and body, else the main ones. */
export function inAppTextsFor(c: CampaignWithTexts, locale: Locale): ChannelTexts {
  const t = translationsOf(c.translations)[locale];
  if (t?.inAppTitle) return { locale, title: t.inAppTitle, body: t.inAppBody };
  // An email-only campaign's archived record is titled by its subject.
  return { locale: mainLocale(c), title: c.inAppTitle || c.emailSubject, body: c.inAppBody };
}

/** The email for a reader of `locale`: the translation's subject and body, else the main ones. */
export function emailTextsFor(c: CampaignWithTexts, locale: Locale): ChannelTexts {
  const t = translationsOf(c.translations)[locale];
  if (t?.emailSubject) return { locale, title: t.emailSubject, body: t.emailBody };
  return { locale: mainLocale(c), title: c.emailSubject, body: c.emailBody };
}

/** The in-app card for every language, as one JSON object for a set-based INSERT (`{ en: {title, body}, … }`). */
export function inAppTextsByLocale(c: CampaignWithTexts): Record<Locale, { title: string; body: string }> {
  return Object.fromEntries(LOCALES.map((l) => [l, { title: inAppTextsFor(c, l).title, body: inAppTextsFor(c, l).body }])) as Record<
    Locale,
    { title: string; body: string }
  >;
}

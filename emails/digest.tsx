import { Heading, Hr, Section, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button, SafeLink } from "./components/button";
import { greeting } from "./components/email-locale";
import { safeHeaderValue } from "./components/safety";
import { colors, PREVIEW_APP_URL, styles } from "./components/theme";
import type { Locale } from "../lib/i18n";
import { translator } from "../messages";
import { NOTIFICATION_TYPE_NAMES, type NotificationType } from "../server/services/notifications/catalog";
import { z } from "zod";
import * as field from "./components/schema";

const digestItem = z.strictObject({
  title: field.text(),
  /** The business it came from; used to count "from N businesses". */
  businessName: field.optText(),
  /** One short line under the title, e.g. "R12.50 · until 18:00". */
  detail: field.optText(200),
  /** https or app-relative. */
  url: field.link,
});
export type DigestItem = z.infer<typeof digestItem>;

const digestSection = z.strictObject({
  /** Plural noun phrase: "New listings", "Pickup updates", "Business news". */
  heading: field.text(80),
  /** "See all" link for the section. */
  moreUrl: field.link.optional(),
  /** Counting noun, e.g. `{ one: "new listing", many: "new listings" }`; defaults to the heading, lower-cased. */
  noun: z.strictObject({ one: field.text(60), many: field.text(60) }).optional(),
  /**
   * The notification type the section lists: its heading and count are then the catalog's, in the email's
   * language ("New listings", "5 new listings"), whatever `heading` and `noun` say.
   */
  type: z.enum(NOTIFICATION_TYPE_NAMES as [NotificationType, ...NotificationType[]]).optional(),
  items: z.array(digestItem).max(200),
});
export type DigestSection = z.infer<typeof digestSection>;

/** `digest` (docs/requirements.md R8.5: over-cap notifications are deferred to a digest; R13.1: daily/weekly cadence). */
export const schema = z.strictObject({
  ...field.bulk,
  period: z.enum(["daily", "weekly"]),
  sections: z.array(digestSection).max(10),
  /** The recipient's language (default English): words and counts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type DigestEmailProps = z.infer<typeof schema>;

/** Items shown per section; the rest are summarised with a "see all" link. */
export const DIGEST_ITEMS_PER_SECTION = 10;

/** The section's heading: the type's, in `locale`, when it names one; else as given. */
export function sectionHeading(section: DigestSection, locale: Locale = "en"): string {
  return section.type ? translator(locale)(`mail.digest.headings.${section.type}`) : section.heading;
}

/**
 * "5 new listings from 3 businesses" for a section of 5 new listings from 3 businesses, in `locale`
 * (default English). A section with a `type` counts with the catalog's noun for it; an English one without
 * uses its `noun`, else the heading lower-cased; in another language, one without counts "items" (the
 * heading is the sender's words). "from N businesses" appears when items name one.
 */
export function sectionSummary(section: DigestSection, locale: Locale = "en"): string {
  const t = translator(locale);
  const n = section.items.length;
  let items: string;
  if (section.type) items = t(`types.${section.type}.count`, { count: n });
  else if (locale === "en") {
    const many = section.noun?.many ?? section.heading.toLowerCase();
    const one = section.noun?.one ?? (/[^s]s$/.test(many) && !/news$/.test(many) ? many.slice(0, -1) : many);
    items = `${n} ${n === 1 ? one : many}`;
  } else items = t("mail.digest.items", { count: n });
  const businesses = new Set(section.items.map((i) => i.businessName).filter((b): b is string => Boolean(b)));
  return businesses.size > 0 ? t("mail.digest.fromBusinesses", { items, count: businesses.size }) : items;
}

export function subject(p: DigestEmailProps): string {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const parts = p.sections.filter((s) => s.items.length > 0).map((s) => sectionSummary(s, locale));
  return safeHeaderValue(
    parts.length > 0 ? t("mail.digest.subjectSummary", { period: p.period, summary: parts.join(", ") }) : t("mail.digest.subject", { period: p.period }),
  );
}

export default function DigestEmail(p: DigestEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const sections = p.sections.filter((s) => s.items.length > 0);
  const summary = sections.map((s) => sectionSummary(s, locale)).join(" · ");
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={summary || t("mail.digest.nothingNew")}
      reason={t("mail.digest.reason", { period: p.period })}
      unsubscribeUrl={p.unsubscribeUrl}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {t("mail.digest.heading", { period: p.period })}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{sections.length > 0 ? t("mail.digest.intro", { period: p.period }) : t("mail.digest.nothingNew")}</Text>
      {sections.map((s) => {
        const shown = s.items.slice(0, DIGEST_ITEMS_PER_SECTION);
        const rest = s.items.length - shown.length;
        return (
          <Section key={s.heading} style={{ margin: "0 0 8px" }}>
            <Hr style={{ borderTop: `1px solid ${colors.border}`, margin: "8px 0 16px" }} />
            <Heading as="h2" style={{ ...styles.subheading, margin: "0 0 4px" }}>
              {sectionHeading(s, locale)}
            </Heading>
            <Text style={styles.muted}>{sectionSummary(s, locale)}</Text>
            {shown.map((item, i) => (
              <Text key={i} style={{ ...styles.text, margin: "0 0 10px" }}>
                <SafeLink href={item.url} appUrl={p.appUrl}>
                  {item.title}
                </SafeLink>
                {item.businessName || item.detail ? (
                  <>
                    <br />
                    <span style={{ color: colors.muted, fontSize: "13px" }}>
                      {[item.businessName, item.detail].filter(Boolean).join(" · ")}
                    </span>
                  </>
                ) : null}
              </Text>
            ))}
            {rest > 0 && s.moreUrl ? (
              <Text style={styles.muted}>
                {t("mail.digest.more", { count: rest })}{" "}
                <SafeLink href={s.moreUrl} appUrl={p.appUrl}>
                  {t("mail.digest.seeAll")}
                </SafeLink>
              </Text>
            ) : rest > 0 ? (
              <Text style={styles.muted}>{t("mail.digest.moreInInbox", { count: rest })}</Text>
            ) : null}
          </Section>
        );
      })}
      <Button href="/notifications" appUrl={p.appUrl}>
        {t("mail.digest.cta")}
      </Button>
    </EmailLayout>
  );
}

DigestEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  period: "daily",
  sections: [
    {
      heading: "New listings",
      type: "new_listing",
      moreUrl: "/notifications?category=listings",
      items: [
        { title: "Margherita Pizza", businessName: "Mario's Restaurant", detail: "R12.50 · until 20:00", url: "/listings/550e8400-e29b-41d4-a716-446655440000" },
        { title: "Garlic Bread (4 pack)", businessName: "Mario's Restaurant", detail: "R6.00 · until 20:00", url: "/listings/550e8400-e29b-41d4-a716-446655440001" },
        { title: "Sourdough loaf", businessName: "Green Leaf Bakery", detail: "R15.00 · until 18:30", url: "/listings/550e8400-e29b-41d4-a716-446655440002" },
        { title: "Assorted muffins", businessName: "Green Leaf Bakery", detail: "R5.00 each · until 18:30", url: "/listings/550e8400-e29b-41d4-a716-446655440003" },
        { title: "Vegetable curry & rice", businessName: "Spice Route Kitchen", detail: "R25.00 · until 21:00", url: "/listings/550e8400-e29b-41d4-a716-446655440004" },
      ],
    },
    {
      heading: "Business news",
      noun: { one: "update", many: "updates" },
      items: [
        { title: "New evening pickup window", businessName: "Mario's Restaurant", url: "/notifications" },
      ],
    },
  ],
} satisfies DigestEmailProps;

import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { formatDateTime, greeting, intlLocaleOf } from "./components/email-locale";
import { safeHeaderValue } from "./components/safety";
import { colors, PREVIEW_APP_URL, styles } from "./components/theme";
import type { Locale } from "../lib/i18n";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

/** `review_received` (docs/requirements.md R4.1: a customer reviewed the business; sent to the business owner). */
export const schema = z.strictObject({
  ...field.bulk,
  businessName: field.text(),
  reviewerName: field.text(100),
  /** Whole stars, 1–5. */
  rating: z.number().int().min(1).max(5),
  comment: field.optText(5000),
  listingName: field.optText(),
  /** ISO 8601. */
  reviewedAt: field.isoDateTime.optional(),
  reviewUrl: field.link,
  timeZone: field.timeZone,
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type ReviewReceivedEmailProps = z.infer<typeof schema>;

/** "★★★★☆" for 4 (clamped to 0–5). */
export function stars(rating: number): string {
  const n = Math.max(0, Math.min(5, Math.round(rating)));
  return "★".repeat(n) + "☆".repeat(5 - n);
}

export function subject(p: ReviewReceivedEmailProps): string {
  return safeHeaderValue(translator(p.locale ?? "en")("mail.reviewReceived.subject", { rating: p.rating, business: p.businessName }));
}

/** "Thandi M. reviewed Mario's (Margherita Pizza) on 26 June 2025 at 19:05 GMT+2." and its shorter forms. */
function intro(p: ReviewReceivedEmailProps, locale: Locale): string {
  const t = translator(locale);
  const names = { reviewer: p.reviewerName, business: p.businessName };
  const date = p.reviewedAt ? formatDateTime(p.reviewedAt, p.timeZone, intlLocaleOf(p.locale)) : undefined;
  if (p.listingName && date) return t("mail.reviewReceived.introListingDate", { ...names, listing: p.listingName, date });
  if (p.listingName) return t("mail.reviewReceived.introListing", { ...names, listing: p.listingName });
  if (date) return t("mail.reviewReceived.introDate", { ...names, date });
  return t("mail.reviewReceived.intro", names);
}

export default function ReviewReceivedEmail(p: ReviewReceivedEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={t("mail.reviewReceived.preview", { reviewer: p.reviewerName, business: p.businessName, rating: p.rating })}
      reason={t("mail.reviewReceived.reason", { business: p.businessName })}
      unsubscribeUrl={p.unsubscribeUrl}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {t("mail.reviewReceived.heading")}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{intro(p, locale)}</Text>
      <Text style={{ ...styles.text, fontSize: "22px", color: colors.warning, margin: "0 0 8px" }}>
        <span aria-label={t("mail.reviewReceived.starsLabel", { rating: p.rating })}>{stars(p.rating)}</span>{" "}
        <span style={{ fontSize: "15px", color: colors.text }}>{t("mail.reviewReceived.outOf", { rating: p.rating })}</span>
      </Text>
      {p.comment ? (
        <Text
          style={{
            ...styles.text,
            borderLeft: `4px solid ${colors.border}`,
            paddingLeft: "12px",
            fontStyle: "italic",
          }}
        >
          “{p.comment}”
        </Text>
      ) : null}
      <Button href={p.reviewUrl} appUrl={p.appUrl}>
        {t("mail.reviewReceived.cta")}
      </Button>
    </EmailLayout>
  );
}

ReviewReceivedEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Mario",
  businessName: "Mario's Restaurant",
  reviewerName: "Thandi M.",
  rating: 4,
  comment: "Pizza was still warm and the staff were lovely. Pickup took two minutes.",
  listingName: "Margherita Pizza",
  reviewedAt: "2025-06-26T17:05:00Z",
  reviewUrl: "/business/reviews/880e1700-e51e-44a7-b049-779988773333",
  timeZone: "Africa/Johannesburg",
} satisfies ReviewReceivedEmailProps;

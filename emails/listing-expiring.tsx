import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { formatDateTime, formatMoney, greeting, intlLocaleOf } from "./components/email-locale";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

/** `listing_expiring` (docs/requirements.md R3.5: 2 hours before expiry, to interested users as defined there). */
export const schema = z.strictObject({
  ...field.bulk,
  businessName: field.text(),
  listingName: field.text(),
  /** ISO 8601. */
  expiryDate: field.isoDateTime,
  pickupLocation: field.text(300),
  /** Decimal string; shown with `currency` when both are given. */
  price: field.amount.optional(),
  currency: field.currency.optional(),
  /** Portions left, when the business tracks it. */
  quantityLeft: z.number().int().min(0).max(100_000).optional(),
  listingUrl: field.link,
  timeZone: field.timeZone,
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type ListingExpiringEmailProps = z.infer<typeof schema>;

export function subject(p: ListingExpiringEmailProps): string {
  return safeHeaderValue(translator(p.locale ?? "en")("mail.listingExpiring.subject", { listing: p.listingName, business: p.businessName }));
}

export default function ListingExpiringEmail(p: ListingExpiringEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const intl = intlLocaleOf(p.locale);
  const until = formatDateTime(p.expiryDate, p.timeZone, intl);
  const names = { listing: p.listingName, business: p.businessName };
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={t("mail.listingExpiring.preview", { listing: p.listingName, until })}
      reason={t("mail.listingExpiring.reason", names)}
      unsubscribeUrl={p.unsubscribeUrl}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {t("mail.listingExpiring.heading", { listing: p.listingName })}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{t("mail.listingExpiring.intro", { ...names, until })}</Text>
      <DetailsCard
        title={p.listingName}
        rows={[
          { label: t("mail.listingExpiring.price"), value: p.price && p.currency ? formatMoney(p.price, p.currency, intl) : undefined },
          { label: t("mail.listingExpiring.left"), value: p.quantityLeft !== undefined ? String(p.quantityLeft) : undefined },
          { label: t("mail.listingExpiring.availableUntil"), value: until },
          { label: t("mail.listingExpiring.pickupLocation"), value: p.pickupLocation },
        ]}
      />
      <Button href={p.listingUrl} appUrl={p.appUrl}>
        {t("mail.listingExpiring.cta")}
      </Button>
    </EmailLayout>
  );
}

ListingExpiringEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  businessName: "Mario's Restaurant",
  listingName: "Margherita Pizza",
  expiryDate: "2025-06-26T18:00:00Z",
  pickupLocation: "Main Counter",
  price: "12.50",
  currency: "ZAR",
  quantityLeft: 3,
  listingUrl: "/listings/550e8400-e29b-41d4-a716-446655440000",
  timeZone: "Africa/Johannesburg",
} satisfies ListingExpiringEmailProps;

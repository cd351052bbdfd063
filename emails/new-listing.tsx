import { Heading, Img, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { formatDateTime, formatMoney, greeting, intlLocaleOf } from "./components/email-locale";
import { translator } from "../messages";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";
import { z } from "zod";
import * as field from "./components/schema";

/** `new_listing` (docs/requirements.md R3.3, R4.1): a followed business posted food. */
export const schema = z.strictObject({
  ...field.bulk,
  businessName: field.text(),
  listingName: field.text(),
  description: field.optText(2000),
  /** Decimal string, e.g. "12.50". */
  price: field.amount,
  /** ISO 4217, e.g. "ZAR". */
  currency: field.currency,
  /** ISO 8601: when the listing stops being available. */
  expiryDate: field.isoDateTime,
  pickupLocation: field.text(300),
  /** https or app-relative, e.g. "/listings/550e8400-…". */
  listingUrl: field.link,
  /** The listing's photo: an absolute https URL (http only on a loopback host, in the embedded mode). */
  imageUrl: z.string().max(2000).refine(field.isAppUrl, "an https URL").optional(),
  /** IANA zone for dates (default "UTC"). */
  timeZone: field.timeZone,
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type NewListingEmailProps = z.infer<typeof schema>;

/** Subject line (plain text, one line), in the recipient's language. */
export function subject(p: NewListingEmailProps): string {
  return safeHeaderValue(translator(p.locale ?? "en")("email.newListing.subject", { business: p.businessName, listing: p.listingName }));
}

export default function NewListingEmail(p: NewListingEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const intl = intlLocaleOf(p.locale);
  const price = formatMoney(p.price, p.currency, intl);
  const until = formatDateTime(p.expiryDate, p.timeZone, intl);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={t("email.newListing.preview", { listing: p.listingName, price, until })}
      reason={t("email.newListing.reason", { business: p.businessName })}
      unsubscribeUrl={p.unsubscribeUrl}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {t("email.newListing.heading", { business: p.businessName })}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{t("email.newListing.intro", { business: p.businessName })}</Text>
      {p.imageUrl ? (
        <Img src={p.imageUrl} alt={p.listingName} width="544" style={{ width: "100%", maxWidth: "544px", height: "auto", borderRadius: "8px", margin: "0 0 16px" }} />
      ) : null}
      <DetailsCard
        title={p.listingName}
        rows={[
          { label: t("email.newListing.price"), value: price },
          { label: t("email.newListing.availableUntil"), value: until },
          { label: t("email.newListing.pickupLocation"), value: p.pickupLocation },
        ]}
      >
        {p.description ? <Text style={{ ...styles.text, margin: "10px 0 0" }}>{p.description}</Text> : null}
      </DetailsCard>
      <Button href={p.listingUrl} appUrl={p.appUrl}>
        {t("email.newListing.view")}
      </Button>
      <Text style={styles.muted}>{t("email.newListing.hurry")}</Text>
    </EmailLayout>
  );
}

NewListingEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  businessName: "Mario's Restaurant",
  listingName: "Margherita Pizza",
  description: "Fresh margherita pizza available for pickup today!",
  price: "12.50",
  currency: "ZAR",
  expiryDate: "2025-06-26T18:00:00Z",
  pickupLocation: "Main Counter",
  listingUrl: "/listings/550e8400-e29b-41d4-a716-446655440000",
  timeZone: "Africa/Johannesburg",
} satisfies NewListingEmailProps;

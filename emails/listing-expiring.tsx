import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { formatDateTime, formatMoney, greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";

/** `listing_expiring` (seed 001 §6.1: 2 hours before expiry, to interested users). */
export interface ListingExpiringEmailProps {
  appUrl: string;
  unsubscribeUrl: string;
  recipientName?: string;
  businessName: string;
  listingName: string;
  /** ISO 8601. */
  expiryDate: string;
  pickupLocation: string;
  /** Decimal string; shown with `currency` when both are given. */
  price?: string;
  currency?: string;
  /** Portions left, when the business tracks it. */
  quantityLeft?: number;
  listingUrl: string;
  timeZone?: string;
}

export function subject(p: ListingExpiringEmailProps): string {
  return safeHeaderValue(`Ending soon: ${p.listingName} at ${p.businessName}`);
}

export default function ListingExpiringEmail(p: ListingExpiringEmailProps) {
  const until = formatDateTime(p.expiryDate, p.timeZone);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={`${p.listingName} is available until ${until}`}
      reason={`you showed interest in ${p.listingName} from ${p.businessName} and have email turned on for listings`}
      unsubscribeUrl={p.unsubscribeUrl}
    >
      <Heading as="h1" style={styles.heading}>
        Last chance: {p.listingName}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>
        {p.listingName} from {p.businessName} is available only until {until}.
      </Text>
      <DetailsCard
        title={p.listingName}
        rows={[
          { label: "Price", value: p.price && p.currency ? formatMoney(p.price, p.currency) : undefined },
          { label: "Left", value: p.quantityLeft !== undefined ? String(p.quantityLeft) : undefined },
          { label: "Available until", value: until },
          { label: "Pickup location", value: p.pickupLocation },
        ]}
      />
      <Button href={p.listingUrl} appUrl={p.appUrl}>
        Reserve before it&apos;s gone
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

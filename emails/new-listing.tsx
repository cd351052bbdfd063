import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { formatDateTime, formatMoney, greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";

/** `new_listing` (seed 001 §5.2 "New Listing Template", §16.4 payload): a followed business posted food. */
export interface NewListingEmailProps {
  appUrl: string;
  /** Signed one-click unsubscribe page for this recipient (non-transactional: always present). */
  unsubscribeUrl: string;
  recipientName?: string;
  businessName: string;
  listingName: string;
  description?: string;
  /** Decimal string, e.g. "12.50". */
  price: string;
  /** ISO 4217, e.g. "ZAR". */
  currency: string;
  /** ISO 8601: when the listing stops being available. */
  expiryDate: string;
  pickupLocation: string;
  /** https or app-relative, e.g. "/listings/550e8400-…". */
  listingUrl: string;
  /** IANA zone for dates (default "UTC"). */
  timeZone?: string;
}

/** Subject line (plain text, one line). */
export function subject(p: NewListingEmailProps): string {
  return safeHeaderValue(`New at ${p.businessName}: ${p.listingName}`);
}

export default function NewListingEmail(p: NewListingEmailProps) {
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={`${p.listingName} — ${formatMoney(p.price, p.currency)}, available until ${formatDateTime(p.expiryDate, p.timeZone)}`}
      reason={`you follow ${p.businessName} on Herald and have email turned on for new listings`}
      unsubscribeUrl={p.unsubscribeUrl}
    >
      <Heading as="h1" style={styles.heading}>
        New food available at {p.businessName}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>{p.businessName} just posted a new listing that might interest you:</Text>
      <DetailsCard
        title={p.listingName}
        rows={[
          { label: "Price", value: formatMoney(p.price, p.currency) },
          { label: "Available until", value: formatDateTime(p.expiryDate, p.timeZone) },
          { label: "Pickup location", value: p.pickupLocation },
        ]}
      >
        {p.description ? <Text style={{ ...styles.text, margin: "10px 0 0" }}>{p.description}</Text> : null}
      </DetailsCard>
      <Button href={p.listingUrl} appUrl={p.appUrl}>
        View listing
      </Button>
      <Text style={styles.muted}>Listings go fast: collect before the time above.</Text>
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

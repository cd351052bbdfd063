import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { formatDateTime, formatMoney, greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";

export type CancelledBy = "business" | "customer" | "system";

/** `booking_cancelled` (seed 003: a booking was cancelled by either side or expired). */
export interface BookingCancelledEmailProps {
  appUrl: string;
  unsubscribeUrl: string;
  recipientName?: string;
  businessName: string;
  bookingReference: string;
  /** ISO 8601: the pickup that will no longer happen. */
  pickupTime: string;
  cancelledBy: CancelledBy;
  /** Plain text reason given by whoever cancelled. */
  reason?: string;
  /** Decimal string, with `currency`. */
  refundAmount?: string;
  currency?: string;
  /** Where to find other food. */
  browseUrl: string;
  timeZone?: string;
}

const WHO: Record<CancelledBy, (business: string) => string> = {
  business: (b) => `${b} had to cancel your booking.`,
  customer: () => "Your booking was cancelled as you asked.",
  system: () => "Your booking was cancelled because it was not collected in time.",
};

export function subject(p: BookingCancelledEmailProps): string {
  return safeHeaderValue(`Booking cancelled: ${p.bookingReference} at ${p.businessName}`);
}

export default function BookingCancelledEmail(p: BookingCancelledEmailProps) {
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={WHO[p.cancelledBy](p.businessName)}
      reason={`you had booking ${p.bookingReference} with ${p.businessName} and have email turned on for pickups and orders`}
      unsubscribeUrl={p.unsubscribeUrl}
    >
      <Heading as="h1" style={styles.heading}>
        Booking cancelled
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>{WHO[p.cancelledBy](p.businessName)}</Text>
      <DetailsCard
        title={`Booking ${p.bookingReference}`}
        rows={[
          { label: "Was due", value: formatDateTime(p.pickupTime, p.timeZone) },
          { label: "Reason", value: p.reason },
          { label: "Refund", value: p.refundAmount && p.currency ? formatMoney(p.refundAmount, p.currency) : undefined },
        ]}
      />
      <Text style={styles.text}>There&apos;s still plenty of food to rescue nearby.</Text>
      <Button href={p.browseUrl} appUrl={p.appUrl}>
        Find other listings
      </Button>
    </EmailLayout>
  );
}

BookingCancelledEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  businessName: "Green Leaf Bakery",
  bookingReference: "HB-7Q4K2",
  pickupTime: "2025-06-27T16:00:00Z",
  cancelledBy: "business",
  reason: "Our oven broke down this afternoon, so there is no surplus today. Sorry!",
  refundAmount: "48.00",
  currency: "ZAR",
  browseUrl: "/listings",
  timeZone: "Africa/Johannesburg",
} satisfies BookingCancelledEmailProps;

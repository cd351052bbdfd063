import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { formatDateTime, greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";

/**
 * `pickup_missed` (seed 001 §6.2 "Send missed pickup notification"): sent 30 minutes after a scheduled
 * pickup that was not completed, to the customer and to the business. Not critical: it carries an
 * unsubscribe link and respects preferences and quiet hours.
 */
export interface PickupMissedEmailProps {
  appUrl: string;
  recipientName?: string;
  unsubscribeUrl: string;
  /** "customer": the recipient booked the pickup; "business": the recipient runs the business. */
  audience: "customer" | "business";
  businessName: string;
  /** The customer's name, shown to the business. */
  customerName?: string;
  orderNumber: string;
  /** ISO 8601. */
  pickupTime: string;
  orderUrl: string;
  timeZone?: string;
}

export function subject(p: PickupMissedEmailProps): string {
  return safeHeaderValue(
    p.audience === "customer" ? `Missed pickup: order ${p.orderNumber} at ${p.businessName}` : `Not collected: order ${p.orderNumber}`,
  );
}

export default function PickupMissedEmail(p: PickupMissedEmailProps) {
  const when = formatDateTime(p.pickupTime, p.timeZone);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={`Order ${p.orderNumber} was due for pickup ${when}`}
      reason={p.audience === "customer" ? `you booked a pickup with ${p.businessName}` : `an order at ${p.businessName} was not collected`}
      unsubscribeUrl={p.unsubscribeUrl}
    >
      <Heading as="h1" style={styles.heading}>
        {p.audience === "customer" ? "You missed your pickup" : "An order was not collected"}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>
        {p.audience === "customer"
          ? `Your order at ${p.businessName} was due for pickup ${when} and has not been collected. Contact the business if you can still pick it up.`
          : `${p.customerName ?? "The customer"} did not collect order ${p.orderNumber}, due ${when}. You can release the food to someone else.`}
      </Text>
      <DetailsCard
        rows={[
          { label: "Order", value: p.orderNumber },
          { label: "Pickup time", value: when },
          { label: "Business", value: p.businessName },
        ]}
      />
      <Button href={p.orderUrl} appUrl={p.appUrl}>
        View order
      </Button>
    </EmailLayout>
  );
}

PickupMissedEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Thandi",
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  audience: "customer",
  businessName: "Mario's Restaurant",
  orderNumber: "SNB-2025-12345",
  pickupTime: "2025-06-26T15:30:00Z",
  orderUrl: "/notifications",
  timeZone: "Africa/Johannesburg",
} satisfies PickupMissedEmailProps;

import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { ItemList, type OrderItem } from "./components/items";
import { formatDateTime, formatMoney, greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { colors, PREVIEW_APP_URL, styles } from "./components/theme";

/**
 * `pickup_reminder` (seed 001 §5.2 "Pickup Reminder Template", §16.4 payload, §6.2 flow). Critical, so
 * transactional: no unsubscribe link.
 */
export interface PickupReminderEmailProps {
  appUrl: string;
  recipientName?: string;
  businessName: string;
  orderNumber: string;
  /** ISO 8601. */
  pickupTime: string;
  pickupLocation: string;
  contactPerson?: string;
  contactPhone?: string;
  confirmationCode?: string;
  items: OrderItem[];
  /** Decimal string, shown with `currency` when both are given. */
  totalAmount?: string;
  currency?: string;
  orderUrl: string;
  timeZone?: string;
}

export function subject(p: PickupReminderEmailProps): string {
  return safeHeaderValue(`Pickup reminder: order ${p.orderNumber} at ${p.businessName}`);
}

export default function PickupReminderEmail(p: PickupReminderEmailProps) {
  const when = formatDateTime(p.pickupTime, p.timeZone);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={`Collect order ${p.orderNumber} at ${p.businessName}, ${when}`}
      reason={`you have a pickup booked with ${p.businessName}; pickup reminders are always sent`}
    >
      <Heading as="h1" style={styles.heading}>
        Pickup reminder
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>This is a friendly reminder about your upcoming pickup at {p.businessName}:</Text>
      <DetailsCard
        title={`Order ${p.orderNumber}`}
        rows={[
          { label: "Pickup time", value: when },
          { label: "Location", value: p.pickupLocation },
          { label: "Contact", value: [p.contactPerson, p.contactPhone].filter(Boolean).join(" – ") },
          {
            label: "Confirmation code",
            value: p.confirmationCode ? (
              <code style={{ fontSize: "16px", fontWeight: 700, letterSpacing: "0.08em" }}>{p.confirmationCode}</code>
            ) : undefined,
          },
          { label: "Total", value: p.totalAmount && p.currency ? formatMoney(p.totalAmount, p.currency) : undefined },
        ]}
      />
      <ItemList items={p.items} />
      <Text style={{ ...styles.text, color: colors.warning }}>
        <strong>Note:</strong> please arrive on time so the food is at its best and your order is still held.
      </Text>
      <Button href={p.orderUrl} appUrl={p.appUrl}>
        View order
      </Button>
    </EmailLayout>
  );
}

PickupReminderEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Thandi",
  businessName: "Mario's Restaurant",
  orderNumber: "SNB-2025-12345",
  pickupTime: "2025-06-26T15:30:00Z",
  pickupLocation: "123 Main Street, Pretoria",
  contactPerson: "John Smith",
  contactPhone: "+27123456789",
  confirmationCode: "ABC123",
  items: [
    { name: "Margherita Pizza", quantity: 2 },
    { name: "Garlic Bread", quantity: 1 },
  ],
  totalAmount: "25.50",
  currency: "ZAR",
  orderUrl: "/orders/770e0600-e40d-43f6-a938-668877662222",
  timeZone: "Africa/Johannesburg",
} satisfies PickupReminderEmailProps;

import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { ItemList, type OrderItem } from "./components/items";
import { formatDateTime, formatMoney, greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";

/** `interaction_confirmed` (seed 001 §6.1: the business confirmed the customer's/NGO's order). */
export interface InteractionConfirmedEmailProps {
  appUrl: string;
  unsubscribeUrl: string;
  recipientName?: string;
  businessName: string;
  orderNumber: string;
  /** ISO 8601. */
  pickupTime: string;
  pickupLocation: string;
  confirmationCode?: string;
  items: OrderItem[];
  totalAmount?: string;
  currency?: string;
  orderUrl: string;
  timeZone?: string;
}

export function subject(p: InteractionConfirmedEmailProps): string {
  return safeHeaderValue(`${p.businessName} confirmed your order ${p.orderNumber}`);
}

export default function InteractionConfirmedEmail(p: InteractionConfirmedEmailProps) {
  const when = formatDateTime(p.pickupTime, p.timeZone);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={`Your order is confirmed. Pickup: ${when}`}
      reason={`you placed order ${p.orderNumber} with ${p.businessName} and have email turned on for pickups and orders`}
      unsubscribeUrl={p.unsubscribeUrl}
    >
      <Heading as="h1" style={styles.heading}>
        Your order is confirmed
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>{p.businessName} confirmed your order. Here are the pickup details:</Text>
      <DetailsCard
        title={`Order ${p.orderNumber}`}
        rows={[
          { label: "Pickup time", value: when },
          { label: "Location", value: p.pickupLocation },
          { label: "Confirmation code", value: p.confirmationCode },
          { label: "Total", value: p.totalAmount && p.currency ? formatMoney(p.totalAmount, p.currency) : undefined },
        ]}
      />
      <ItemList items={p.items} />
      <Button href={p.orderUrl} appUrl={p.appUrl}>
        View order
      </Button>
    </EmailLayout>
  );
}

InteractionConfirmedEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  businessName: "Mario's Restaurant",
  orderNumber: "SNB-2025-12345",
  pickupTime: "2025-06-26T15:30:00Z",
  pickupLocation: "123 Main Street, Pretoria",
  confirmationCode: "ABC123",
  items: [
    { name: "Margherita Pizza", quantity: 2 },
    { name: "Garlic Bread", quantity: 1 },
  ],
  totalAmount: "25.50",
  currency: "ZAR",
  orderUrl: "/orders/770e0600-e40d-43f6-a938-668877662222",
  timeZone: "Africa/Johannesburg",
} satisfies InteractionConfirmedEmailProps;

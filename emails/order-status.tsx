import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { formatDateTime, greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";

export type OrderStatus = "placed" | "preparing" | "ready";

/**
 * `order_status` (seed 001 §4 `interaction.status_changed`; issue 4 "order status changed"): an order moved
 * to a new status that has no dedicated type (confirmed, completed and cancelled have their own). In-app by
 * default; the email is used only when the customer turns email on for pickups.
 */
export interface OrderStatusEmailProps {
  appUrl: string;
  recipientName?: string;
  unsubscribeUrl: string;
  businessName: string;
  orderNumber: string;
  status: OrderStatus;
  /** ISO 8601, when known. */
  pickupTime?: string;
  orderUrl: string;
  timeZone?: string;
}

const LINES: Record<OrderStatus, { title: string; line: string }> = {
  placed: { title: "Order received", line: "has received your order and will confirm it shortly." },
  preparing: { title: "Order being prepared", line: "is preparing your order." },
  ready: { title: "Order ready for pickup", line: "has your order ready for pickup." },
};

export function subject(p: OrderStatusEmailProps): string {
  return safeHeaderValue(`${LINES[p.status].title}: order ${p.orderNumber} at ${p.businessName}`);
}

export default function OrderStatusEmail(p: OrderStatusEmailProps) {
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={`${p.businessName} ${LINES[p.status].line}`}
      reason={`you placed an order with ${p.businessName}`}
      unsubscribeUrl={p.unsubscribeUrl}
    >
      <Heading as="h1" style={styles.heading}>
        {LINES[p.status].title}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>
        {p.businessName} {LINES[p.status].line}
      </Text>
      <DetailsCard
        rows={[
          { label: "Order", value: p.orderNumber },
          { label: "Pickup time", value: p.pickupTime ? formatDateTime(p.pickupTime, p.timeZone) : undefined },
        ]}
      />
      <Button href={p.orderUrl} appUrl={p.appUrl}>
        View order
      </Button>
    </EmailLayout>
  );
}

OrderStatusEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Thandi",
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  businessName: "Mario's Restaurant",
  orderNumber: "SNB-2025-12345",
  status: "ready",
  pickupTime: "2025-06-26T15:30:00Z",
  orderUrl: "/notifications",
  timeZone: "Africa/Johannesburg",
} satisfies OrderStatusEmailProps;

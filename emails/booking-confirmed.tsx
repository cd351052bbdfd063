import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { ItemList, type OrderItem } from "./components/items";
import { formatDateTime, formatMoney, greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";

/** `booking_confirmed` (seed 003: a reservation/booking was made and confirmed). */
export interface BookingConfirmedEmailProps {
  appUrl: string;
  unsubscribeUrl: string;
  recipientName?: string;
  businessName: string;
  bookingReference: string;
  /** ISO 8601. */
  pickupTime: string;
  pickupLocation: string;
  items: OrderItem[];
  totalAmount?: string;
  currency?: string;
  bookingUrl: string;
  timeZone?: string;
}

export function subject(p: BookingConfirmedEmailProps): string {
  return safeHeaderValue(`Booking confirmed: ${p.businessName}, ${formatDateTime(p.pickupTime, p.timeZone)}`);
}

export default function BookingConfirmedEmail(p: BookingConfirmedEmailProps) {
  const when = formatDateTime(p.pickupTime, p.timeZone);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={`Booking ${p.bookingReference} at ${p.businessName} is confirmed for ${when}`}
      reason={`you made booking ${p.bookingReference} with ${p.businessName} and have email turned on for pickups and orders`}
      unsubscribeUrl={p.unsubscribeUrl}
    >
      <Heading as="h1" style={styles.heading}>
        Your booking is confirmed
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>{p.businessName} is holding your food. We&apos;ll remind you before pickup.</Text>
      <DetailsCard
        title={`Booking ${p.bookingReference}`}
        rows={[
          { label: "Pickup time", value: when },
          { label: "Location", value: p.pickupLocation },
          { label: "Total", value: p.totalAmount && p.currency ? formatMoney(p.totalAmount, p.currency) : undefined },
        ]}
      />
      <ItemList items={p.items} heading="Booked items" />
      <Button href={p.bookingUrl} appUrl={p.appUrl}>
        View booking
      </Button>
    </EmailLayout>
  );
}

BookingConfirmedEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  businessName: "Green Leaf Bakery",
  bookingReference: "HB-7Q4K2",
  pickupTime: "2025-06-27T16:00:00Z",
  pickupLocation: "45 Esselen Street, Sunnyside, Pretoria",
  items: [
    { name: "Sourdough loaf", quantity: 1 },
    { name: "Assorted muffins", quantity: 4 },
  ],
  totalAmount: "48.00",
  currency: "ZAR",
  bookingUrl: "/bookings/HB-7Q4K2",
  timeZone: "Africa/Johannesburg",
} satisfies BookingConfirmedEmailProps;

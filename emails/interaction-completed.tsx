import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { formatDateTime, greeting, plural } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";

/** `interaction_completed` (seed 001 §6.1: the pickup was completed). Invites a review. */
export interface InteractionCompletedEmailProps {
  appUrl: string;
  unsubscribeUrl: string;
  recipientName?: string;
  businessName: string;
  orderNumber: string;
  /** ISO 8601. */
  completedAt: string;
  totalItems?: number;
  /** Meals rescued / kilograms saved, when the host platform reports it (free text, e.g. "3 meals"). */
  impact?: string;
  reviewUrl: string;
  timeZone?: string;
}

export function subject(p: InteractionCompletedEmailProps): string {
  return safeHeaderValue(`Pickup complete: order ${p.orderNumber} from ${p.businessName}`);
}

export default function InteractionCompletedEmail(p: InteractionCompletedEmailProps) {
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={`Thanks for collecting from ${p.businessName}. How was it?`}
      reason={`you collected order ${p.orderNumber} from ${p.businessName} and have email turned on for pickups and orders`}
      unsubscribeUrl={p.unsubscribeUrl}
    >
      <Heading as="h1" style={styles.heading}>
        Thanks for rescuing food today
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>Your pickup from {p.businessName} is complete.</Text>
      <DetailsCard
        title={`Order ${p.orderNumber}`}
        rows={[
          { label: "Collected", value: formatDateTime(p.completedAt, p.timeZone) },
          { label: "Items", value: p.totalItems !== undefined ? plural(p.totalItems, "item", "items") : undefined },
          { label: "Impact", value: p.impact },
        ]}
      />
      <Text style={styles.text}>Tell others how it went: a short review helps {p.businessName} and the community.</Text>
      <Button href={p.reviewUrl} appUrl={p.appUrl}>
        Leave a review
      </Button>
    </EmailLayout>
  );
}

InteractionCompletedEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  businessName: "Mario's Restaurant",
  orderNumber: "SNB-2025-12345",
  completedAt: "2025-06-26T15:42:00Z",
  totalItems: 3,
  impact: "3 meals saved from landfill",
  reviewUrl: "/orders/770e0600-e40d-43f6-a938-668877662222/review",
  timeZone: "Africa/Johannesburg",
} satisfies InteractionCompletedEmailProps;

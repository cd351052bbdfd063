import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { formatDateTime, greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { colors, PREVIEW_APP_URL, styles } from "./components/theme";

/** `review_received` (seed 001 §6.1: a customer reviewed the business; sent to the business owner). */
export interface ReviewReceivedEmailProps {
  appUrl: string;
  unsubscribeUrl: string;
  recipientName?: string;
  businessName: string;
  reviewerName: string;
  /** Whole stars, 1–5. */
  rating: number;
  comment?: string;
  listingName?: string;
  /** ISO 8601. */
  reviewedAt?: string;
  reviewUrl: string;
  timeZone?: string;
}

/** "★★★★☆" for 4 (clamped to 0–5). */
export function stars(rating: number): string {
  const n = Math.max(0, Math.min(5, Math.round(rating)));
  return "★".repeat(n) + "☆".repeat(5 - n);
}

export function subject(p: ReviewReceivedEmailProps): string {
  return safeHeaderValue(`New ${p.rating}-star review for ${p.businessName}`);
}

export default function ReviewReceivedEmail(p: ReviewReceivedEmailProps) {
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={`${p.reviewerName} rated ${p.businessName} ${p.rating} out of 5`}
      reason={`you manage ${p.businessName} on Herald and have email turned on for reviews`}
      unsubscribeUrl={p.unsubscribeUrl}
    >
      <Heading as="h1" style={styles.heading}>
        You have a new review
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>
        {p.reviewerName} reviewed {p.businessName}
        {p.listingName ? ` (${p.listingName})` : ""}
        {p.reviewedAt ? ` on ${formatDateTime(p.reviewedAt, p.timeZone)}` : ""}.
      </Text>
      <Text style={{ ...styles.text, fontSize: "22px", color: colors.warning, margin: "0 0 8px" }}>
        <span aria-label={`${p.rating} out of 5 stars`}>{stars(p.rating)}</span>{" "}
        <span style={{ fontSize: "15px", color: colors.text }}>{p.rating} out of 5</span>
      </Text>
      {p.comment ? (
        <Text
          style={{
            ...styles.text,
            borderLeft: `4px solid ${colors.border}`,
            paddingLeft: "12px",
            fontStyle: "italic",
          }}
        >
          “{p.comment}”
        </Text>
      ) : null}
      <Button href={p.reviewUrl} appUrl={p.appUrl}>
        Read and reply
      </Button>
    </EmailLayout>
  );
}

ReviewReceivedEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Mario",
  businessName: "Mario's Restaurant",
  reviewerName: "Thandi M.",
  rating: 4,
  comment: "Pizza was still warm and the staff were lovely. Pickup took two minutes.",
  listingName: "Margherita Pizza",
  reviewedAt: "2025-06-26T17:05:00Z",
  reviewUrl: "/business/reviews/880e1700-e51e-44a7-b049-779988773333",
  timeZone: "Africa/Johannesburg",
} satisfies ReviewReceivedEmailProps;

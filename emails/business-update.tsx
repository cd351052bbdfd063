import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { Paragraphs, firstLine } from "./components/paragraphs";
import { greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";

/** `business_update` (seed 001 §6.1: a followed business posted news or changed its profile). */
export interface BusinessUpdateEmailProps {
  appUrl: string;
  unsubscribeUrl: string;
  recipientName?: string;
  businessName: string;
  title: string;
  /** Plain text; blank lines separate paragraphs. No markdown, no HTML. */
  body: string;
  actionUrl?: string;
  actionLabel?: string;
}

export function subject(p: BusinessUpdateEmailProps): string {
  return safeHeaderValue(`${p.businessName}: ${p.title}`);
}

export default function BusinessUpdateEmail(p: BusinessUpdateEmailProps) {
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={firstLine(p.body)}
      reason={`you follow ${p.businessName} on Herald and have email turned on for business news`}
      unsubscribeUrl={p.unsubscribeUrl}
    >
      <Text style={{ ...styles.muted, textTransform: "uppercase", letterSpacing: "0.06em", margin: "0 0 4px" }}>
        Update from {p.businessName}
      </Text>
      <Heading as="h1" style={styles.heading}>
        {p.title}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Paragraphs text={p.body} />
      {p.actionUrl ? (
        <Button href={p.actionUrl} appUrl={p.appUrl}>
          {p.actionLabel ?? `Visit ${p.businessName}`}
        </Button>
      ) : null}
    </EmailLayout>
  );
}

BusinessUpdateEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  businessName: "Mario's Restaurant",
  title: "New evening pickup window",
  body:
    "From Monday we hold surplus food for pickup between 19:00 and 20:30 as well as at lunchtime.\n\nNGO partners can now reserve up to 20 portions a day. Thank you for helping us waste less!",
  actionUrl: "/businesses/660f9500-f39c-42e5-b827-557766551111",
  actionLabel: "See Mario's listings",
} satisfies BusinessUpdateEmailProps;

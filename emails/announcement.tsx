import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { Paragraphs, firstLine } from "./components/paragraphs";
import { SafeMarkdown } from "./components/markdown";
import { greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { BRAND_NAME, PREVIEW_APP_URL, styles } from "./components/theme";

/**
 * The generic announcement (title + body + optional CTA), used by broadcast campaigns (issue 6). Not a
 * catalog type; non-transactional. The body is plain text, or a safe markdown subset with
 * `format: "markdown"` (emails/components/markdown.tsx).
 */
export interface AnnouncementEmailProps {
  appUrl: string;
  unsubscribeUrl: string;
  recipientName?: string;
  title: string;
  /** Plain text (blank lines separate paragraphs) or, with `format: "markdown"`, a safe markdown subset. Never HTML. */
  body: string;
  /** How to read `body`; default "text". */
  format?: "text" | "markdown";
  /** Click-redirect base for the markdown body's links (campaign emails; click tracking). */
  clickTrackingUrl?: string;
  /** Inbox preview text; defaults to the start of `body`. */
  preheader?: string;
  actionUrl?: string;
  actionLabel?: string;
  /** Who sends it, when not the Herald team (e.g. a business writing to its followers). */
  senderName?: string;
}

export function subject(p: AnnouncementEmailProps): string {
  return safeHeaderValue(p.title);
}

export default function AnnouncementEmail(p: AnnouncementEmailProps) {
  const reason = p.senderName
    ? `you follow ${p.senderName} on ${BRAND_NAME} and have email turned on for their news`
    : `you have a ${BRAND_NAME} account and have email turned on for announcements`;
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={p.preheader ?? firstLine(p.body)}
      reason={reason}
      unsubscribeUrl={p.unsubscribeUrl}
    >
      <Heading as="h1" style={styles.heading}>
        {p.title}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      {p.format === "markdown" ? <SafeMarkdown source={p.body} appUrl={p.appUrl} track={p.clickTrackingUrl} /> : <Paragraphs text={p.body} />}
      {p.actionUrl ? (
        <Button href={p.actionUrl} appUrl={p.appUrl}>
          {p.actionLabel ?? "Read more"}
        </Button>
      ) : null}
      <Text style={styles.text}>— {p.senderName ?? `The ${BRAND_NAME} team`}</Text>
    </EmailLayout>
  );
}

AnnouncementEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  title: "Winter food drive: double the pickups this July",
  body:
    "This July our partner businesses are doubling their end-of-day listings for NGOs and families.\n\nFollow the businesses near you to hear first, and set a daily digest if you'd rather get one email a day.\n\nThank you for helping us rescue food.",
  preheader: "Twice the listings all July — follow businesses near you",
  actionUrl: "/businesses",
  actionLabel: "Find businesses near you",
} satisfies AnnouncementEmailProps;

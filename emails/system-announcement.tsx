import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { Paragraphs, firstLine } from "./components/paragraphs";
import { greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { BRAND_NAME, PREVIEW_APP_URL, styles } from "./components/theme";

/** `system_announcement` (seed 001 §6.1: an admin broadcast from the Herald team to all users). */
export interface SystemAnnouncementEmailProps {
  appUrl: string;
  unsubscribeUrl: string;
  recipientName?: string;
  title: string;
  /** Plain text; blank lines separate paragraphs. */
  body: string;
  actionUrl?: string;
  actionLabel?: string;
}

export function subject(p: SystemAnnouncementEmailProps): string {
  return safeHeaderValue(p.title);
}

export default function SystemAnnouncementEmail(p: SystemAnnouncementEmailProps) {
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={firstLine(p.body)}
      reason={`you have a ${BRAND_NAME} account and have email turned on for announcements from the ${BRAND_NAME} team`}
      unsubscribeUrl={p.unsubscribeUrl}
    >
      <Heading as="h1" style={styles.heading}>
        {p.title}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Paragraphs text={p.body} />
      {p.actionUrl ? (
        <Button href={p.actionUrl} appUrl={p.appUrl}>
          {p.actionLabel ?? "Learn more"}
        </Button>
      ) : null}
      <Text style={styles.text}>— The {BRAND_NAME} team</Text>
    </EmailLayout>
  );
}

SystemAnnouncementEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  title: "Scheduled maintenance on Sunday 29 June",
  body:
    "Herald will be unavailable on Sunday 29 June between 02:00 and 03:00 (SAST) while we upgrade our database.\n\nPickups booked for that time are not affected, and notifications sent during the window will arrive shortly after.",
  actionUrl: "/status",
  actionLabel: "View status page",
} satisfies SystemAnnouncementEmailProps;

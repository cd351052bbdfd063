import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { Paragraphs, firstLine } from "./components/paragraphs";
import { greeting } from "./components/email-locale";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

/**
 * `system_announcement` (docs/requirements.md R4.1, R14: an admin broadcast from the Herald team to all users). The title, body
 * and button label are the admin's words and stay as written; `locale` translates the rest.
 */
export const schema = z.strictObject({
  ...field.bulk,
  title: field.text(),
  /** Plain text; blank lines separate paragraphs. */
  body: field.body,
  actionUrl: field.link.optional(),
  actionLabel: field.optText(60),
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type SystemAnnouncementEmailProps = z.infer<typeof schema>;

export function subject(p: SystemAnnouncementEmailProps): string {
  return safeHeaderValue(p.title);
}

export default function SystemAnnouncementEmail(p: SystemAnnouncementEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={firstLine(p.body)}
      reason={t("mail.systemAnnouncement.reason")}
      unsubscribeUrl={p.unsubscribeUrl}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {p.title}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Paragraphs text={p.body} />
      {p.actionUrl ? (
        <Button href={p.actionUrl} appUrl={p.appUrl}>
          {p.actionLabel ?? t("mail.systemAnnouncement.learnMore")}
        </Button>
      ) : null}
      <Text style={styles.text}>{t("mail.common.teamSignature")}</Text>
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

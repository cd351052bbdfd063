import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { Paragraphs, firstLine } from "./components/paragraphs";
import { SafeMarkdown } from "./components/markdown";
import { greeting } from "./components/email-locale";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

/**
 * The generic announcement (title + body + optional CTA), used by broadcast campaigns (issue 6). Not a
 * catalog type; non-transactional. The body is plain text, or a safe markdown subset with
 * `format: "markdown"` (emails/components/markdown.tsx). The title, body and labels are the sender's words and
 * stay as written; `locale` translates the greeting, the default button label, the sign-off and the footer.
 */
export const schema = z.strictObject({
  ...field.bulk,
  title: field.text(),
  /** Plain text (blank lines separate paragraphs) or, with `format: "markdown"`, a safe markdown subset. Never HTML. */
  body: field.body,
  /** How to read `body`; default "text". */
  format: z.enum(["text", "markdown"]).optional(),
  /** Click-redirect base for the markdown body's links (campaign emails; click tracking). */
  clickTrackingUrl: field.link.optional(),
  /** Inbox preview text; defaults to the start of `body`. */
  preheader: field.optText(200),
  actionUrl: field.link.optional(),
  actionLabel: field.optText(60),
  /** Who sends it, when not the Herald team (e.g. a business writing to its followers). */
  senderName: field.optText(),
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type AnnouncementEmailProps = z.infer<typeof schema>;

export function subject(p: AnnouncementEmailProps): string {
  return safeHeaderValue(p.title);
}

export default function AnnouncementEmail(p: AnnouncementEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const reason = p.senderName ? t("mail.announcement.reasonSender", { sender: p.senderName }) : t("mail.announcement.reason");
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={p.preheader ?? firstLine(p.body)}
      reason={reason}
      unsubscribeUrl={p.unsubscribeUrl}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {p.title}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      {p.format === "markdown" ? <SafeMarkdown source={p.body} appUrl={p.appUrl} track={p.clickTrackingUrl} /> : <Paragraphs text={p.body} />}
      {p.actionUrl ? (
        <Button href={p.actionUrl} appUrl={p.appUrl}>
          {p.actionLabel ?? t("mail.announcement.readMore")}
        </Button>
      ) : null}
      <Text style={styles.text}>{p.senderName ? `— ${p.senderName}` : t("mail.common.teamSignature")}</Text>
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

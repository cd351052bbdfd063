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
 * `business_update` (docs/requirements.md R4.1: a followed business posted news or changed its profile). The title, body
 * and button label are the business's words and stay as written; `locale` translates the rest.
 */
export const schema = z.strictObject({
  ...field.bulk,
  businessName: field.text(),
  title: field.text(),
  /** Plain text; blank lines separate paragraphs. No markdown, no HTML. */
  body: field.body,
  actionUrl: field.link.optional(),
  actionLabel: field.optText(60),
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type BusinessUpdateEmailProps = z.infer<typeof schema>;

export function subject(p: BusinessUpdateEmailProps): string {
  return safeHeaderValue(`${p.businessName}: ${p.title}`);
}

export default function BusinessUpdateEmail(p: BusinessUpdateEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={firstLine(p.body)}
      reason={t("mail.businessUpdate.reason", { business: p.businessName })}
      unsubscribeUrl={p.unsubscribeUrl}
      locale={locale}
    >
      <Text style={{ ...styles.muted, textTransform: "uppercase", letterSpacing: "0.06em", margin: "0 0 4px" }}>
        {t("mail.businessUpdate.eyebrow", { business: p.businessName })}
      </Text>
      <Heading as="h1" style={styles.heading}>
        {p.title}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Paragraphs text={p.body} />
      {p.actionUrl ? (
        <Button href={p.actionUrl} appUrl={p.appUrl}>
          {p.actionLabel ?? t("mail.businessUpdate.visit", { business: p.businessName })}
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

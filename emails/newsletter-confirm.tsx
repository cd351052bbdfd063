import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button, LinkFallback } from "./components/button";
import { greeting } from "./components/email-locale";
import { safeActionUrl, safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

/**
 * `newsletter_confirm` (docs/requirements.md R14.7; issue 6): the double opt-in email sent after a public signup.
 * Transactional (the person just asked for it): no unsubscribe link; nothing else is sent until they confirm.
 */
export const schema = z.strictObject({
  ...field.base,
  /** The confirmation page (https or app-relative, e.g. "/newsletter/confirm/<token>"). */
  confirmUrl: field.link,
  /** Link lifetime in hours. */
  expiresInHours: z.number().int().min(1).max(24 * 30),
  /** The subscriber's language (default English). */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type NewsletterConfirmEmailProps = z.infer<typeof schema>;

export function subject(p: NewsletterConfirmEmailProps): string {
  return safeHeaderValue(translator(p.locale ?? "en")("mail.newsletterConfirm.subject"));
}

export default function NewsletterConfirmEmail(p: NewsletterConfirmEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const link = safeActionUrl(p.confirmUrl, p.appUrl);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={t("mail.newsletterConfirm.preview")}
      reason={t("mail.newsletterConfirm.reason")}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {t("mail.newsletterConfirm.heading")}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{t("mail.newsletterConfirm.body", { count: p.expiresInHours })}</Text>
      <Button href={link} appUrl={p.appUrl}>
        {t("mail.newsletterConfirm.cta")}
      </Button>
      <LinkFallback href={link} locale={locale} />
      <Text style={styles.muted}>{t("mail.newsletterConfirm.ignore")}</Text>
    </EmailLayout>
  );
}

NewsletterConfirmEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Lerato",
  confirmUrl: "/newsletter/confirm/preview-8d2f1c",
  expiresInHours: 72,
} satisfies NewsletterConfirmEmailProps;

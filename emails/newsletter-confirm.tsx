import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button, LinkFallback } from "./components/button";
import { greeting, plural } from "./components/format";
import { safeActionUrl, safeHeaderValue } from "./components/safety";
import { BRAND_NAME, PREVIEW_APP_URL, styles } from "./components/theme";

/**
 * `newsletter_confirm` (seed 000 newsletter; issue 6): the double opt-in email sent after a public signup.
 * Transactional (the person just asked for it): no unsubscribe link; nothing else is sent until they confirm.
 */
export interface NewsletterConfirmEmailProps {
  appUrl: string;
  recipientName?: string;
  /** The confirmation page (https or app-relative, e.g. "/newsletter/confirm/<token>"). */
  confirmUrl: string;
  /** Link lifetime in hours. */
  expiresInHours: number;
}

export function subject(_p: NewsletterConfirmEmailProps): string {
  return safeHeaderValue(`Confirm your ${BRAND_NAME} newsletter subscription`);
}

export default function NewsletterConfirmEmail(p: NewsletterConfirmEmailProps) {
  const link = safeActionUrl(p.confirmUrl, p.appUrl);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview="One click and you are on the list."
      reason={`someone signed this address up for the ${BRAND_NAME} newsletter`}
    >
      <Heading as="h1" style={styles.heading}>
        Confirm your subscription
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>
        Please confirm that you want the {BRAND_NAME} newsletter at this address. The link works for{" "}
        {plural(p.expiresInHours, "hour", "hours")}.
      </Text>
      <Button href={link} appUrl={p.appUrl}>
        Confirm subscription
      </Button>
      <LinkFallback href={link} />
      <Text style={styles.muted}>If you did not sign up, ignore this email: you will not hear from us again.</Text>
    </EmailLayout>
  );
}

NewsletterConfirmEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Lerato",
  confirmUrl: "/newsletter/confirm/preview-8d2f1c",
  expiresInHours: 72,
} satisfies NewsletterConfirmEmailProps;

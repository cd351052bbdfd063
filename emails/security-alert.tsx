import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { formatDateTime, greeting, intlLocaleOf } from "./components/email-locale";
import { safeHeaderValue } from "./components/safety";
import { colors, PREVIEW_APP_URL, styles } from "./components/theme";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

const securityEvent = z.enum(["new_sign_in", "password_changed", "email_changed", "api_key_created"]);
export type SecurityEvent = z.infer<typeof securityEvent>;

/** `security_alert` (docs/requirements.md R4.1, R22.9: account security events). Critical, transactional. */
export const schema = z.strictObject({
  ...field.base,
  event: securityEvent,
  /** ISO 8601. */
  occurredAt: field.isoDateTime,
  ipAddress: field.optText(64),
  /** e.g. "Chrome on Windows". */
  device: field.optText(200),
  /** Approximate, e.g. "Johannesburg, South Africa". */
  location: field.optText(200),
  /** Where to review sessions / change the password. */
  secureAccountUrl: field.link,
  timeZone: field.timeZone,
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type SecurityAlertEmailProps = z.infer<typeof schema>;

export function subject(p: SecurityAlertEmailProps): string {
  return safeHeaderValue(translator(p.locale ?? "en")(`mail.securityAlert.events.${p.event}.subject`));
}

export default function SecurityAlertEmail(p: SecurityAlertEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const body = t(`mail.securityAlert.events.${p.event}.body`);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={t("mail.securityAlert.preview", { body })}
      reason={t("mail.securityAlert.reason")}
      locale={locale}
    >
      <Heading as="h1" style={{ ...styles.heading, color: colors.danger }}>
        {t(`mail.securityAlert.events.${p.event}.title`)}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{body}</Text>
      <DetailsCard
        rows={[
          { label: t("mail.securityAlert.when"), value: formatDateTime(p.occurredAt, p.timeZone, intlLocaleOf(p.locale)) },
          { label: t("mail.securityAlert.device"), value: p.device },
          { label: t("mail.securityAlert.location"), value: p.location },
          { label: t("mail.securityAlert.ipAddress"), value: p.ipAddress },
        ]}
      />
      <Text style={styles.text}>{t.rich("mail.securityAlert.advice", { strong: (chunks) => <strong>{chunks}</strong> })}</Text>
      <Button href={p.secureAccountUrl} appUrl={p.appUrl}>
        {t("mail.securityAlert.cta")}
      </Button>
    </EmailLayout>
  );
}

SecurityAlertEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Thandi",
  event: "new_sign_in",
  occurredAt: "2025-06-26T06:12:00Z",
  ipAddress: "196.25.1.10",
  device: "Chrome on Windows",
  location: "Johannesburg, South Africa",
  secureAccountUrl: "/settings/security",
  timeZone: "Africa/Johannesburg",
} satisfies SecurityAlertEmailProps;

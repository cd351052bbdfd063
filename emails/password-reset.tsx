import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button, LinkFallback } from "./components/button";
import { greeting } from "./components/email-locale";
import { safeActionUrl, safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

/** `password_reset` (docs/requirements.md R22.8: password reset link). Critical, transactional. */
export const schema = z.strictObject({
  ...field.base,
  /** The single-use reset link (https or app-relative, e.g. "/reset-password?token=…"). */
  resetUrl: field.link,
  /** Link lifetime in minutes. */
  expiresInMinutes: z.number().int().min(1).max(7 * 24 * 60),
  /** IP the request came from, shown to help spot abuse. */
  requestedFromIp: field.optText(64),
  /** The recipient's language (default English). */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type PasswordResetEmailProps = z.infer<typeof schema>;

export function subject(p: PasswordResetEmailProps): string {
  return safeHeaderValue(translator(p.locale ?? "en")("mail.passwordReset.subject"));
}

export default function PasswordResetEmail(p: PasswordResetEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const link = safeActionUrl(p.resetUrl, p.appUrl);
  // Whole hours read as hours ("1 hour"), anything else as minutes.
  const lifetime =
    p.expiresInMinutes % 60 === 0 ? { unit: "hours", count: p.expiresInMinutes / 60 } : { unit: "minutes", count: p.expiresInMinutes };
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={t("mail.passwordReset.preview", lifetime)}
      reason={t("mail.passwordReset.reason")}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {t("mail.passwordReset.heading")}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>
        {p.requestedFromIp ? t("mail.passwordReset.bodyIp", { ...lifetime, ip: p.requestedFromIp }) : t("mail.passwordReset.body", lifetime)}
      </Text>
      <Button href={link} appUrl={p.appUrl}>
        {t("mail.passwordReset.cta")}
      </Button>
      <LinkFallback href={link} locale={locale} />
      <Text style={styles.muted}>{t("mail.passwordReset.ignore")}</Text>
    </EmailLayout>
  );
}

PasswordResetEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Thandi",
  resetUrl: "/reset-password?token=preview-3f9c2a71b8e04d5c",
  expiresInMinutes: 60,
  requestedFromIp: "196.25.1.10",
} satisfies PasswordResetEmailProps;

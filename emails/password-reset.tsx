import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button, LinkFallback } from "./components/button";
import { greeting, plural } from "./components/format";
import { safeActionUrl, safeHeaderValue } from "./components/safety";
import { BRAND_NAME, PREVIEW_APP_URL, styles } from "./components/theme";

/** `password_reset` (seed 000: password reset link). Critical, transactional. */
export interface PasswordResetEmailProps {
  appUrl: string;
  recipientName?: string;
  /** The single-use reset link (https or app-relative, e.g. "/reset-password?token=…"). */
  resetUrl: string;
  /** Link lifetime in minutes. */
  expiresInMinutes: number;
  /** IP the request came from, shown to help spot abuse. */
  requestedFromIp?: string;
}

export function subject(_p: PasswordResetEmailProps): string {
  return safeHeaderValue(`Reset your ${BRAND_NAME} password`);
}

export default function PasswordResetEmail(p: PasswordResetEmailProps) {
  const link = safeActionUrl(p.resetUrl, p.appUrl);
  const lifetime =
    p.expiresInMinutes % 60 === 0 ? plural(p.expiresInMinutes / 60, "hour", "hours") : plural(p.expiresInMinutes, "minute", "minutes");
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={`Use this link within ${lifetime} to choose a new password.`}
      reason={`someone asked to reset the password of the ${BRAND_NAME} account for this email address`}
    >
      <Heading as="h1" style={styles.heading}>
        Reset your password
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>
        We received a request to reset your password{p.requestedFromIp ? ` (from IP address ${p.requestedFromIp})` : ""}.
        The link works once and expires in {lifetime}.
      </Text>
      <Button href={link} appUrl={p.appUrl}>
        Choose a new password
      </Button>
      <LinkFallback href={link} />
      <Text style={styles.muted}>If you did not ask for this, ignore this email: your password stays the same.</Text>
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

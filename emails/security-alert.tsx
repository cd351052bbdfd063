import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { formatDateTime, greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { BRAND_NAME, colors, PREVIEW_APP_URL, styles } from "./components/theme";

export type SecurityEvent = "new_sign_in" | "password_changed" | "email_changed" | "api_key_created";

/** `security_alert` (seeds 000/003: account security events). Critical, transactional. */
export interface SecurityAlertEmailProps {
  appUrl: string;
  recipientName?: string;
  event: SecurityEvent;
  /** ISO 8601. */
  occurredAt: string;
  ipAddress?: string;
  /** e.g. "Chrome on Windows". */
  device?: string;
  /** Approximate, e.g. "Johannesburg, South Africa". */
  location?: string;
  /** Where to review sessions / change the password. */
  secureAccountUrl: string;
  timeZone?: string;
}

const EVENTS: Record<SecurityEvent, { title: string; body: string }> = {
  new_sign_in: { title: "New sign-in to your account", body: "Your account was just signed in to from a new device." },
  password_changed: { title: "Your password was changed", body: "The password of your account was just changed." },
  email_changed: { title: "Your email address was changed", body: "The email address of your account was just changed." },
  api_key_created: { title: "A new API key was created", body: "A new API key was just created for your account." },
};

export function subject(p: SecurityAlertEmailProps): string {
  return safeHeaderValue(`Security alert: ${EVENTS[p.event].title.toLowerCase()}`);
}

export default function SecurityAlertEmail(p: SecurityAlertEmailProps) {
  const e = EVENTS[p.event];
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={`${e.body} If this was not you, secure your account now.`}
      reason={`it concerns the security of your ${BRAND_NAME} account; security alerts are always sent`}
    >
      <Heading as="h1" style={{ ...styles.heading, color: colors.danger }}>
        {e.title}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>{e.body}</Text>
      <DetailsCard
        rows={[
          { label: "When", value: formatDateTime(p.occurredAt, p.timeZone) },
          { label: "Device", value: p.device },
          { label: "Location", value: p.location },
          { label: "IP address", value: p.ipAddress },
        ]}
      />
      <Text style={styles.text}>
        <strong>If this was you</strong>, there is nothing to do. <strong>If it was not</strong>, change your password
        and sign out of other sessions now.
      </Text>
      <Button href={p.secureAccountUrl} appUrl={p.appUrl}>
        Secure my account
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

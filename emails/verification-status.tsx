import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { BRAND_NAME, colors, PREVIEW_APP_URL, styles } from "./components/theme";

export type VerificationStatus = "approved" | "rejected" | "pending";

/** `verification_status` (seed 001 §6.1: account/business verification update). Transactional. */
export interface VerificationStatusEmailProps {
  appUrl: string;
  recipientName?: string;
  status: VerificationStatus;
  /** The business or NGO being verified, when it is not the person's own account. */
  organisationName?: string;
  /** Reviewer's note, e.g. what document is missing. Plain text. */
  note?: string;
  actionUrl: string;
}

const COPY: Record<VerificationStatus, { title: string; body: string; cta: string; color: string }> = {
  approved: {
    title: "You're verified",
    body: "Your verification is approved. Everything that needed a verified account is now unlocked.",
    cta: "Go to your dashboard",
    color: colors.brandLight,
  },
  rejected: {
    title: "We couldn't verify your account",
    body: "Your verification was not approved. Please check the note below and submit again.",
    cta: "Update your details",
    color: colors.danger,
  },
  pending: {
    title: "Verification in progress",
    body: "We received your documents and are reviewing them. This usually takes one or two working days.",
    cta: "Check your status",
    color: colors.warning,
  },
};

export function subject(p: VerificationStatusEmailProps): string {
  const who = p.organisationName ? ` for ${p.organisationName}` : "";
  const word = { approved: "approved", rejected: "not approved", pending: "in progress" }[p.status];
  return safeHeaderValue(`Verification${who} ${word}`);
}

export default function VerificationStatusEmail(p: VerificationStatusEmailProps) {
  const copy = COPY[p.status];
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={copy.body}
      reason={`it concerns the verification of your ${BRAND_NAME} account; account emails are always sent`}
    >
      <Heading as="h1" style={{ ...styles.heading, color: copy.color }}>
        {copy.title}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>
        {p.organisationName ? `${p.organisationName}: ` : ""}
        {copy.body}
      </Text>
      {p.note ? (
        <Text style={{ ...styles.card, ...styles.text }}>
          <strong>Note from our team:</strong> {p.note}
        </Text>
      ) : null}
      <Button href={p.actionUrl} appUrl={p.appUrl}>
        {copy.cta}
      </Button>
    </EmailLayout>
  );
}

VerificationStatusEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Lerato",
  status: "rejected",
  organisationName: "Pretoria Community Kitchen",
  note: "The NPO registration certificate was unreadable. Please upload a clearer scan or PDF.",
  actionUrl: "/settings/verification",
} satisfies VerificationStatusEmailProps;

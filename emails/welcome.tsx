import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { BRAND_NAME, PREVIEW_APP_URL, styles } from "./components/theme";

export type WelcomeRole = "CUSTOMER" | "NGO" | "BUSINESS";

/** `welcome` (seed 001 §6.1: registration complete). Transactional: no unsubscribe link. */
export interface WelcomeEmailProps {
  appUrl: string;
  recipientName?: string;
  role?: WelcomeRole;
  /** Where to start; https or app-relative. */
  getStartedUrl: string;
}

const NEXT_STEPS: Record<WelcomeRole, string[]> = {
  CUSTOMER: [
    "Follow the businesses near you to hear about new food first.",
    "Choose which emails you get, and set quiet hours, in your notification settings.",
  ],
  NGO: [
    "Follow partner businesses to be told as soon as surplus food is listed.",
    "Pickup reminders reach you by email and SMS so your team never misses a collection.",
  ],
  BUSINESS: [
    "Post your first listing: your followers are notified straight away.",
    "See who follows you and how your posts perform in your business dashboard.",
  ],
};

export function subject(p: WelcomeEmailProps): string {
  return safeHeaderValue(p.recipientName ? `Welcome to ${BRAND_NAME}, ${p.recipientName}` : `Welcome to ${BRAND_NAME}`);
}

export default function WelcomeEmail(p: WelcomeEmailProps) {
  const steps = NEXT_STEPS[p.role ?? "CUSTOMER"];
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={`Your ${BRAND_NAME} account is ready.`}
      reason={`you just created a ${BRAND_NAME} account with this email address`}
    >
      <Heading as="h1" style={styles.heading}>
        Welcome to {BRAND_NAME}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>Your account is ready. A few things to try first:</Text>
      <ul style={{ margin: "0 0 16px", paddingLeft: "20px" }}>
        {steps.map((s) => (
          <li key={s} style={{ ...styles.text, margin: "0 0 6px" }}>
            {s}
          </li>
        ))}
      </ul>
      <Button href={p.getStartedUrl} appUrl={p.appUrl}>
        Get started
      </Button>
      <Text style={styles.muted}>If you did not create this account, you can ignore this email.</Text>
    </EmailLayout>
  );
}

WelcomeEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Thandi",
  role: "CUSTOMER",
  getStartedUrl: "/businesses",
} satisfies WelcomeEmailProps;

import { Heading, Text } from "@react-email/components";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { formatDateTime, formatMoney, greeting } from "./components/format";
import { safeHeaderValue } from "./components/safety";
import { BRAND_NAME, colors, PREVIEW_APP_URL, styles } from "./components/theme";

export type BillingEvent = "payment_succeeded" | "payment_failed" | "invoice_available" | "subscription_renewing" | "subscription_expiring";

/** `billing` (seed 004: payments and subscriptions). Critical, transactional. */
export interface BillingEmailProps {
  appUrl: string;
  recipientName?: string;
  event: BillingEvent;
  /** Decimal string, e.g. "299.00". */
  amount: string;
  /** ISO 4217. */
  currency: string;
  planName?: string;
  invoiceNumber?: string;
  /** ISO 8601: payment date, due date or renewal date depending on `event`. */
  date?: string;
  /** e.g. "Visa ending 4242". */
  paymentMethod?: string;
  billingUrl: string;
  timeZone?: string;
}

const EVENTS: Record<BillingEvent, { title: string; line: string; dateLabel: string; cta: string }> = {
  payment_succeeded: { title: "Payment received", line: "Thank you: we received your payment.", dateLabel: "Paid on", cta: "View receipt" },
  payment_failed: {
    title: "Your payment failed",
    line: "We could not take your payment. Please update your payment method to keep your plan active.",
    dateLabel: "Attempted on",
    cta: "Update payment method",
  },
  invoice_available: { title: "Your invoice is ready", line: "A new invoice is available in your account.", dateLabel: "Due on", cta: "View invoice" },
  subscription_renewing: {
    title: "Your plan renews soon",
    line: "Your subscription will renew automatically.",
    dateLabel: "Renews on",
    cta: "Manage subscription",
  },
  subscription_expiring: {
    title: "Your plan expires soon",
    line: "Your subscription will not renew. Renew it to keep your plan's features.",
    dateLabel: "Expires on",
    cta: "Renew subscription",
  },
};

export function subject(p: BillingEmailProps): string {
  const ref = p.invoiceNumber ? ` (${p.invoiceNumber})` : "";
  return safeHeaderValue(`${EVENTS[p.event].title}: ${formatMoney(p.amount, p.currency)}${ref}`);
}

export default function BillingEmail(p: BillingEmailProps) {
  const e = EVENTS[p.event];
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={`${e.title}: ${formatMoney(p.amount, p.currency)}`}
      reason={`it concerns billing for your ${BRAND_NAME} account; billing emails are always sent`}
    >
      <Heading as="h1" style={{ ...styles.heading, color: p.event === "payment_failed" ? colors.danger : colors.text }}>
        {e.title}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName)}</Text>
      <Text style={styles.text}>{e.line}</Text>
      <DetailsCard
        rows={[
          { label: "Amount", value: formatMoney(p.amount, p.currency) },
          { label: "Plan", value: p.planName },
          { label: "Invoice", value: p.invoiceNumber },
          { label: e.dateLabel, value: p.date ? formatDateTime(p.date, p.timeZone) : undefined },
          { label: "Payment method", value: p.paymentMethod },
        ]}
      />
      <Button href={p.billingUrl} appUrl={p.appUrl}>
        {e.cta}
      </Button>
    </EmailLayout>
  );
}

BillingEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Mario",
  event: "payment_failed",
  amount: "299.00",
  currency: "ZAR",
  planName: "Business monthly",
  invoiceNumber: "INV-2025-0612",
  date: "2025-06-26T08:00:00Z",
  paymentMethod: "Visa ending 4242",
  billingUrl: "/settings/billing",
  timeZone: "Africa/Johannesburg",
} satisfies BillingEmailProps;

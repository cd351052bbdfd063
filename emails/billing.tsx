import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { formatDateTime, formatMoney, greeting, intlLocaleOf } from "./components/email-locale";
import { safeHeaderValue } from "./components/safety";
import { colors, PREVIEW_APP_URL, styles } from "./components/theme";
import type { Locale } from "../lib/i18n";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

/** What happened: it decides the email's title, first line, date label and button. */
const billingEvent = z.enum(["payment_succeeded", "payment_failed", "invoice_available", "subscription_renewing", "subscription_expiring", "subscription_canceled"]);
export type BillingEvent = z.infer<typeof billingEvent>;

/** `billing` (docs/requirements.md R4.1, R23.4: payments and subscriptions). Critical, transactional. */
export const schema = z.strictObject({
  ...field.base,
  event: billingEvent,
  /** Decimal string, e.g. "299.00". */
  amount: field.amount,
  /** ISO 4217. */
  currency: field.currency,
  planName: field.optText(100),
  invoiceNumber: field.optText(64),
  /** ISO 8601: payment date, due date or renewal date depending on `event`. */
  date: field.isoDateTime.optional(),
  /** e.g. "Visa ending 4242". */
  paymentMethod: field.optText(100),
  /** ISO 8601: when the payment processor tries a failed payment again (Stripe's `next_payment_attempt`). */
  nextAttempt: field.isoDateTime.optional(),
  billingUrl: field.link,
  timeZone: field.timeZone,
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type BillingEmailProps = z.infer<typeof schema>;

/** The event's title, first line, date label and button, in `locale`. */
function eventCopy(event: BillingEvent, locale: Locale) {
  const t = translator(locale);
  return {
    title: t(`mail.billing.events.${event}.title`),
    line: t(`mail.billing.events.${event}.line`),
    dateLabel: t(`mail.billing.events.${event}.dateLabel`),
    cta: t(`mail.billing.events.${event}.cta`),
  };
}

export function subject(p: BillingEmailProps): string {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const values = { title: eventCopy(p.event, locale).title, amount: formatMoney(p.amount, p.currency, intlLocaleOf(p.locale)) };
  return safeHeaderValue(p.invoiceNumber ? t("mail.billing.subjectInvoice", { ...values, invoice: p.invoiceNumber }) : t("mail.billing.subject", values));
}

export default function BillingEmail(p: BillingEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const intl = intlLocaleOf(p.locale);
  const e = eventCopy(p.event, locale);
  const amount = formatMoney(p.amount, p.currency, intl);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={t("mail.billing.subject", { title: e.title, amount })}
      reason={t("mail.billing.reason")}
      locale={locale}
    >
      <Heading as="h1" style={{ ...styles.heading, color: p.event === "payment_failed" ? colors.danger : colors.text }}>
        {e.title}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{e.line}</Text>
      <DetailsCard
        rows={[
          { label: t("mail.billing.amount"), value: amount },
          { label: t("mail.billing.plan"), value: p.planName },
          { label: t("mail.billing.invoice"), value: p.invoiceNumber },
          { label: e.dateLabel, value: p.date ? formatDateTime(p.date, p.timeZone, intl) : undefined },
          { label: t("mail.billing.paymentMethod"), value: p.paymentMethod },
          { label: t("mail.billing.nextAttempt"), value: p.nextAttempt ? formatDateTime(p.nextAttempt, p.timeZone, intl) : undefined },
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
  nextAttempt: "2025-06-29T08:00:00Z",
  billingUrl: "/settings/billing",
  timeZone: "Africa/Johannesburg",
} satisfies BillingEmailProps;

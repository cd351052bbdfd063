import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { formatDateTime, formatMoney, greeting, intlLocaleOf } from "./components/email-locale";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

const cancelledBy = z.enum(["business", "customer", "system"]);
export type CancelledBy = z.infer<typeof cancelledBy>;

/** `booking_cancelled` (docs/requirements.md R12.2: a booking was cancelled by either side or expired). */
export const schema = z.strictObject({
  ...field.bulk,
  businessName: field.text(),
  bookingReference: field.text(64),
  /** ISO 8601: the pickup that will no longer happen. */
  pickupTime: field.isoDateTime,
  cancelledBy,
  /** Plain text reason given by whoever cancelled. */
  reason: field.optText(1000),
  /** Decimal string, with `currency`. */
  refundAmount: field.amount.optional(),
  currency: field.currency.optional(),
  /** Where to find other food. */
  browseUrl: field.link,
  timeZone: field.timeZone,
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type BookingCancelledEmailProps = z.infer<typeof schema>;

/** Who cancelled, as the email's first sentence. */
const WHO = {
  business: "mail.bookingCancelled.byBusiness",
  customer: "mail.bookingCancelled.byCustomer",
  system: "mail.bookingCancelled.bySystem",
} as const satisfies Record<CancelledBy, string>;

export function subject(p: BookingCancelledEmailProps): string {
  return safeHeaderValue(translator(p.locale ?? "en")("mail.bookingCancelled.subject", { reference: p.bookingReference, business: p.businessName }));
}

export default function BookingCancelledEmail(p: BookingCancelledEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const intl = intlLocaleOf(p.locale);
  const who = t(WHO[p.cancelledBy], { business: p.businessName });
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={who}
      reason={t("mail.bookingCancelled.reason", { reference: p.bookingReference, business: p.businessName })}
      unsubscribeUrl={p.unsubscribeUrl}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {t("mail.bookingCancelled.heading")}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{who}</Text>
      <DetailsCard
        title={t("mail.common.bookingTitle", { reference: p.bookingReference })}
        rows={[
          { label: t("mail.bookingCancelled.wasDue"), value: formatDateTime(p.pickupTime, p.timeZone, intl) },
          { label: t("mail.bookingCancelled.reasonLabel"), value: p.reason },
          { label: t("mail.bookingCancelled.refund"), value: p.refundAmount && p.currency ? formatMoney(p.refundAmount, p.currency, intl) : undefined },
        ]}
      />
      <Text style={styles.text}>{t("mail.bookingCancelled.plentyLeft")}</Text>
      <Button href={p.browseUrl} appUrl={p.appUrl}>
        {t("mail.bookingCancelled.cta")}
      </Button>
    </EmailLayout>
  );
}

BookingCancelledEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  businessName: "Green Leaf Bakery",
  bookingReference: "HB-7Q4K2",
  pickupTime: "2025-06-27T16:00:00Z",
  cancelledBy: "business",
  reason: "Our oven broke down this afternoon, so there is no surplus today. Sorry!",
  refundAmount: "48.00",
  currency: "ZAR",
  browseUrl: "/listings",
  timeZone: "Africa/Johannesburg",
} satisfies BookingCancelledEmailProps;

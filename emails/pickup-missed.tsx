import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { formatDateTime, greeting, intlLocaleOf } from "./components/email-locale";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

/**
 * `pickup_missed` (docs/requirements.md R12.3): sent 30 minutes after a scheduled
 * pickup that was not completed, to the customer and to the business. Not critical: it carries an
 * unsubscribe link and respects preferences and quiet hours.
 */
export const schema = z.strictObject({
  ...field.bulk,
  /** "customer": the recipient booked the pickup; "business": the recipient runs the business. */
  audience: z.enum(["customer", "business"]),
  businessName: field.text(),
  /** The customer's name, shown to the business. */
  customerName: field.optText(100),
  orderNumber: field.text(64),
  /** ISO 8601. */
  pickupTime: field.isoDateTime,
  orderUrl: field.link,
  timeZone: field.timeZone,
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type PickupMissedEmailProps = z.infer<typeof schema>;

export function subject(p: PickupMissedEmailProps): string {
  const t = translator(p.locale ?? "en");
  return safeHeaderValue(
    p.audience === "customer"
      ? t("mail.pickupMissed.subjectCustomer", { order: p.orderNumber, business: p.businessName })
      : t("mail.pickupMissed.subjectBusiness", { order: p.orderNumber }),
  );
}

export default function PickupMissedEmail(p: PickupMissedEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const when = formatDateTime(p.pickupTime, p.timeZone, intlLocaleOf(p.locale));
  const customer = p.audience === "customer";
  const order = { order: p.orderNumber, when };
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={t("mail.pickupMissed.preview", order)}
      reason={customer ? t("mail.pickupMissed.reasonCustomer", { business: p.businessName }) : t("mail.pickupMissed.reasonBusiness", { business: p.businessName })}
      unsubscribeUrl={p.unsubscribeUrl}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {customer ? t("mail.pickupMissed.headingCustomer") : t("mail.pickupMissed.headingBusiness")}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>
        {customer
          ? t("mail.pickupMissed.bodyCustomer", { business: p.businessName, when })
          : p.customerName
            ? t("mail.pickupMissed.bodyBusiness", { ...order, customer: p.customerName })
            : t("mail.pickupMissed.bodyBusinessAnonymous", order)}
      </Text>
      <DetailsCard
        rows={[
          { label: t("mail.common.order"), value: p.orderNumber },
          { label: t("mail.common.pickupTime"), value: when },
          { label: t("mail.pickupMissed.business"), value: p.businessName },
        ]}
      />
      <Button href={p.orderUrl} appUrl={p.appUrl}>
        {t("mail.common.viewOrder")}
      </Button>
    </EmailLayout>
  );
}

PickupMissedEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Thandi",
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  audience: "customer",
  businessName: "Mario's Restaurant",
  orderNumber: "SNB-2025-12345",
  pickupTime: "2025-06-26T15:30:00Z",
  orderUrl: "/notifications",
  timeZone: "Africa/Johannesburg",
} satisfies PickupMissedEmailProps;

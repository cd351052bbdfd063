import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { ItemList } from "./components/items";
import { formatDateTime, formatMoney, greeting, intlLocaleOf } from "./components/email-locale";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

/** `booking_confirmed` (docs/requirements.md R12.2: a reservation/booking was made and confirmed). */
export const schema = z.strictObject({
  ...field.bulk,
  businessName: field.text(),
  bookingReference: field.text(64),
  /** ISO 8601. */
  pickupTime: field.isoDateTime,
  pickupLocation: field.text(300),
  items: field.items,
  totalAmount: field.amount.optional(),
  currency: field.currency.optional(),
  bookingUrl: field.link,
  timeZone: field.timeZone,
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type BookingConfirmedEmailProps = z.infer<typeof schema>;

export function subject(p: BookingConfirmedEmailProps): string {
  const when = formatDateTime(p.pickupTime, p.timeZone, intlLocaleOf(p.locale));
  return safeHeaderValue(translator(p.locale ?? "en")("mail.bookingConfirmed.subject", { business: p.businessName, when }));
}

export default function BookingConfirmedEmail(p: BookingConfirmedEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const intl = intlLocaleOf(p.locale);
  const when = formatDateTime(p.pickupTime, p.timeZone, intl);
  const booking = { reference: p.bookingReference, business: p.businessName };
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={t("mail.bookingConfirmed.preview", { ...booking, when })}
      reason={t("mail.bookingConfirmed.reason", booking)}
      unsubscribeUrl={p.unsubscribeUrl}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {t("mail.bookingConfirmed.heading")}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{t("mail.bookingConfirmed.intro", { business: p.businessName })}</Text>
      <DetailsCard
        title={t("mail.common.bookingTitle", { reference: p.bookingReference })}
        rows={[
          { label: t("mail.common.pickupTime"), value: when },
          { label: t("mail.common.location"), value: p.pickupLocation },
          { label: t("mail.common.total"), value: p.totalAmount && p.currency ? formatMoney(p.totalAmount, p.currency, intl) : undefined },
        ]}
      />
      <ItemList items={p.items} heading={t("mail.bookingConfirmed.items")} locale={locale} />
      <Button href={p.bookingUrl} appUrl={p.appUrl}>
        {t("mail.bookingConfirmed.cta")}
      </Button>
    </EmailLayout>
  );
}

BookingConfirmedEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  businessName: "Green Leaf Bakery",
  bookingReference: "HB-7Q4K2",
  pickupTime: "2025-06-27T16:00:00Z",
  pickupLocation: "45 Esselen Street, Sunnyside, Pretoria",
  items: [
    { name: "Sourdough loaf", quantity: 1 },
    { name: "Assorted muffins", quantity: 4 },
  ],
  totalAmount: "48.00",
  currency: "ZAR",
  bookingUrl: "/bookings/HB-7Q4K2",
  timeZone: "Africa/Johannesburg",
} satisfies BookingConfirmedEmailProps;

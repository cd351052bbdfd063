import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { DetailsCard } from "./components/key-value";
import { ItemList } from "./components/items";
import { formatDateTime, formatMoney, greeting, intlLocaleOf } from "./components/email-locale";
import { safeHeaderValue } from "./components/safety";
import { colors, PREVIEW_APP_URL, styles } from "./components/theme";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

/**
 * `pickup_reminder` (docs/requirements.md R12.3, R4.1). Critical, so
 * transactional: no unsubscribe link.
 */
export const schema = z.strictObject({
  ...field.base,
  businessName: field.text(),
  orderNumber: field.text(64),
  /** ISO 8601. */
  pickupTime: field.isoDateTime,
  pickupLocation: field.text(300),
  contactPerson: field.optText(100),
  contactPhone: field.optText(40),
  confirmationCode: field.optText(32),
  items: field.items,
  /** Decimal string, shown with `currency` when both are given. */
  totalAmount: field.amount.optional(),
  currency: field.currency.optional(),
  orderUrl: field.link,
  timeZone: field.timeZone,
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type PickupReminderEmailProps = z.infer<typeof schema>;

export function subject(p: PickupReminderEmailProps): string {
  return safeHeaderValue(translator(p.locale ?? "en")("mail.pickupReminder.subject", { order: p.orderNumber, business: p.businessName }));
}

export default function PickupReminderEmail(p: PickupReminderEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const intl = intlLocaleOf(p.locale);
  const when = formatDateTime(p.pickupTime, p.timeZone, intl);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={t("mail.pickupReminder.preview", { order: p.orderNumber, business: p.businessName, when })}
      reason={t("mail.pickupReminder.reason", { business: p.businessName })}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {t("mail.pickupReminder.heading")}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{t("mail.pickupReminder.intro", { business: p.businessName })}</Text>
      <DetailsCard
        title={t("mail.common.orderTitle", { order: p.orderNumber })}
        rows={[
          { label: t("mail.common.pickupTime"), value: when },
          { label: t("mail.common.location"), value: p.pickupLocation },
          { label: t("mail.pickupReminder.contact"), value: [p.contactPerson, p.contactPhone].filter(Boolean).join(" – ") },
          {
            label: t("mail.common.confirmationCode"),
            value: p.confirmationCode ? (
              <code style={{ fontSize: "16px", fontWeight: 700, letterSpacing: "0.08em" }}>{p.confirmationCode}</code>
            ) : undefined,
          },
          { label: t("mail.common.total"), value: p.totalAmount && p.currency ? formatMoney(p.totalAmount, p.currency, intl) : undefined },
        ]}
      />
      <ItemList items={p.items} locale={locale} />
      <Text style={{ ...styles.text, color: colors.warning }}>{t.rich("mail.pickupReminder.note", { strong: (chunks) => <strong>{chunks}</strong> })}</Text>
      <Button href={p.orderUrl} appUrl={p.appUrl}>
        {t("mail.common.viewOrder")}
      </Button>
    </EmailLayout>
  );
}

PickupReminderEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Thandi",
  businessName: "Mario's Restaurant",
  orderNumber: "SNB-2025-12345",
  pickupTime: "2025-06-26T15:30:00Z",
  pickupLocation: "123 Main Street, Pretoria",
  contactPerson: "John Smith",
  contactPhone: "+27123456789",
  confirmationCode: "ABC123",
  items: [
    { name: "Margherita Pizza", quantity: 2 },
    { name: "Garlic Bread", quantity: 1 },
  ],
  totalAmount: "25.50",
  currency: "ZAR",
  orderUrl: "/orders/770e0600-e40d-43f6-a938-668877662222",
  timeZone: "Africa/Johannesburg",
} satisfies PickupReminderEmailProps;

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

/** `interaction_confirmed` (docs/requirements.md R12.2: the business confirmed the customer's/NGO's order). */
export const schema = z.strictObject({
  ...field.bulk,
  businessName: field.text(),
  orderNumber: field.text(64),
  /** ISO 8601. */
  pickupTime: field.isoDateTime,
  pickupLocation: field.text(300),
  confirmationCode: field.optText(32),
  items: field.items,
  totalAmount: field.amount.optional(),
  currency: field.currency.optional(),
  orderUrl: field.link,
  timeZone: field.timeZone,
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type InteractionConfirmedEmailProps = z.infer<typeof schema>;

export function subject(p: InteractionConfirmedEmailProps): string {
  return safeHeaderValue(translator(p.locale ?? "en")("mail.interactionConfirmed.subject", { business: p.businessName, order: p.orderNumber }));
}

export default function InteractionConfirmedEmail(p: InteractionConfirmedEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const intl = intlLocaleOf(p.locale);
  const when = formatDateTime(p.pickupTime, p.timeZone, intl);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={t("mail.interactionConfirmed.preview", { when })}
      reason={t("mail.interactionConfirmed.reason", { order: p.orderNumber, business: p.businessName })}
      unsubscribeUrl={p.unsubscribeUrl}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {t("mail.interactionConfirmed.heading")}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{t("mail.interactionConfirmed.intro", { business: p.businessName })}</Text>
      <DetailsCard
        title={t("mail.common.orderTitle", { order: p.orderNumber })}
        rows={[
          { label: t("mail.common.pickupTime"), value: when },
          { label: t("mail.common.location"), value: p.pickupLocation },
          { label: t("mail.common.confirmationCode"), value: p.confirmationCode },
          { label: t("mail.common.total"), value: p.totalAmount && p.currency ? formatMoney(p.totalAmount, p.currency, intl) : undefined },
        ]}
      />
      <ItemList items={p.items} locale={locale} />
      <Button href={p.orderUrl} appUrl={p.appUrl}>
        {t("mail.common.viewOrder")}
      </Button>
    </EmailLayout>
  );
}

InteractionConfirmedEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  businessName: "Mario's Restaurant",
  orderNumber: "SNB-2025-12345",
  pickupTime: "2025-06-26T15:30:00Z",
  pickupLocation: "123 Main Street, Pretoria",
  confirmationCode: "ABC123",
  items: [
    { name: "Margherita Pizza", quantity: 2 },
    { name: "Garlic Bread", quantity: 1 },
  ],
  totalAmount: "25.50",
  currency: "ZAR",
  orderUrl: "/orders/770e0600-e40d-43f6-a938-668877662222",
  timeZone: "Africa/Johannesburg",
} satisfies InteractionConfirmedEmailProps;

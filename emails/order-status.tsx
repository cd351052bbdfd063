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

const orderStatus = z.enum(["placed", "preparing", "ready"]);
export type OrderStatus = z.infer<typeof orderStatus>;

/**
 * `order_status` (docs/requirements.md R12.2, R4.1; issue 4 "order status changed"): an order moved
 * to a new status that has no dedicated type (confirmed, completed and cancelled have their own). In-app by
 * default; the email is used only when the customer turns email on for pickups.
 */
export const schema = z.strictObject({
  ...field.bulk,
  businessName: field.text(),
  orderNumber: field.text(64),
  status: orderStatus,
  /** ISO 8601, when known. */
  pickupTime: field.isoDateTime.optional(),
  orderUrl: field.link,
  timeZone: field.timeZone,
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type OrderStatusEmailProps = z.infer<typeof schema>;

export function subject(p: OrderStatusEmailProps): string {
  const t = translator(p.locale ?? "en");
  return safeHeaderValue(t("mail.orderStatus.subject", { title: t(`mail.orderStatus.statuses.${p.status}.title`), order: p.orderNumber, business: p.businessName }));
}

export default function OrderStatusEmail(p: OrderStatusEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const line = t(`mail.orderStatus.statuses.${p.status}.line`, { business: p.businessName });
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={line}
      reason={t("mail.orderStatus.reason", { business: p.businessName })}
      unsubscribeUrl={p.unsubscribeUrl}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {t(`mail.orderStatus.statuses.${p.status}.title`)}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{line}</Text>
      <DetailsCard
        rows={[
          { label: t("mail.common.order"), value: p.orderNumber },
          { label: t("mail.common.pickupTime"), value: p.pickupTime ? formatDateTime(p.pickupTime, p.timeZone, intlLocaleOf(p.locale)) : undefined },
        ]}
      />
      <Button href={p.orderUrl} appUrl={p.appUrl}>
        {t("mail.common.viewOrder")}
      </Button>
    </EmailLayout>
  );
}

OrderStatusEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Thandi",
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  businessName: "Mario's Restaurant",
  orderNumber: "SNB-2025-12345",
  status: "ready",
  pickupTime: "2025-06-26T15:30:00Z",
  orderUrl: "/notifications",
  timeZone: "Africa/Johannesburg",
} satisfies OrderStatusEmailProps;

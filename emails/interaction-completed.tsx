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

/** `interaction_completed` (docs/requirements.md R12.2: the pickup was completed). Invites a review. */
export const schema = z.strictObject({
  ...field.bulk,
  businessName: field.text(),
  orderNumber: field.text(64),
  /** ISO 8601. */
  completedAt: field.isoDateTime,
  totalItems: z.number().int().min(0).max(100_000).optional(),
  /** Meals rescued / kilograms saved, when the host platform reports it (free text, e.g. "3 meals"). */
  impact: field.optText(200),
  reviewUrl: field.link,
  timeZone: field.timeZone,
  /** The recipient's language (default English): words, dates and amounts. */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type InteractionCompletedEmailProps = z.infer<typeof schema>;

export function subject(p: InteractionCompletedEmailProps): string {
  return safeHeaderValue(translator(p.locale ?? "en")("mail.interactionCompleted.subject", { order: p.orderNumber, business: p.businessName }));
}

export default function InteractionCompletedEmail(p: InteractionCompletedEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const business = p.businessName;
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={t("mail.interactionCompleted.preview", { business })}
      reason={t("mail.interactionCompleted.reason", { order: p.orderNumber, business })}
      unsubscribeUrl={p.unsubscribeUrl}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {t("mail.interactionCompleted.heading")}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{t("mail.interactionCompleted.intro", { business })}</Text>
      <DetailsCard
        title={t("mail.common.orderTitle", { order: p.orderNumber })}
        rows={[
          { label: t("mail.interactionCompleted.collected"), value: formatDateTime(p.completedAt, p.timeZone, intlLocaleOf(p.locale)) },
          { label: t("mail.interactionCompleted.items"), value: p.totalItems !== undefined ? t("mail.interactionCompleted.itemCount", { count: p.totalItems }) : undefined },
          { label: t("mail.interactionCompleted.impact"), value: p.impact },
        ]}
      />
      <Text style={styles.text}>{t("mail.interactionCompleted.review", { business })}</Text>
      <Button href={p.reviewUrl} appUrl={p.appUrl}>
        {t("mail.interactionCompleted.cta")}
      </Button>
    </EmailLayout>
  );
}

InteractionCompletedEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  unsubscribeUrl: `${PREVIEW_APP_URL}/unsubscribe/preview-token`,
  recipientName: "Thandi",
  businessName: "Mario's Restaurant",
  orderNumber: "SNB-2025-12345",
  completedAt: "2025-06-26T15:42:00Z",
  totalItems: 3,
  impact: "3 meals saved from landfill",
  reviewUrl: "/orders/770e0600-e40d-43f6-a938-668877662222/review",
  timeZone: "Africa/Johannesburg",
} satisfies InteractionCompletedEmailProps;

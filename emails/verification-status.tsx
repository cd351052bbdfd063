import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { greeting } from "./components/email-locale";
import { safeHeaderValue } from "./components/safety";
import { colors, PREVIEW_APP_URL, styles } from "./components/theme";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

const verificationStatus = z.enum(["approved", "rejected", "pending"]);
export type VerificationStatus = z.infer<typeof verificationStatus>;

/** `verification_status` (docs/requirements.md R4.1: account/business verification update). Transactional. */
export const schema = z.strictObject({
  ...field.base,
  status: verificationStatus,
  /** The business or NGO being verified, when it is not the person's own account. */
  organisationName: field.optText(),
  /** Reviewer's note, e.g. what document is missing. Plain text. */
  note: field.optText(2000),
  actionUrl: field.link,
  /** The recipient's language (default English). */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type VerificationStatusEmailProps = z.infer<typeof schema>;

const COLORS: Record<VerificationStatus, string> = { approved: colors.brandLight, rejected: colors.danger, pending: colors.warning };

export function subject(p: VerificationStatusEmailProps): string {
  const t = translator(p.locale ?? "en");
  return safeHeaderValue(
    p.organisationName
      ? t(`mail.verificationStatus.statuses.${p.status}.subjectFor`, { organisation: p.organisationName })
      : t(`mail.verificationStatus.statuses.${p.status}.subject`),
  );
}

export default function VerificationStatusEmail(p: VerificationStatusEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const body = t(`mail.verificationStatus.statuses.${p.status}.body`);
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={body}
      reason={t("mail.verificationStatus.reason")}
      locale={locale}
    >
      <Heading as="h1" style={{ ...styles.heading, color: COLORS[p.status] }}>
        {t(`mail.verificationStatus.statuses.${p.status}.title`)}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{p.organisationName ? `${p.organisationName}: ${body}` : body}</Text>
      {p.note ? (
        <Text style={{ ...styles.card, ...styles.text }}>
          {t.rich("mail.verificationStatus.note", { note: p.note, strong: (chunks) => <strong>{chunks}</strong> })}
        </Text>
      ) : null}
      <Button href={p.actionUrl} appUrl={p.appUrl}>
        {t(`mail.verificationStatus.statuses.${p.status}.cta`)}
      </Button>
    </EmailLayout>
  );
}

VerificationStatusEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Lerato",
  status: "rejected",
  organisationName: "Pretoria Community Kitchen",
  note: "The NPO registration certificate was unreadable. Please upload a clearer scan or PDF.",
  actionUrl: "/settings/verification",
} satisfies VerificationStatusEmailProps;

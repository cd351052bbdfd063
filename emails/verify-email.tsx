import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button, LinkFallback } from "./components/button";
import { greeting } from "./components/email-locale";
import { safeActionUrl, safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

/**
 * `verify_email` (issue 17, standalone accounts): the link that confirms the address of an account made at
 * /signup (server/services/accounts). Transactional: the person just asked for it; no unsubscribe link.
 * Texts: `accountMail.verifyEmail` in messages/<locale>/accounts.json.
 */
export const schema = z.strictObject({
  ...field.base,
  /** The single-use confirmation page (https or app-relative, e.g. "/verify-email/<token>"). */
  verifyUrl: field.link,
  /** Link lifetime in hours. */
  expiresInHours: z.number().int().min(1).max(24 * 7),
  /** The recipient's language (default English). */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type VerifyEmailEmailProps = z.infer<typeof schema>;

export function subject(p: VerifyEmailEmailProps): string {
  return safeHeaderValue(translator(p.locale ?? "en")("accountMail.verifyEmail.subject"));
}

export default function VerifyEmailEmail(p: VerifyEmailEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const link = safeActionUrl(p.verifyUrl, p.appUrl);
  return (
    <EmailLayout appUrl={p.appUrl} title={subject(p)} preview={t("accountMail.verifyEmail.preview")} reason={t("accountMail.verifyEmail.reason")} locale={locale}>
      <Heading as="h1" style={styles.heading}>
        {t("accountMail.verifyEmail.heading")}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{t("accountMail.verifyEmail.body", { count: p.expiresInHours })}</Text>
      <Button href={link} appUrl={p.appUrl}>
        {t("accountMail.verifyEmail.cta")}
      </Button>
      <LinkFallback href={link} locale={locale} />
      <Text style={styles.muted}>{t("accountMail.verifyEmail.ignore")}</Text>
    </EmailLayout>
  );
}

VerifyEmailEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Naledi",
  verifyUrl: "/verify-email/0b7d3a52-5c1e-4e36-9a51-0c2d7d1f4e8a.preview-5Qx2",
  expiresInHours: 24,
} satisfies VerifyEmailEmailProps;

import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button } from "./components/button";
import { greeting } from "./components/email-locale";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

const welcomeRole = z.enum(["CUSTOMER", "NGO", "BUSINESS"]);
export type WelcomeRole = z.infer<typeof welcomeRole>;

/** `welcome` (docs/requirements.md R1.2: registration complete). Transactional: no unsubscribe link. */
export const schema = z.strictObject({
  ...field.base,
  role: welcomeRole.optional(),
  /** Where to start; https or app-relative. */
  getStartedUrl: field.link,
  /** The recipient's language (default English). */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type WelcomeEmailProps = z.infer<typeof schema>;

export function subject(p: WelcomeEmailProps): string {
  const t = translator(p.locale ?? "en");
  return safeHeaderValue(p.recipientName ? t("mail.welcome.subjectName", { name: p.recipientName }) : t("mail.welcome.subject"));
}

export default function WelcomeEmail(p: WelcomeEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  const role = p.role ?? "CUSTOMER";
  const steps = [t(`mail.welcome.steps.${role}.first`), t(`mail.welcome.steps.${role}.second`)];
  return (
    <EmailLayout
      appUrl={p.appUrl}
      title={subject(p)}
      preview={t("mail.welcome.preview")}
      reason={t("mail.welcome.reason")}
      locale={locale}
    >
      <Heading as="h1" style={styles.heading}>
        {t("mail.welcome.heading")}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{t("mail.welcome.intro")}</Text>
      <ul style={{ margin: "0 0 16px", paddingLeft: "20px" }}>
        {steps.map((s) => (
          <li key={s} style={{ ...styles.text, margin: "0 0 6px" }}>
            {s}
          </li>
        ))}
      </ul>
      <Button href={p.getStartedUrl} appUrl={p.appUrl}>
        {t("mail.welcome.cta")}
      </Button>
      <Text style={styles.muted}>{t("mail.welcome.ignore")}</Text>
    </EmailLayout>
  );
}

WelcomeEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Thandi",
  role: "CUSTOMER",
  getStartedUrl: "/businesses",
} satisfies WelcomeEmailProps;

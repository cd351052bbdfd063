import { Heading, Text } from "react-email";
import { EmailLayout } from "./components/layout";
import { Button, SafeLink } from "./components/button";
import { greeting } from "./components/email-locale";
import { safeHeaderValue } from "./components/safety";
import { PREVIEW_APP_URL, styles } from "./components/theme";
import { translator } from "../messages";
import { z } from "zod";
import * as field from "./components/schema";

/**
 * `account_exists` (issue 17, standalone accounts): sent instead of a confirmation link when someone signs up
 * at /signup with the address of an existing account, so the form never tells who has an account while the
 * owner still learns what happened and how to get in. Transactional; no unsubscribe link. Texts:
 * `accountMail.accountExists` in messages/<locale>/accounts.json.
 */
export const schema = z.strictObject({
  ...field.base,
  /** The sign-in page (https or app-relative). */
  signInUrl: field.link,
  /** Where to reset the password; absent when password reset is off. */
  resetUrl: field.link.optional(),
  /** The recipient's language (default English). */
  locale: field.locale,
});

/** The props: what {@link schema} accepts. */
export type AccountExistsEmailProps = z.infer<typeof schema>;

export function subject(p: AccountExistsEmailProps): string {
  return safeHeaderValue(translator(p.locale ?? "en")("accountMail.accountExists.subject"));
}

export default function AccountExistsEmail(p: AccountExistsEmailProps) {
  const locale = p.locale ?? "en";
  const t = translator(locale);
  return (
    <EmailLayout appUrl={p.appUrl} title={subject(p)} preview={t("accountMail.accountExists.preview")} reason={t("accountMail.accountExists.reason")} locale={locale}>
      <Heading as="h1" style={styles.heading}>
        {t("accountMail.accountExists.heading")}
      </Heading>
      <Text style={styles.text}>{greeting(p.recipientName, locale)}</Text>
      <Text style={styles.text}>{t("accountMail.accountExists.body")}</Text>
      <Button href={p.signInUrl} appUrl={p.appUrl}>
        {t("accountMail.accountExists.signIn")}
      </Button>
      {p.resetUrl ? (
        <Text style={styles.text}>
          {t("accountMail.accountExists.forgot")}{" "}
          <SafeLink href={p.resetUrl} appUrl={p.appUrl}>
            {t("accountMail.accountExists.reset")}
          </SafeLink>
        </Text>
      ) : null}
      <Text style={styles.muted}>{t("accountMail.accountExists.ignore")}</Text>
    </EmailLayout>
  );
}

AccountExistsEmail.PreviewProps = {
  appUrl: PREVIEW_APP_URL,
  recipientName: "Thandi",
  signInUrl: "/signin",
  resetUrl: "/forgot-password",
} satisfies AccountExistsEmailProps;

import type { ReactNode } from "react";
import { Body, Container, Head, Hr, Html, Link, Preview, Section, Text } from "react-email";
import { BRAND_NAME, colors, fontFamily, styles } from "./theme";
import { appBase, safeActionUrl } from "./safety";
import type { Locale } from "../../lib/i18n";
import { translator } from "../../messages";

/** Herald's postal address, shown in every email's footer (CAN-SPAM / POPIA style sender identification). */
export const DEFAULT_POSTAL_ADDRESS = "Herald · 123 Church Street · Pretoria 0002 · South Africa";

export interface EmailLayoutProps {
  /** The app's public base URL (e.g. `https://herald.example.org`); links are built from it. */
  appUrl: string;
  /** Inbox preview text (shown after the subject in most clients). Plain text. */
  preview: string;
  /** The sentence after "You received this because …", e.g. "you follow Mario's Kitchen on Herald". */
  reason: string;
  /** Shown in the footer; defaults to {@link DEFAULT_POSTAL_ADDRESS}. */
  postalAddress?: string;
  /**
   * One-click unsubscribe page for this recipient and category (a signed token URL). When given, the footer
   * shows a visible "Unsubscribe" link and "Manage email preferences"; transactional emails omit it.
   */
  unsubscribeUrl?: string;
  /** `<title>` of the document; usually the subject. */
  title?: string;
  /** The language of the footer and of `<html lang>` and `<body lang>` (default English). */
  locale?: Locale;
  children: ReactNode;
}

const main = { backgroundColor: colors.background, fontFamily, margin: 0, padding: "24px 0" };
const container = {
  maxWidth: "600px",
  width: "100%",
  margin: "0 auto",
  backgroundColor: colors.surface,
  borderRadius: "8px",
  overflow: "hidden" as const,
  border: `1px solid ${colors.border}`,
};
const header = { backgroundColor: colors.brand, padding: "20px 28px" };
const brand = {
  color: "#ffffff",
  fontSize: "22px",
  fontWeight: 700,
  letterSpacing: "0.02em",
  textDecoration: "none",
};
const content = { padding: "28px 28px 8px" };
const footer = { padding: "8px 28px 24px" };
const footerText = { ...styles.muted, fontSize: "12px", lineHeight: "18px" };
const footerLink = { color: colors.muted, textDecoration: "underline" };

/**
 * The shared frame of every Herald email: brand header, content, and a footer that says why the recipient
 * got the message, the postal address and, for non-transactional mail, a visible unsubscribe link plus a
 * link to `${appUrl}/settings/notifications` (docs/requirements.md R9.1; RFC 8058 headers are added by the sender).
 */
export function EmailLayout({ appUrl, preview, reason, postalAddress, unsubscribeUrl, title, locale = "en", children }: EmailLayoutProps) {
  const t = translator(locale);
  const base = appBase(appUrl);
  const preferencesUrl = `${base}/settings/notifications`;
  const home = safeActionUrl("/", appUrl, base);
  return (
    <Html lang={locale} dir="ltr">
      <Head>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        {title ? <title>{title}</title> : null}
      </Head>
      {/* react-email 6's Preview would add a second <title> holding the preview text; the title is `title`. */}
      <Preview useTitleTag={false}>{preview}</Preview>
      <Body lang={locale} dir="ltr" style={main}>
        <Container style={container}>
          <Section style={header}>
            <Link href={home} style={brand}>
              {BRAND_NAME}
            </Link>
          </Section>
          <Section style={content}>{children}</Section>
          <Section style={footer}>
            <Hr style={{ borderTop: `1px solid ${colors.border}`, margin: "0 0 16px" }} />
            <Text style={footerText}>{t("email.footerReason", { reason })}</Text>
            {unsubscribeUrl !== undefined ? (
              <Text style={footerText}>
                <Link href={safeActionUrl(unsubscribeUrl, appUrl, preferencesUrl)} style={footerLink}>
                  {t("email.unsubscribe")}
                </Link>
                {" · "}
                <Link href={preferencesUrl} style={footerLink}>
                  {t("email.managePreferences")}
                </Link>
              </Text>
            ) : null}
            <Text style={footerText}>{postalAddress ?? DEFAULT_POSTAL_ADDRESS}</Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

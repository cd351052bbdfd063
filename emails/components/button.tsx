import { Button as EmailButton, Link, Section, Text } from "react-email";
import { colors, styles } from "./theme";
import { safeActionUrl } from "./safety";
import type { Locale } from "../../lib/i18n";
import { translator } from "../../messages";

export interface ButtonProps {
  /** Link target: https or app-relative; anything else falls back to the inbox (see `safeActionUrl`). */
  href: string;
  appUrl: string;
  children: string;
}

/** The brand call-to-action button. Its `href` always goes through `safeActionUrl`. */
export function Button({ href, appUrl, children }: ButtonProps) {
  return (
    <Section style={{ margin: "8px 0 24px" }}>
      <EmailButton
        href={safeActionUrl(href, appUrl)}
        style={{
          backgroundColor: colors.brandLight,
          borderRadius: "6px",
          color: "#ffffff",
          fontSize: "15px",
          fontWeight: 600,
          padding: "12px 22px",
          textDecoration: "none",
          display: "inline-block",
        }}
      >
        {children}
      </EmailButton>
    </Section>
  );
}

export interface SafeLinkProps {
  href: string;
  appUrl: string;
  children: string;
}

/** An inline text link whose `href` goes through `safeActionUrl`. */
export function SafeLink({ href, appUrl, children }: SafeLinkProps) {
  return (
    <Link href={safeActionUrl(href, appUrl)} style={styles.link}>
      {children}
    </Link>
  );
}

/**
 * The line under a button for mail clients that do not show it: "If the button does not work, copy this
 * link into your browser: <link>", in `locale` (default English). `href` must already have gone through
 * `safeActionUrl`.
 */
export function LinkFallback({ href, locale = "en" }: { href: string; locale?: Locale }) {
  return (
    <Text style={styles.muted}>
      {translator(locale)("mail.common.linkFallback")}{" "}
      <Link href={href} style={styles.link}>
        {href}
      </Link>
    </Text>
  );
}

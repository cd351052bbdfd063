"use client";
/**
 * "5 min ago" in the reader's language, with the exact time in a tooltip and `<time dateTime>` for
 * assistive tech.
 */
import { useLocale, useTranslations } from "use-intl";

/**
 * @param iso ISO 8601
 * @param locale a BCP 47 tag for `Intl`
 * @param justNow the words for "just now" (under 45 s either way)
 * @param now the current time, ms since the epoch
 */
export function formatTimeAgo(iso: string, locale: string, justNow: string, now = Date.now()): string {
  const s = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(s);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  if (abs < 45) return justNow;
  if (abs < 3600) return rtf.format(Math.round(s / 60), "minute");
  if (abs < 86_400) return rtf.format(Math.round(s / 3600), "hour");
  if (abs < 7 * 86_400) return rtf.format(Math.round(s / 86_400), "day");
  return new Date(iso).toLocaleDateString(locale, { day: "numeric", month: "short", year: abs > 300 * 86_400 ? "numeric" : undefined });
}

export function TimeAgo({ iso, className }: { iso: string; className?: string }) {
  const locale = useLocale();
  const t = useTranslations("time");
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString(locale)} className={className} suppressHydrationWarning>
      {formatTimeAgo(iso, locale, t("justNow"))}
    </time>
  );
}

"use client";
/**
 * Times in the delivery log's timeline: in the admin's browser time zone, named, with UTC beside it. The
 * server does not know the browser's zone, so the first render (server and hydration) shows UTC only and
 * the browser then switches to its own zone (`useSyncExternalStore`'s server snapshot: no hydration
 * mismatch).
 */
import { useSyncExternalStore } from "react";
import { useLocale, useTranslations } from "use-intl";
import { dateLocale } from "./analytics/analytics-display";

const subscribe = () => () => {};

/** The browser's IANA time zone, or null while rendering on the server / hydrating. */
function useBrowserTimeZone(): string | null {
  return useSyncExternalStore(
    subscribe,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC",
    () => null,
  );
}

/** "2030-06-01 10:00:05 UTC" (seconds matter: a send follows its decision within seconds). */
export function formatUtc(iso: string): string {
  return `${iso.slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * "01 Jun 2030, 12:00:05 SAST" in `timeZone`, in the reader's `Intl` tag (see {@link dateLocale}).
 */
export function formatInZone(iso: string, timeZone: string, locale?: string): string {
  return new Intl.DateTimeFormat(dateLocale(locale), { timeZone, day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short" }).format(new Date(iso));
}

/** A time in the browser's zone, with UTC in smaller print (UTC alone before the browser's zone is known). */
export function DeliveryLogTime({ iso }: { iso: string }) {
  const zone = useBrowserTimeZone();
  const locale = useLocale();
  if (!zone || zone === "UTC" || zone === "Etc/UTC") {
    return <time dateTime={iso} className="tabular-nums">{formatUtc(iso)}</time>;
  }
  return (
    <span className="tabular-nums">
      <time dateTime={iso}>{formatInZone(iso, zone, locale)}</time>
      <span className="block text-xs text-slate-500">{formatUtc(iso)}</span>
    </span>
  );
}

/** Says which zone the timeline's times are in. */
export function DeliveryLogTimeZoneNote() {
  const zone = useBrowserTimeZone();
  const t = useTranslations("deliveryLog.zone");
  return (
    <p className="text-xs text-slate-600">
      {zone && zone !== "UTC" && zone !== "Etc/UTC" ? t.rich("browser", { zone, b: (chunks) => <span className="font-medium">{chunks}</span> }) : t("utc")}
    </p>
  );
}

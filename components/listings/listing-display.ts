/**
 * Display helpers for listings (server and client): the price, the pickup window, and whether a time has
 * passed. Times are shown in the viewer's locale and zone.
 */
export { formatPrice } from "@/lib/price";

/**
 * "Sat 6 Dec, 17:00–18:00" in `timeZone` (default: the runtime's) and `locale` (BCP 47; default en-GB).
 */
export function formatWindow(start: Date, end: Date, timeZone?: string, locale = "en-GB"): string {
  const day = new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "short", timeZone });
  const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone });
  return `${day.format(start)}, ${time.format(start)}–${time.format(end)}`;
}

/** Whether `d` is before now. */
export function isPast(d: Date): boolean {
  return d.getTime() < Date.now();
}

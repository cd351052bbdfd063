/** Display helpers for listings (server and client). Times are shown in the viewer's locale and zone. */
export function formatPrice(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-ZA", { style: "currency", currency }).format(cents / 100);
  } catch {
    return `${currency} ${(cents / 100).toFixed(2)}`;
  }
}

export function formatWindow(start: Date, end: Date, timeZone?: string): string {
  const day = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone });
  const time = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone });
  return `${day.format(start)}, ${time.format(start)}–${time.format(end)}`;
}

/** Whether `d` is before now. */
export function isPast(d: Date): boolean {
  return d.getTime() < Date.now();
}

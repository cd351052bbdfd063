/**
 * A short, human label for a device from its User-Agent, for the device list ("Chrome on Android").
 * Best effort on purpose: it only helps people tell their devices apart; nothing depends on it.
 */
export function deviceLabel(userAgent: string | null | undefined): string {
  const ua = userAgent ?? "";
  const browser =
    /Edg(A|iOS)?\//.test(ua) ? "Edge"
    : /OPR\/|Opera/.test(ua) ? "Opera"
    : /SamsungBrowser\//.test(ua) ? "Samsung Internet"
    : /Firefox\/|FxiOS\//.test(ua) ? "Firefox"
    : /CriOS\//.test(ua) ? "Chrome"
    : /Chromium\//.test(ua) ? "Chromium"
    : /Chrome\//.test(ua) ? "Chrome"
    : /Version\/[\d.]+.*Safari\//.test(ua) ? "Safari"
    : null;
  const os =
    /Android/.test(ua) ? "Android"
    : /iPhone/.test(ua) ? "iPhone"
    : /iPad/.test(ua) ? "iPad"
    : /Windows/.test(ua) ? "Windows"
    : /CrOS/.test(ua) ? "ChromeOS"
    : /Mac OS X|Macintosh/.test(ua) ? "macOS"
    : /Linux/.test(ua) ? "Linux"
    : null;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? (os ? `Browser on ${os}` : "Unknown browser");
}

import { existsSync } from "node:fs";

/**
 * The Chromium to drive: $CHROMIUM_PATH, else Debian's /usr/bin/chromium (CI installs it), else null, in
 * which case Playwright uses a browser it downloaded itself (`npx playwright install chromium`) if any.
 */
export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  return candidates.find((p): p is string => !!p && existsSync(p)) ?? null;
}

/**
 * Launch options for every Playwright config: the Chromium above, as root in a container (`--no-sandbox`),
 * and no background traffic to Google's hosts, which this network refuses (QUIC, sync, updates).
 */
export function chromiumLaunchOptions() {
  return {
    executablePath: chromiumPath() ?? undefined,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  };
}

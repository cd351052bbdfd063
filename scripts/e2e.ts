/**
 * `npm run test:e2e`: builds the app and runs the Playwright suite in Chromium (playwright.config.ts).
 * Playwright cannot download browsers on every machine; it uses $CHROMIUM_PATH or /usr/bin/chromium
 * (Debian: `apt-get install -y chromium`), else a browser from `npx playwright install chromium`.
 * With no browser at all it stops with instructions; under CI=true that is a failure.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { chromiumPath } from "../e2e/chromium";

const playwrightCache = path.join(homedir(), ".cache", "ms-playwright");
const downloaded = existsSync(playwrightCache) && readdirSync(playwrightCache).some((d) => d.startsWith("chromium"));
if (!chromiumPath() && !downloaded) {
  console.error(
    "\nBrowser tests need Chromium and none was found.\n" +
      "  Debian/Ubuntu: sudo apt-get install -y chromium\n" +
      "  elsewhere:     npx playwright install chromium\n" +
      "  or set CHROMIUM_PATH to a Chromium/Chrome binary.\n",
  );
  process.exit(process.env.CI ? 1 : 0);
}
const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
// `npm run build` bundles /embed.js first (prebuild); a run that reuses the last build still bundles it afresh.
if (process.env.HERALD_SKIP_BUILD !== "1") run("npm", ["run", "build", "--silent"]);
else run("npx", ["tsx", "scripts/build-embed.ts"]);
run("npx", ["playwright", "test", ...process.argv.slice(2)]);

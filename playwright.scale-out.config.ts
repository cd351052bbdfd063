import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./e2e/chromium";

/**
 * The cross-instance browser journey (issue 15; e2e/scale-out/): two Herald instances on one PostgreSQL with
 * two soketi nodes over Redis, started by scripts/scale-out.ts from the last `npm run build`. Needs
 * PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379; `npm run test:scale-out` runs it.
 */
export default defineConfig({
  testDir: "e2e/scale-out",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    trace: "retain-on-failure",
    launchOptions: chromiumLaunchOptions(),
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    command: "npx tsx scripts/scale-out.ts",
    // A, B and the worker W start one after another, each once the one before is healthy; the topology file
    // is written last, so the tests read it (e2e/scale-out) only once all are up. W's app is on 127.0.0.1.
    url: "http://127.0.0.1:3203/api/health/live",
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});

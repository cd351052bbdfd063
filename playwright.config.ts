import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./e2e/chromium";

/**
 * Browser tests in real Chromium against `npm start` on port 3100 with a fresh embedded data dir
 * (.data/e2e) seeded with the demo. Run `npm run build` first (scripts/e2e.ts does both).
 */
const PORT = 3100;

export default defineConfig({
  testDir: "e2e",
  // The two-instance journey has a topology of its own (playwright.scale-out.config.ts).
  testIgnore: ["scale-out/**"],
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: chromiumLaunchOptions(),
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    command: "rm -rf .data/e2e && npx tsx scripts/herald.ts start",
    url: `http://localhost:${PORT}/signin`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      HERALD_DATA_DIR: ".data/e2e",
      HERALD_SEED: "true",
      HERALD_REALTIME_PORT: "0",
      HERALD_JOBS_PORT: "0",
      HERALD_TEST_CLOCK: "1",
      // e2e/push.spec.ts's stand-in subscriptions live on this test-only push host (RFC 2606 .test).
      PUSH_SERVICE_EXTRA_HOSTS: "push.herald-e2e.test",
      // e2e/webhooks.spec.ts's receiver listens on 127.0.0.1.
      HERALD_WEBHOOKS_ALLOW_PRIVATE: "true",
    },
  },
});

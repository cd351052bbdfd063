import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./e2e/chromium";
import { OIDC_E2E } from "./e2e/oidc-env";
import { EMBED_E2E } from "./e2e/embed-env";

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
  projects: [
    // Signs in once per demo role and saves each session for the specs (e2e/auth.setup.ts).
    { name: "setup", testMatch: /auth\.setup\.ts$/, use: { ...devices["Desktop Chrome"] } },
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, dependencies: ["setup"] },
  ],
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
      // e2e/sso.spec.ts: sign-in with the platform's provider, which that spec starts on 127.0.0.1:3190 (the
      // password form stays on: every other spec uses it).
      OIDC_ISSUER: OIDC_E2E.issuer,
      OIDC_CLIENT_ID: OIDC_E2E.clientId,
      OIDC_CLIENT_SECRET: OIDC_E2E.clientSecret,
      OIDC_NAME: OIDC_E2E.name,
      // e2e/embed.spec.ts: the example platform on 127.0.0.1:3195 embeds the inbox with tokens signed by this secret.
      HERALD_EMBED_SECRET: EMBED_E2E.secret,
      HERALD_EMBED_ORIGINS: EMBED_E2E.origin,
    },
  },
});

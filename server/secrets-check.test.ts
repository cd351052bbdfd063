/**
 * Issue 12 "Secrets are checked at start-up": short or placeholder signing secrets stop `npm start`
 * (scripts/herald.ts) and `next start` (next.config.mjs) with a message naming the variable.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import { checkSecrets, placeholderReason } from "./secrets-check.mjs";

const hex = (n: number) => randomBytes(n).toString("hex");
/** What scripts/herald.ts generates for the embedded mode. */
const generated = () => ({
  NEXTAUTH_SECRET: hex(32),
  PUSHER_SECRET: hex(20),
  INNGEST_SIGNING_KEY: `signkey-local-${hex(32)}`,
  VAPID_PRIVATE_KEY: webpush.generateVAPIDKeys().privateKey,
});

describe("checkSecrets", () => {
  it("passes the embedded mode's generated secrets, real-looking provider secrets and the test suite's own", () => {
    expect(checkSecrets(generated(), { requireAuthSecret: true })).toEqual([]);
    expect(
      checkSecrets({
        NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
        PUSHER_SECRET: "7ad3773142a6692b25b8", // Pusher Channels' format: 20 hex characters
        INNGEST_SIGNING_KEY: `signkey-prod-${hex(32)}`,
        RESEND_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString("base64")}`,
        STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString("hex")}`, // Stripe's format: whsec_ and 32+ characters
        TWILIO_AUTH_TOKEN: hex(16),
        HERALD_METRICS_TOKEN: randomBytes(32).toString("base64url"),
        HERALD_EMBED_SECRET: randomBytes(32).toString("base64url"),
      }),
    ).toEqual([]);
    // test/setup.ts
    expect(checkSecrets({ NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET, INNGEST_SIGNING_KEY: process.env.INNGEST_SIGNING_KEY })).toEqual([]);
  });

  it.each([
    ["NEXTAUTH_SECRET", "short-secret", /NEXTAUTH_SECRET is 12 bytes; use at least 32/],
    ["NEXTAUTH_SECRET", "x".repeat(31), /NEXTAUTH_SECRET .*one character repeated/],
    ["NEXTAUTH_SECRET", "a".repeat(64), /one character repeated/],
    ["NEXTAUTH_SECRET", "changeme".repeat(4), /NEXTAUTH_SECRET is not a real secret .*"changeme"/],
    ["NEXTAUTH_SECRET", "secret", /placeholder "secret"/],
    ["NEXTAUTH_SECRET", "development-development-development", /placeholder "development"/],
    ["NEXTAUTH_SECRET", "please-change-me-in-production-0123456789", /contains the placeholder "changeme"/],
    ["NEXTAUTH_SECRET", "<your secret here, at least 32 characters long>", /placeholder from .env.example/],
    ["PUSHER_SECRET", "app-secret", /PUSHER_SECRET .*"appsecret"/], // soketi's default
    ["PUSHER_SECRET", hex(9), /PUSHER_SECRET is 18 bytes; use at least 20/],
    ["INNGEST_SIGNING_KEY", "signkey-prod-...", /INNGEST_SIGNING_KEY .*\.env\.example/],
    ["INNGEST_SIGNING_KEY", `signkey-prod-${hex(16)}`, /INNGEST_SIGNING_KEY's key is 16 bytes \(32 hex digits\); use at least 32 bytes/],
    ["INNGEST_SIGNING_KEY", "not-a-signing-key-but-long-enough-for-it", /must look like signkey-<env>-<hex>/],
    ["RESEND_WEBHOOK_SECRET", "whsec_...", /RESEND_WEBHOOK_SECRET .*\.env\.example/],
    ["RESEND_WEBHOOK_SECRET", "whsec_c2hvcnQ=", /RESEND_WEBHOOK_SECRET is 14 bytes/],
    ["STRIPE_WEBHOOK_SECRET", "whsec_...", /STRIPE_WEBHOOK_SECRET .*\.env\.example/],
    ["STRIPE_WEBHOOK_SECRET", "whsec_0123456789", /STRIPE_WEBHOOK_SECRET is 16 bytes/],
    ["TWILIO_AUTH_TOKEN", hex(8), /TWILIO_AUTH_TOKEN is 16 bytes/],
    ["VAPID_PRIVATE_KEY", "password".repeat(5), /VAPID_PRIVATE_KEY .*"password"/],
    ["HERALD_METRICS_TOKEN", "token".repeat(8), /HERALD_METRICS_TOKEN .*"token"/],
    ["HERALD_METRICS_TOKEN", hex(8), /HERALD_METRICS_TOKEN is 16 bytes/],
    ["HERALD_EMBED_SECRET", "changeme".repeat(4), /HERALD_EMBED_SECRET .*"changeme"/],
    ["HERALD_EMBED_SECRET", hex(8), /HERALD_EMBED_SECRET is 16 bytes/],
  ])("refuses %s=%j, naming it", (name, value, message) => {
    const problems = checkSecrets({ ...generated(), [name]: value });
    expect(problems.map((p) => p.name)).toEqual([name]);
    expect(problems[0]!.message).toMatch(message);
  });

  it("requires NEXTAUTH_SECRET only when asked (scripts/herald.ts generates it when unset)", () => {
    const { NEXTAUTH_SECRET: _, ...rest } = generated();
    expect(checkSecrets(rest)).toEqual([]);
    expect(checkSecrets(rest, { requireAuthSecret: true })).toEqual([{ name: "NEXTAUTH_SECRET", message: expect.stringMatching(/NEXTAUTH_SECRET is not set/) }]);
    expect(checkSecrets({ ...rest, NEXTAUTH_SECRET: "" }, { requireAuthSecret: true })).toHaveLength(1);
  });

  it("does not call random secrets placeholders", () => {
    for (let i = 0; i < 50; i++) expect(placeholderReason(randomBytes(32).toString("base64url"))).toBeNull();
  });
});

describe("start-up refuses weak secrets", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "herald-secrets-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  /** A clean environment: none of this process's (test) variables. */
  const baseEnv = () => ({ PATH: process.env.PATH!, HOME: process.env.HOME ?? dataDir, HERALD_DATA_DIR: dataDir, PORT: "0", NODE_ENV: "production" as const });

  it("`npm start` (tsx scripts/herald.ts start) exits 1 naming the variable, before starting anything", () => {
    const r = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/herald.ts", "start"], {
      env: { ...baseEnv(), NEXTAUTH_SECRET: "too-short", PUSHER_APP_ID: "1", PUSHER_KEY: "k", PUSHER_SECRET: "app-secret" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Refusing to start/);
    expect(r.stderr).toMatch(/NEXTAUTH_SECRET is 9 bytes/);
    expect(r.stderr).toMatch(/PUSHER_SECRET is not a real secret/);
    expect(r.stdout).not.toMatch(/database:/);
  });

  it("`next start` (next.config.mjs in the production-server phase) exits 1 without NEXTAUTH_SECRET or with a weak one", () => {
    const load = (env: Record<string, string>) =>
      spawnSync(process.execPath, ["--input-type=module", "-e", "const m = await import('./next.config.mjs'); m.default('phase-production-server'); console.log('config loaded');"], {
        env: { ...baseEnv(), ...env },
        encoding: "utf8",
        timeout: 30_000,
      });
    const missing = load({});
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/NEXTAUTH_SECRET is not set/);
    const weak = load({ NEXTAUTH_SECRET: "development" });
    expect(weak.status).toBe(1);
    expect(weak.stderr).toMatch(/NEXTAUTH_SECRET is not a real secret/);
    const ok = load({ NEXTAUTH_SECRET: hex(32) });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/config loaded/);
  });
});

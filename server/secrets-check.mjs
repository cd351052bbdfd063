/**
 * Start-up check of signing secrets (issue 12 "Secrets are checked at start-up"). Plain JavaScript so that
 * next.config.mjs (loaded by Node itself, before any bundling) can run it too; types in secrets-check.d.mts.
 *
 * A secret that is short or a known placeholder lets anyone who guesses it forge sessions (NEXTAUTH_SECRET
 * signs the session JWT and every unsubscribe, click and newsletter link), channel subscriptions
 * (PUSHER_SECRET), job-engine calls (INNGEST_SIGNING_KEY), webhooks (RESEND_WEBHOOK_SECRET,
 * STRIPE_WEBHOOK_SECRET, TWILIO_AUTH_TOKEN) or push identities (VAPID_PRIVATE_KEY). `npm start` (scripts/herald.ts) and
 * `next start` (next.config.mjs) refuse to start with one, naming the variable; `npm run dev` warns.
 *
 * Rules for each secret that is set (NEXTAUTH_SECRET must be set when `requireAuthSecret`):
 * - at least {@link MIN_SECRET_BYTES} bytes (UTF-8) — INNGEST_SIGNING_KEY: its hex part decodes to ≥ 32
 *   bytes; PUSHER_SECRET: ≥ 20 bytes, the length of the secrets Pusher Channels itself issues;
 * - not a placeholder: a value of `.env.example` (`whsec_...`, `signkey-prod-...`), a word such as
 *   "changeme", "secret", "development", "password" (alone or repeated), text containing "changeme",
 *   "replaceme", "yoursecret", "placeholder" or "example", `...` or `<…>`, or one character repeated.
 * The embedded mode's generated secrets (scripts/herald.ts: 32 random bytes, hex) always pass.
 */

/** Minimum length of a signing secret, in bytes (256 bits: HMAC-SHA256's key size, RFC 2104 §3). */
export const MIN_SECRET_BYTES = 32;

/** Pusher Channels issues 20-character app secrets; soketi and the embedded server accept longer ones. */
export const MIN_PUSHER_SECRET_BYTES = 20;

const PLACEHOLDER_WORDS = [
  "changeme", "changethis", "secret", "secrets", "supersecret", "mysecret", "appsecret", "development", "dev", "test", "testing",
  "password", "passw0rd", "default", "example", "sample", "placeholder", "todo", "fixme", "xxx", "abc", "abc123", "123456",
  "qwerty", "letmein", "admin", "herald", "nextauth", "nextauthsecret", "pusher", "pushersecret", "key", "token", "foo", "bar", "foobar",
];
const PLACEHOLDER_PARTS = ["changeme", "replaceme", "yoursecret", "placeholder", "example", "insertsecret", "putyour", "generateone"];

/** The secrets checked, with their minimum length (bytes) and how to measure it. */
const GENERATE = "generate one with `openssl rand -base64 32`";
const SECRETS = [
  { name: "NEXTAUTH_SECRET", min: MIN_SECRET_BYTES, fix: GENERATE },
  { name: "PUSHER_SECRET", min: MIN_PUSHER_SECRET_BYTES, fix: "use the app secret from Pusher's dashboard, or for soketi " + GENERATE },
  { name: "INNGEST_SIGNING_KEY", min: MIN_SECRET_BYTES, hexPart: true, fix: "use the signing key from Inngest, or for `inngest start` `signkey-prod-$(openssl rand -hex 32)`" },
  { name: "RESEND_WEBHOOK_SECRET", min: MIN_SECRET_BYTES, fix: "copy the signing secret of the webhook from Resend's dashboard" },
  { name: "STRIPE_WEBHOOK_SECRET", min: MIN_SECRET_BYTES, fix: "copy the endpoint's signing secret from Stripe's dashboard (Webhooks)" },
  { name: "TWILIO_AUTH_TOKEN", min: MIN_SECRET_BYTES, fix: "copy the auth token from the Twilio console" },
  { name: "VAPID_PRIVATE_KEY", min: MIN_SECRET_BYTES, fix: "generate a key pair with `npx web-push generate-vapid-keys`" },
  { name: "HERALD_METRICS_TOKEN", min: MIN_SECRET_BYTES, fix: GENERATE },
  { name: "HERALD_EMBED_SECRET", min: MIN_SECRET_BYTES, fix: GENERATE },
];

/** Names of every secret {@link checkSecrets} looks at. */
export const CHECKED_SECRETS = SECRETS.map((s) => s.name);

/**
 * Why `value` looks like a placeholder, or null.
 * @param {string} value
 * @returns {string | null}
 */
export function placeholderReason(value) {
  const v = value.trim();
  if (v.includes("...") || v.includes("…") || /<[^>]*>/.test(v)) return "it is the placeholder from .env.example";
  if (/^(.)\1*$/su.test(v)) return "it is one character repeated";
  const norm = v.toLowerCase().replace(/^(whsec_|signkey-[a-z]+-)/, "").replace(/[^a-z0-9]/g, "");
  if (norm === "") return "it has no letters or digits";
  for (const word of PLACEHOLDER_WORDS) {
    if (norm.length % word.length === 0 && word.repeat(norm.length / word.length) === norm) return `it is the placeholder "${word}"`;
  }
  for (const part of PLACEHOLDER_PARTS) if (norm.includes(part)) return `it contains the placeholder "${part}"`;
  return null;
}

/**
 * Checks every signing secret in `env`.
 * @param {Record<string, string | undefined>} env usually `process.env`
 * @param {{ requireAuthSecret?: boolean }} [opts] `requireAuthSecret`: NEXTAUTH_SECRET must be set (true
 *   for `next start`; scripts/herald.ts generates it when absent, so false there)
 * @returns {{ name: string; message: string }[]} one entry per bad secret, `[]` when all pass; `message`
 *   names the variable and says what to do, e.g. "NEXTAUTH_SECRET is 12 bytes; use at least 32 …"
 */
export function checkSecrets(env, opts = {}) {
  const problems = [];
  for (const s of SECRETS) {
    const raw = env[s.name];
    if (raw === undefined || raw === "") {
      if (s.name === "NEXTAUTH_SECRET" && opts.requireAuthSecret) problems.push({ name: s.name, message: `NEXTAUTH_SECRET is not set; ${s.fix}` });
      continue;
    }
    const placeholder = placeholderReason(raw);
    if (placeholder) {
      problems.push({ name: s.name, message: `${s.name} is not a real secret (${placeholder}); ${s.fix}` });
      continue;
    }
    if (s.hexPart) {
      const hex = /^signkey-[a-z]+-([0-9a-f]+)$/i.exec(raw)?.[1];
      if (!hex) problems.push({ name: s.name, message: `${s.name} must look like signkey-<env>-<hex>` });
      else if (hex.length / 2 < s.min) problems.push({ name: s.name, message: `${s.name}'s key is ${Math.floor(hex.length / 2)} bytes (${hex.length} hex digits); use at least ${s.min} bytes (${2 * s.min} hex digits); ${s.fix}` });
      continue;
    }
    const bytes = new TextEncoder().encode(raw).length;
    if (bytes < s.min) problems.push({ name: s.name, message: `${s.name} is ${bytes} bytes; use at least ${s.min} bytes of random data; ${s.fix}` });
  }
  return problems;
}

/**
 * The text printed when secrets fail (one line per variable), for scripts/herald.ts and next.config.mjs.
 * @param {{ name: string; message: string }[]} problems from {@link checkSecrets}
 * @returns {string}
 */
export function secretsReport(problems) {
  return `Refusing to start: weak or placeholder secrets.\n${problems.map((p) => `  - ${p.message}`).join("\n")}\nSet them in the environment or .env (see .env.example).`;
}

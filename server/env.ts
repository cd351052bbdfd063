/**
 * Herald's environment, validated with zod: the only reader of `process.env` in app code.
 * Grouped so each part of the app asks only for what it uses; each group switches one embedded piece to
 * its scale-out engine (docs/architecture.md, "Two modes"). `scripts/herald.ts` fills the embedded values in when a group is
 * absent, so the app itself never asks which mode it runs in. See `.env.example`.
 */
import { z } from "zod";
import { DEFAULT_LOCALE, LOCALES } from "../lib/i18n";
import { oidcEnv } from "./oidc-env";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const groups = {
  app: z.object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    /** Public base URL of the app, used in links (emails, unsubscribe, OpenAPI). */
    APP_URL: z.url().default("http://localhost:3000"),
  }),
  /**
   * Uploaded images (server/services/storage/storage.ts): on disk under HERALD_UPLOADS_DIR (the embedded
   * default, served at /uploads/…), or in an S3-compatible bucket when S3_BUCKET is set.
   */
  storage: z.object({
    HERALD_UPLOADS_DIR: z.string().min(1).default(".data/uploads"),
    S3_BUCKET: z.string().min(3).max(63).optional(),
    /** Another S3-compatible service (MinIO, R2, …); unset: AWS S3 in S3_REGION. */
    S3_ENDPOINT: z.url().optional(),
    S3_REGION: z.string().min(1).default("us-east-1"),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    /** Path-style URLs (`<endpoint>/<bucket>/<key>`), as MinIO needs. */
    S3_FORCE_PATH_STYLE: bool.default(false),
    /** Where browsers and mail clients read the bucket's objects, e.g. a CDN: `<S3_PUBLIC_URL>/<key>`. */
    S3_PUBLIC_URL: z.url().optional(),
  }),
  /** Outbound webhooks (server/services/webhooks/webhooks.ts). */
  webhooks: z.object({
    /**
     * Accept webhook URLs on loopback/private addresses (tests and local receivers only). Off: such URLs are
     * refused when registered and at connect time (no SSRF through webhooks).
     */
    HERALD_WEBHOOKS_ALLOW_PRIVATE: bool.default(false),
  }),
  /** Languages (server/i18n.ts). */
  i18n: z.object({
    /** The platform's language: for people who chose none and whose browser names none Herald speaks (en, af, zu). */
    HERALD_DEFAULT_LOCALE: z.enum(LOCALES).default(DEFAULT_LOCALE),
  }),
  /**
   * Client addresses for rate limits and sign-in throttling (issue 12 "Client address";
   * server/services/security/client-address.ts).
   */
  network: z.object({
    /**
     * How many reverse proxies (load balancer, CDN, nginx) sit in front of Herald. 0 (default): the socket
     * address is the client's and `X-Forwarded-For` is ignored. n: the n-th address from the right of
     * `X-Forwarded-For` is the client's. Set it only when every request passes through those proxies.
     */
    HERALD_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(20).default(0),
  }),
  database: z.object({
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL"),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  }),
  auth: z.object({
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters"),
  }),
  /**
   * Sign-in with the platform's OpenID Connect provider, and the email and password form's switch (issue 17;
   * server/oidc-env.ts describes each variable, server/auth-oidc.ts uses them).
   */
  oidc: oidcEnv,
  realtime: z.object({
    PUSHER_APP_ID: z.string().min(1),
    PUSHER_KEY: z.string().min(1),
    PUSHER_SECRET: z.string().min(1),
    /** Pusher cluster (hosted Pusher); or host/port for soketi or the embedded server. */
    PUSHER_CLUSTER: z.string().default("mt1"),
    PUSHER_HOST: z.string().optional(),
    PUSHER_PORT: z.coerce.number().int().positive().optional(),
    PUSHER_USE_TLS: bool.default(false),
    /**
     * Events per batch request to the realtime server's HTTP API. Pusher allows 10 (the default); raise it
     * only with a server set to accept more (soketi: SOKETI_EVENT_MAX_BATCH_SIZE; the embedded server is
     * started with 100 and this set to match).
     */
    PUSHER_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
    /** How the browser reaches the WebSocket server (defaults to PUSHER_HOST / PUSHER_PORT). */
    PUSHER_PUBLIC_HOST: z.string().optional(),
    PUSHER_PUBLIC_PORT: z.coerce.number().int().positive().optional(),
  }),
  email: z.object({
    /** Resend API key: email goes out through Resend. Absent: email is captured and shown at /dev/mailbox. */
    RESEND_API_KEY: z.string().min(1).optional(),
    /** Resend's API origin (tests point it at a local stub). */
    RESEND_BASE_URL: z.url().optional(),
    EMAIL_FROM: z.string().min(3).default("Herald <notifications@herald.local>"),
    /** Resend webhook signing secret (`whsec_…`, svix) for /api/webhooks/resend. */
    RESEND_WEBHOOK_SECRET: z.string().min(1).optional(),
  }),
  /**
   * Web push (issue 7; RFC 8030 delivery, RFC 8291 payload encryption, RFC 8292 VAPID). The VAPID key pair
   * identifies this server to the browsers' push services: subscriptions are bound to the public key, so
   * changing it orphans every subscription. Production: set all three (generate once with
   * `npx web-push generate-vapid-keys`). Embedded mode: `scripts/herald.ts` generates a pair on first start,
   * keeps it in $HERALD_DATA_DIR/secrets.json and sets PUSH_CAPTURE=1. No keys: push is off (the preference
   * center says so). Checked in full by server/services/push/vapid.ts.
   */
  push: z.object({
    /** Uncompressed P-256 public key, base64url (65 bytes decoded). Given to browsers as `applicationServerKey`. */
    VAPID_PUBLIC_KEY: z.string().min(1).optional(),
    /** The matching P-256 private key, base64url (32 bytes decoded). Secret. */
    VAPID_PRIVATE_KEY: z.string().min(1).optional(),
    /** Contact for push service operators: `mailto:` address or `https:` URL (RFC 8292 §2.1 `sub`). */
    VAPID_SUBJECT: z
      .string()
      .regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, "must be a mailto: address or an https: URL")
      .optional(),
    /** Also capture every push into `captured_pushes` for /dev/pushes (the embedded mode sets it). */
    PUSH_CAPTURE: bool.default(false),
    /**
     * Accept push endpoints on loopback/private addresses (tests and local push-service stand-ins only).
     * Off: such endpoints are refused at subscribe time and at connect time (no SSRF through push).
     */
    PUSH_ALLOW_PRIVATE_ENDPOINTS: bool.default(false),
    /**
     * More push service hosts accepted at subscribe time, comma-separated host suffixes (a self-hosted
     * autopush or UnifiedPush server, a test host). The browsers' own services are always accepted
     * (`PUSH_SERVICE_HOSTS` in server/services/push/subscriptions.ts; issue 12 "Push endpoints").
     */
    PUSH_SERVICE_EXTRA_HOSTS: z
      .string()
      .default("")
      .transform((v) => v.split(",").map((h) => h.trim().toLowerCase().replace(/^\*?\./, "")).filter(Boolean))
      .pipe(z.array(z.string().regex(/^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be host names such as push.example.org"))),
  }),
  /**
   * Push to native apps through Firebase Cloud Messaging's HTTP v1 API (issue 17 "Push to native apps";
   * https://firebase.google.com/docs/cloud-messaging/send/v1-api; server/services/push/fcm.ts). Set the Firebase
   * project's service account, as JSON text or a path to its file (not both): Herald signs in with it (OAuth 2,
   * scope firebase.messaging) and sends to the devices apps register at `POST /api/v1/devices`. Absent: native
   * pushes are captured for /dev/pushes when PUSH_CAPTURE is on (the embedded mode), else apps cannot register.
   */
  fcm: z
    .object({
      /** The service account's JSON key (Firebase console → Project settings → Service accounts). Secret. */
      FCM_SERVICE_ACCOUNT_JSON: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(2).optional()),
      /** Or the path of that JSON file. */
      FCM_SERVICE_ACCOUNT_FILE: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).optional()),
      /** FCM's API origin (tests and stand-ins point it elsewhere; plain http only on a loopback address). */
      FCM_BASE_URL: z.url().default("https://fcm.googleapis.com"),
      /** Android only: the intent action a tap on the notification opens (`android.notification.click_action`), e.g. FLUTTER_NOTIFICATION_CLICK. */
      FCM_ANDROID_CLICK_ACTION: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(/^[A-Za-z0-9_.]{1,200}$/, "must be an intent action name").optional()),
    })
    .superRefine((v, ctx) => {
      if (v.FCM_SERVICE_ACCOUNT_JSON && v.FCM_SERVICE_ACCOUNT_FILE) {
        ctx.addIssue({ code: "custom", path: ["FCM_SERVICE_ACCOUNT_FILE"], message: "set FCM_SERVICE_ACCOUNT_JSON or FCM_SERVICE_ACCOUNT_FILE, not both" });
      }
    }),
  /**
   * SMS (issue 7; docs/requirements.md R11.4). Twilio when TWILIO_ACCOUNT_SID is set — then
   * TWILIO_AUTH_TOKEN and one of TWILIO_FROM / TWILIO_MESSAGING_SERVICE_SID are required too; otherwise texts
   * are captured into `captured_sms` and shown at /dev/sms. TWILIO_AUTH_TOKEN alone enables only the inbound
   * webhook's signature check (/api/webhooks/twilio). Read by server/services/sms.
   */
  sms: z
    .object({
      /** Twilio account SID (`AC` + 32 hex digits). */
      TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be AC followed by 32 hex digits").optional(),
      /** Twilio auth token: Basic-auth password of the REST API and the key of `X-Twilio-Signature`. Secret. */
      TWILIO_AUTH_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
      /** Sender: an E.164 Twilio number, or an alphanumeric sender ID (1–11 letters, digits, spaces). */
      TWILIO_FROM: z
        .string()
        .regex(/^(\+[1-9]\d{6,14}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11})$/, "must be an E.164 number or an alphanumeric sender ID")
        .optional(),
      /** Or a Messaging Service (`MG` + 32 hex digits), which picks the sender itself. */
      TWILIO_MESSAGING_SERVICE_SID: z.string().regex(/^MG[0-9a-fA-F]{32}$/, "must be MG followed by 32 hex digits").optional(),
      /** Twilio's REST API origin (tests point it at a local stub). */
      TWILIO_API_BASE_URL: z.url().default("https://api.twilio.com"),
      /**
       * The exact URL configured in Twilio for incoming messages, when it differs from
       * `${APP_URL}/api/webhooks/twilio` (a proxy in front): the signature covers the URL Twilio called.
       */
      TWILIO_WEBHOOK_URL: z.url().optional(),
      /** ISO 3166-1 alpha-2 region for numbers typed without a country code (Herald's seeds are South African). */
      SMS_DEFAULT_COUNTRY: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code such as ZA").default("ZA"),
    })
    .superRefine((v, ctx) => {
      if (!v.TWILIO_ACCOUNT_SID) return;
      if (!v.TWILIO_AUTH_TOKEN) ctx.addIssue({ code: "custom", path: ["TWILIO_AUTH_TOKEN"], message: "required when TWILIO_ACCOUNT_SID is set" });
      if (!v.TWILIO_FROM && !v.TWILIO_MESSAGING_SERVICE_SID) {
        ctx.addIssue({ code: "custom", path: ["TWILIO_FROM"], message: "TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is required when TWILIO_ACCOUNT_SID is set" });
      }
    }),
  jobs: z.object({
    INNGEST_EVENT_KEY: z.string().min(1),
    INNGEST_SIGNING_KEY: z.string().regex(/^signkey-[a-z]+-[0-9a-f]+$/i, "must look like signkey-<env>-<hex>"),
    INNGEST_BASE_URL: z.url().optional(),
  }),
  /**
   * The embeddable inbox (`/embed.js`, `/api/embed/v1/…`; server/services/embed/). Without a secret,
   * embedding is off and the API answers 404 (docs/requirements.md R21).
   */
  embed: z.object({
    /**
     * Signs the user tokens the host platform mints server-side (`<user id>.<expiry>.<HMAC-SHA256>`,
     * server/services/embed/embed-token.ts); at least 32 characters. Secret. Unset or empty: embedding is off.
     */
    HERALD_EMBED_SECRET: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(32, "must be at least 32 characters").optional()),
    /**
     * The host pages' origins allowed by CORS, comma-separated, each exactly `scheme://host[:port]`
     * (`https://app.example.com,http://localhost:3195`); compared exactly. Empty: no browser origin is allowed.
     */
    HERALD_EMBED_ORIGINS: z
      .string()
      .default("")
      .transform((v) => v.split(",").map((o) => o.trim()).filter(Boolean))
      .pipe(
        z.array(
          z.string().refine((o) => {
            try {
              const u = new URL(o);
              return (u.protocol === "https:" || u.protocol === "http:") && u.origin === o;
            } catch {
              return false;
            }
          }, "must be origins such as https://app.example.com (scheme, host and port only, no path or trailing slash)"),
        ),
      ),
    /** The longest lifetime a user token may have, in seconds (its expiry at most this far ahead); 60 s – 30 days, default 24 h. */
    HERALD_EMBED_TOKEN_MAX_AGE_S: z.coerce.number().int().min(60).max(30 * 86_400).default(86_400),
  }),
  /**
   * Standalone accounts (issue 17; server/services/accounts): sign-up with email verification at /signup, and
   * password reset by email at /forgot-password. Both need the email and password form
   * (HERALD_CREDENTIALS_SIGNIN); off, their pages answer 404 and their endpoints refuse (404 NOT_FOUND).
   */
  accounts: z.object({
    /**
     * Anyone may create an account at /signup (verified by email before it can sign in). Default false: an
     * open door is the operator's choice. `scripts/herald.ts` turns it on for the demo (a seeded instance)
     * unless set.
     */
    HERALD_SIGNUP_ENABLED: bool.default(false),
    /** "Forgot your password?" on /signin: a single-use link by email to choose a new password. Default true. */
    HERALD_PASSWORD_RESET_ENABLED: bool.default(true),
  }),
  /**
   * Prometheus metrics at `GET /api/metrics` (server/services/metrics/metrics.ts). Without a token the
   * endpoint answers 404: metrics are never public.
   */
  metrics: z.object({
    /** Bearer token Prometheus sends (`authorization: Bearer <token>`); at least 32 characters. Secret. */
    HERALD_METRICS_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  }),
  /**
   * Stripe billing webhooks at `POST /api/webhooks/stripe` (issue 17; server/services/billing/stripe-webhook.ts).
   * Without a signing secret the endpoint answers 404 and does nothing.
   */
  stripe: z.object({
    /**
     * The endpoint's signing secret (`whsec_…`, Stripe Dashboard → Webhooks → the endpoint → Signing secret):
     * the key of the `Stripe-Signature` HMAC (https://docs.stripe.com/webhooks#verify-events). Secret.
     */
    STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_\S{8,}$/, "must be the endpoint's signing secret, whsec_…").optional(),
    /**
     * How old (seconds) a signed timestamp may be; older deliveries are refused as possible replays. Stripe's
     * libraries default to 300 (https://docs.stripe.com/webhooks#replay-attacks). At least 1: 0 would turn the check off.
     */
    STRIPE_WEBHOOK_TOLERANCE_S: z.coerce.number().int().min(1).max(3600).default(300),
  }),
  /**
   * Retention (issue "Retention and erasure"; docs/requirements.md R16.1). Periods in days.
   */
  retention: z.object({
    /** Read notifications are deleted this many days after they were read. Unread ones are never deleted by age. */
    HERALD_RETENTION_READ_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /** Delivery log rows (`deliveries`) are deleted this many days after they were created. */
    HERALD_RETENTION_DELIVERY_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    /** Revoked personal access tokens and API keys are deleted this many days after revocation. */
    HERALD_RETENTION_REVOKED_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
    /** Processed webhook ids (`webhook_events`) and captured dev emails (`captured_emails`) are kept this long. */
    HERALD_RETENTION_WEBHOOK_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    HERALD_RETENTION_MAILBOX_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** Rows per DELETE statement (each batch is its own short transaction). */
    HERALD_RETENTION_BATCH: z.coerce.number().int().min(1).max(100_000).default(5000),
  }),
} as const;

type Groups = typeof groups;
export type Env<G extends keyof Groups> = z.infer<Groups[G]>;

const cache = new Map<keyof Groups, unknown>();

/**
 * The validated variables of one group, parsed on first use.
 * @throws Error naming every missing or malformed variable of the group.
 */
export function env<G extends keyof Groups>(group: G): Env<G> {
  if (cache.has(group)) return cache.get(group) as Env<G>;
  const parsed = groups[group].safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(
      `Invalid environment (${group}):\n${lines}\nSee .env.example; \`npm run dev\` fills these in for the embedded mode.`,
    );
  }
  cache.set(group, parsed.data);
  return parsed.data as Env<G>;
}

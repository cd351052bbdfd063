/** Per-worker setup: expose the run's database and realtime server (test/global-setup.ts) before app code loads. */
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
const rt = inject("realtime");
Object.assign(process.env, {
  PUSHER_APP_ID: rt.id,
  PUSHER_KEY: rt.key,
  PUSHER_SECRET: rt.secret,
  PUSHER_HOST: rt.host,
  PUSHER_PORT: String(rt.port),
  PUSHER_USE_TLS: "false",
});

// Inngest keys shared by the app's client and the executors that tests start (INNGEST_BASE_URL is set by
// each test that runs the app's functions, once its executor listens).
process.env.INNGEST_SIGNING_KEY ??= `signkey-test-${"ab".repeat(32)}`;
process.env.INNGEST_EVENT_KEY ??= "test-event-key";
process.env.NEXTAUTH_SECRET ??= "test-nextauth-secret-0123456789abcdef0123456789";
// Request logs (server/services/log/logger.ts) would bury the test output; tests that read them raise the level.
process.env.LOG_LEVEL ??= "silent";
// Webhook receivers in tests listen on 127.0.0.1 (server/services/webhooks/webhooks.ts refuses that otherwise).
process.env.HERALD_WEBHOOKS_ALLOW_PRIVATE ??= "true";
// Uploaded images (server/services/storage/storage.ts) go to a directory of the run, not the repository.
process.env.HERALD_UPLOADS_DIR ??= `${process.env.TMPDIR ?? "/tmp"}/herald-test-uploads-${process.pid}`;

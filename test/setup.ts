/** Per-worker setup: expose the run's database (test/global-setup.ts) as DATABASE_URL before app code loads. */
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");

/**
 * Vitest global setup: one real PostgreSQL for the whole run.
 * - default: an in-memory PGlite served over the wire protocol (the embedded mode's database);
 * - `HERALD_TEST_DATABASE_URL=postgresql://…/<db>`: that PostgreSQL database, dropped and recreated first
 *   (`.ci/run` does this against the machine's PostgreSQL on 127.0.0.1:5432 when it answers).
 * Migrations are applied either way; tests read the URL from `inject("databaseUrl")` (test/setup.ts).
 * Also starts the embedded Pusher-protocol server that services signal through (`inject("realtime")`).
 */
import type { TestProject } from "vitest/node";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "../server/embedded/database";
import { migrate } from "../server/db/migrate";
import { recreateDatabase } from "../scripts/lib/database";
import { startRealtimeServer, type RealtimeServer } from "../server/embedded/realtime/server";

let embedded: EmbeddedDatabase | undefined;
let realtime: RealtimeServer | undefined;

/** The Pusher app the tests' realtime server serves (test-only credentials). */
export const TEST_PUSHER_APP = { id: "424242", key: "test-key", secret: "test-secret" };

export default async function setup(project: TestProject) {
  let url = process.env.HERALD_TEST_DATABASE_URL;
  if (url) {
    await recreateDatabase(url);
  } else {
    embedded = await startEmbeddedDatabase({ dataDir: "memory://", maxConnections: 64 });
    url = embedded.url;
  }
  await migrate(url);
  project.provide("databaseUrl", url);
  // Services signal through a real embedded Pusher-protocol server, as in the embedded mode.
  realtime = await startRealtimeServer({ port: 0, apps: [TEST_PUSHER_APP] });
  project.provide("realtime", { ...TEST_PUSHER_APP, host: "127.0.0.1", port: realtime.port });
  return async () => {
    await realtime?.close();
    await embedded?.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    realtime: { id: string; key: string; secret: string; host: string; port: number };
  }
}

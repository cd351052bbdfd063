/** Benchmark databases and the app environment around them (see bench/lib.ts for the rest). */
import { spawnSync } from "node:child_process";
import pg from "pg";
import { startEmbeddedDatabase } from "../server/embedded/database";
import { migrate } from "../server/db/migrate";
import { EMBEDDED_BATCH_EVENTS, startRealtimeServer, type RealtimeServer } from "../server/embedded/realtime/server";

export interface BenchDatabase {
  kind: "PGlite" | "PostgreSQL";
  url: string;
  stop(): Promise<void>;
}

const PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres";

/** Whether the machine's PostgreSQL answers on 127.0.0.1:5432. */
export async function postgresAnswers(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * A fresh, migrated database of the given kind: an in-memory PGlite served over the wire, or the
 * `herald_bench` database on the machine's PostgreSQL (dropped and recreated).
 */
export async function freshDatabase(kind: BenchDatabase["kind"]): Promise<BenchDatabase> {
  if (kind === "PGlite") {
    const db = await startEmbeddedDatabase({ dataDir: "memory://" });
    await migrate(db.url);
    return { kind, url: db.url, stop: () => db.stop() };
  }
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query("DROP DATABASE IF EXISTS herald_bench WITH (FORCE)");
  await admin.query("CREATE DATABASE herald_bench");
  await admin.end();
  const url = "postgresql://postgres@127.0.0.1:5432/herald_bench";
  await migrate(url);
  return { kind, url, stop: async () => undefined };
}

/** The kinds to measure: `--db pglite|postgres`, else both (PostgreSQL only when it answers). */
export async function databaseKinds(argv: string[]): Promise<BenchDatabase["kind"][]> {
  const i = argv.indexOf("--db");
  const only = i >= 0 ? argv[i + 1] : undefined;
  if (only === "pglite") return ["PGlite"];
  if (only === "postgres") return ["PostgreSQL"];
  return (await postgresAnswers()) ? ["PGlite", "PostgreSQL"] : ["PGlite"];
}

/**
 * Points the app's environment at `database`, an embedded Pusher-protocol server (started here) and local
 * Inngest keys, as the embedded mode does. Import app modules (dynamic `import()`) after this.
 * @returns a function that stops the realtime server, with the server itself as `realtime` (its `stats()`)
 */
export async function startBenchEnvironment(database: BenchDatabase): Promise<(() => Promise<void>) & { realtime: RealtimeServer }> {
  const app = { id: "1", key: "bench", secret: "bench-secret" };
  const realtime = await startRealtimeServer({ port: 0, apps: [app], maxBatchEvents: EMBEDDED_BATCH_EVENTS });
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    PUSHER_APP_ID: app.id,
    PUSHER_KEY: app.key,
    PUSHER_SECRET: app.secret,
    PUSHER_HOST: "127.0.0.1",
    PUSHER_PORT: String(realtime.port),
    PUSHER_BATCH_SIZE: String(EMBEDDED_BATCH_EVENTS),
    INNGEST_SIGNING_KEY: `signkey-bench-${"cd".repeat(32)}`,
    INNGEST_EVENT_KEY: "bench-event-key",
    NEXTAUTH_SECRET: "bench-nextauth-secret-0123456789abcdef0123",
  });
  return Object.assign(() => realtime.close(), { realtime });
}

/**
 * Runs `measure` once per database kind, each in a child process of this same script (the app's Prisma
 * client is a process-wide singleton): in the child (`--child --db <kind>`) it measures and prints the
 * result; in the parent it yields each kind's result in turn. `extraArgs` are passed to the children.
 */
export async function* perDatabase<T>(
  argv: string[],
  measure: (kind: BenchDatabase["kind"]) => Promise<T>,
  extraArgs: string[] = [],
): AsyncGenerator<{ kind: BenchDatabase["kind"]; result: T }> {
  if (argv.includes("--child")) {
    const result = await measure(argv[argv.indexOf("--db") + 1] === "postgres" ? "PostgreSQL" : "PGlite");
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    process.exit(0);
  }
  for (const kind of await databaseKinds(argv)) {
    const args = [...process.execArgv, process.argv[1]!, "--child", "--db", kind === "PGlite" ? "pglite" : "postgres", ...extraArgs];
    const r = spawnSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024 });
    const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    process.stdout.write(r.stdout.split("\n").filter((l) => !l.startsWith("RESULT ")).join("\n"));
    if (r.status !== 0 || !line) throw new Error(`${process.argv[1]} on ${kind} failed (exit ${r.status})`);
    yield { kind, result: JSON.parse(line.slice(7)) as T };
  }
}

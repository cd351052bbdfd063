/**
 * Shared benchmark helpers: machine description, percentiles, the databases to measure on, and writing one
 * `## <Heading>` section of bench/RESULTS.md without touching the others.
 */
import { execSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedDatabase } from "../server/embedded/database";
import { migrate } from "../server/db/migrate";
import { startRealtimeServer } from "../server/embedded/realtime/server";

export const RESULTS = path.join(import.meta.dirname, "RESULTS.md");

function shell(command: string): string {
  try {
    return execSync(command, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}

/** CPUs (`nproc`), CPU model, total memory (`free -h`), Node version, OS. */
export function machine(): { cpus: number; model: string; memory: string; node: string; os: string } {
  const memLine = shell("free -h").split("\n").find((l) => l.startsWith("Mem:"));
  return {
    cpus: Number(shell("nproc")) || os.availableParallelism(),
    model: os.cpus()[0]?.model.trim() ?? "unknown",
    memory: memLine?.split(/\s+/)[1] ?? `${(os.totalmem() / 2 ** 30).toFixed(0)}Gi`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

/** One markdown line describing the machine and date, for a results section. */
export function machineLine(): string {
  const m = machine();
  return `- date: ${new Date().toISOString()}\n- machine: ${m.cpus} CPUs (\`nproc\`), ${m.memory} RAM (\`free -h\` total), ${m.model}, ${m.os}\n- node: ${m.node}`;
}

/** Replaces (or appends) the section that starts with `## <heading>` in bench/RESULTS.md. */
export function writeResults(heading: string, section: string): void {
  const existing = existsSync(RESULTS) ? readFileSync(RESULTS, "utf8") : "# Benchmark results\n";
  const lines = existing.split("\n");
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  let out: string;
  if (start < 0) {
    out = `${existing.replace(/\n*$/, "")}\n\n${section.trimEnd()}\n`;
  } else {
    let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
    if (end < 0) end = lines.length;
    const before = lines.slice(0, start).join("\n").replace(/\n*$/, "");
    const after = lines.slice(end).join("\n");
    out = `${before}${before ? "\n\n" : ""}${section.trimEnd()}\n${after ? `\n${after.replace(/\n*$/, "")}\n` : ""}`;
  }
  writeFileSync(RESULTS, out);
}

/** The p-th percentile (0–100) of `samples` (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export const ms = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(0)} ms`;

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
 * @returns a function that stops the realtime server
 */
export async function startBenchEnvironment(database: BenchDatabase): Promise<() => Promise<void>> {
  const app = { id: "1", key: "bench", secret: "bench-secret" };
  const realtime = await startRealtimeServer({ port: 0, apps: [app] });
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    PUSHER_APP_ID: app.id,
    PUSHER_KEY: app.key,
    PUSHER_SECRET: app.secret,
    PUSHER_HOST: "127.0.0.1",
    PUSHER_PORT: String(realtime.port),
    INNGEST_SIGNING_KEY: `signkey-bench-${"cd".repeat(32)}`,
    INNGEST_EVENT_KEY: "bench-event-key",
  });
  return () => realtime.close();
}

/**
 * Shared benchmark helpers: machine description, percentiles, and writing one `## <Heading>` section of
 * bench/RESULTS.md without touching the others. (Database helpers: bench/db.ts, kept apart so that the
 * realtime bench's server process does not load PGlite.)
 */
import { execSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

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


/**
 * Shared benchmark helpers: machine description, percentiles, and writing one `## <Heading>` section of
 * bench/RESULTS.md without touching the others. (Database helpers: bench/db.ts, kept apart so that the
 * realtime bench's server process does not load PGlite.)
 */
import { execSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const RESULTS = path.join(import.meta.dirname, "RESULTS.md");

/** A shell command's trimmed standard output ("" when it fails). */
export function shell(command: string): string {
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

/**
 * Replaces the section that starts with `## <heading>` in bench/RESULTS.md; a new one goes right after the
 * section `opts.after` names when there is one, else at the end.
 */
export function writeResults(heading: string, section: string, opts: { after?: string } = {}): void {
  const existing = existsSync(RESULTS) ? readFileSync(RESULTS, "utf8") : "# Benchmark results\n";
  const lines = existing.split("\n");
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  const anchor = opts.after ? lines.findIndex((l) => l.trim() === `## ${opts.after}`) : -1;
  let out: string;
  if (start < 0 && anchor >= 0) {
    // A new section goes right after the section `after` names.
    let end = lines.findIndex((l, i) => i > anchor && /^## /.test(l));
    if (end < 0) end = lines.length;
    const before = lines.slice(0, end).join("\n").replace(/\n*$/, "");
    const rest = lines.slice(end).join("\n");
    out = `${before}\n\n${section.trimEnd()}\n${rest ? `\n${rest.replace(/\n*$/, "")}\n` : ""}`;
  } else if (start < 0) {
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

/**
 * Makes sure this process (and what it starts) may open `needed` files. When the soft limit is lower and
 * the hard limit allows, re-runs this same script under `ulimit -n <needed>` and returns "reexec" (the
 * caller then returns; the exit code is the child's). Otherwise, with `onTooLow: "throw"` it stops with a
 * message saying what to raise; with "warn" it goes on (errors then show as EMFILE).
 */
export function ensureFileLimit(needed: number, opts: { onTooLow: "throw" | "warn" }): "ok" | "reexec" {
  const soft = shell("ulimit -Sn");
  const hard = shell("ulimit -Hn");
  const softN = soft === "unlimited" ? Infinity : Number(soft);
  const hardN = hard === "unlimited" ? Infinity : Number(hard);
  if (softN >= needed) return "ok";
  if (process.env.HERALD_BENCH_REEXEC === "1" || hardN < needed) {
    const message = `open-file limit: soft ${soft}, hard ${hard}, need ${needed}`;
    if (opts.onTooLow === "throw") throw new Error(`${message}. Raise it (ulimit -n ${needed}) or ask for fewer connections.`);
    console.warn(`${message}; going on (errors will show as EMFILE)`);
    return "ok";
  }
  console.log(`raising the open-file limit from ${soft} to ${needed} (hard limit ${hard}) and re-running`);
  const argv = [process.execPath, ...process.execArgv, ...process.argv.slice(1)].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const res = spawnSync("/bin/sh", ["-c", `ulimit -n ${needed} && exec ${argv}`], { stdio: "inherit", env: { ...process.env, HERALD_BENCH_REEXEC: "1" } });
  process.exitCode = res.status ?? 1;
  return "reexec";
}

/** CPU time a process has used so far, in clock ticks (utime + stime of /proc/<pid>/stat; 100 per s); 0 when it is gone. */
export function procCpuTicks(pid: number | "self"): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  } catch {
    return 0;
  }
}

/** Process ids of every running PostgreSQL process (by /proc/<pid>/comm). */
export function postgresPids(): number[] {
  const pids: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, "utf8").trim() === "postgres") pids.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return pids;
}

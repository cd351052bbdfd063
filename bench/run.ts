/**
 * `npm run bench`: every benchmark in turn, each writing its section of bench/RESULTS.md.
 * Extra arguments (e.g. `-- --db postgres`) go to the fan-out and inbox benches.
 */
import { spawnSync } from "node:child_process";

const extra = process.argv.slice(2);
// The fan-out and inbox benches load server code ("server-only" resolves under the react-server condition).
const benches: [string, string[]][] = [
  ["bench/fanout.ts", ["--conditions=react-server", "bench/fanout.ts", ...extra]],
  ["bench/inbox.ts", ["--conditions=react-server", "bench/inbox.ts", ...extra]],
  ["bench/events.ts", ["--conditions=react-server", "bench/events.ts", ...extra]],
  ["bench/push.ts", ["--conditions=react-server", "bench/push.ts", ...extra]],
  // The campaign bench renders email (react-dom/server), which the react-server condition refuses outside Next.js.
  ["bench/campaign.ts", ["--import", "./bench/server-only.mjs", "bench/campaign.ts", ...extra]],
  ["bench/realtime.ts", ["bench/realtime.ts"]],
  ["bench/executor.ts", ["bench/executor.ts"]],
];
for (const [script, args] of benches) {
  console.log(`\n=== ${script} ===`);
  const r = spawnSync("npx", ["tsx", ...args], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/**
 * `npm run test:scale-out` (issue 15; `.ci/run`'s scale-out lane): the realtime suite against two soketi nodes
 * sharing state through Redis, then the cross-instance browser journey (playwright.scale-out.config.ts: two
 * Herald instances on one PostgreSQL, scripts/scale-out.ts). Needs PostgreSQL on 127.0.0.1:5432 and Redis on
 * 127.0.0.1:6379 (`.ci/run` starts them when it can) and Chromium (as `npm run test:e2e`). Builds the app
 * first when no build is there (`HERALD_SKIP_BUILD=1` never builds).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const run = (cmd: string, args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run("npx", ["vitest", "run", "server/services/realtime"], { HERALD_TEST_REALTIME: "soketi" });
if (process.env.HERALD_SKIP_BUILD !== "1" && !existsSync(".next/BUILD_ID")) run("npm", ["run", "build", "--silent"]);
run("npx", ["playwright", "test", "-c", "playwright.scale-out.config.ts", ...process.argv.slice(2)]);

/**
 * `HERALD_ROLE` (scripts/herald.ts; docs/deploy.md): a role other than `all` shares its engines with other
 * instances, so it must be given them and never starts one of its own. A start that lacks them stops before
 * touching anything, naming what is missing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = mkdtempSync(path.join(tmpdir(), "herald-role-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `tsx scripts/herald.ts start` with only `env` (no DATABASE_URL or engines unless given). */
function start(env: Record<string, string>) {
  const dataDir = path.join(root, `data-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/herald.ts", "start"], {
    env: { NODE_ENV: "production", PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? root, HERALD_DATA_DIR: dataDir, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stderr: r.stderr, started: existsSync(dataDir) };
}

describe("HERALD_ROLE", () => {
  it("web needs the database, realtime and job engine given, and starts nothing without them", () => {
    const r = start({ HERALD_ROLE: "web" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("HERALD_ROLE=web shares its engines with other instances; set DATABASE_URL, PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET, INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY");
    expect(r.started).toBe(false);
  });

  it("worker needs the database and realtime given (it runs the executor itself); a web instance given all but the job keys is refused", () => {
    const worker = start({ HERALD_ROLE: "worker" });
    expect(worker.code).toBe(1);
    expect(worker.stderr).toContain("HERALD_ROLE=worker shares its engines with other instances; set DATABASE_URL, PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET (");
    const web = start({
      HERALD_ROLE: "web",
      DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none",
      PUSHER_APP_ID: "1",
      PUSHER_KEY: "k",
      PUSHER_SECRET: "0123456789abcdef0123",
    });
    expect(web.code).toBe(1);
    expect(web.stderr).toContain("set INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY (");
    expect(web.started).toBe(false);
  });

  it("refuses an unknown role by name", () => {
    const r = start({ HERALD_ROLE: "boss" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HERALD_ROLE must be all, web or worker (got "boss")');
  });
});

/**
 * bench/live: the live path at scale (issue 14 "The live path"). N followers are online in simulated
 * browsers; their business posts a listing; every follower gets the realtime signal and refetches its inbox
 * exactly as the React client does. Measured per follower: when the signal arrived, and when the inbox
 * showed the post (the first refetch answer that contains the new notification).
 *
 *   npx tsx bench/live.ts [--db postgres|pglite] [--n 1000,5000,10000] [--per-process 2500]
 *                         [--deadline 240] [--client patch|refetch] [--posts 3] [--label "…"] [--no-write] [--no-build]
 *                         [--readers 50] [--read-seconds 15] [--profile app|herald]
 *
 * Defaults: `--db` both (PostgreSQL first), `--n` 1000,5000,10000 on PostgreSQL and 1000,5000 on PGlite.
 * `--no-build` skips `npm run build` (otherwise run under `flock /tmp/herald-e2e.lock`).
 *
 * What runs, per (database, N) — each in a fresh database and a fresh app:
 * - The app: the production build started as in production, `tsx scripts/herald.ts start` with a free
 *   PORT, HERALD_REALTIME_PORT=0, HERALD_JOBS_PORT=0, HERALD_DATA_DIR=.data/live (runtime.json there gives
 *   the realtime port), HERALD_SEED=false; PostgreSQL: DATABASE_URL = a fresh `herald_live` database on
 *   127.0.0.1:5432 migrated with server/db/migrate.ts; PGlite: DATABASE_URL unset, a fresh
 *   .data/live/pglite. HERALD_TRUSTED_PROXIES=1 and a distinct `X-Forwarded-For` per simulated browser, as
 *   behind one reverse proxy: every browser comes from 127.0.0.1 here, and the per-address limit on
 *   /api/pusher/auth (600 a minute) would otherwise refuse all but the first 600 subscriptions.
 * - Data: one business with N followers (prisma/factory.ts `createFollowers`, set-based, email turned off so
 *   the email leg does not run; no push devices, so the push leg only records skips), one `auth_sessions`
 *   row per follower inserted with one INSERT … SELECT, and per follower a session cookie
 *   (`next-auth.session-token`) minted with next-auth's `encode` and NEXTAUTH_SECRET carrying
 *   `{ id, sub, role, sid, name, email }` as a sign-in would.
 * - The browsers: in child processes (`fork`, `--per-process` browsers each), apart from the app's CPU
 *   accounting. Each browser has its own cookie, its own HTTP keep-alive agent (6 sockets, as a browser;
 *   idle sockets dropped after 4 s, the server closes them after 5 s) and its own `pusher-js` client (its own
 *   WebSocket: no sharing) configured as components/realtime/realtime-provider.tsx does, subscribed to
 *   `private-user-<id>` through the app's real POST /api/pusher/auth (form body `socket_id`,
 *   `channel_name`, with the cookie; pusher-js's Node XHR refuses to send a Cookie header, so a
 *   `customHandler` makes that same request). On `pusher:subscription_succeeded` (and on
 *   `notification.read` / `notifications.bulk_read` / `notifications.changed`) it refetches as the
 *   provider's `refreshQueries` does on /notifications: the active `notifications.*` queries there are the
 *   header bell's and the inbox's `unreadCount` (one query) and the inbox's infinite `list` (one page
 *   loaded); `httpBatchLink` sends them as ONE GET. On `notification.new`, `--client patch` (the default,
 *   the client of components/realtime/apply-inbox-signal.ts) applies the signal to the cached badge and
 *   list with components/realtime/inbox-cache.ts and refetches only on a gap or while a fetch is in flight;
 *   `--client refetch` refetches on every signal (the client before cache patching). Its URL is not hand-written: it is
 *   captured at start from the real `@trpc/client` `httpBatchLink` + superjson + `@trpc/tanstack-react-query`
 *   options with the inbox's inputs, and printed. A signal during a refetch in flight refetches once more
 *   after it (refreshQueries); a failed refetch is retried after 1 s and 2 s (TanStack Query's default
 *   delays, the app's `retry: n < 2`). Headers as Chrome sends them (~1 KB with the cookie, gzip accepted).
 * - A warm-up: once all N are connected, a second business with 20 never-online followers posts (warms the
 *   executor → /api/inngest → fan-out path), then 7 s of quiet (idle keep-alive sockets close).
 * - The post: `listings.create` through tRPC (POST /api/trpc/listings.create?batch=1) with the owner's
 *   cookie, as the "New listing" form. t0 = just before that request. `--posts` (default 3) posts one after
 *   another, each after 7 s of quiet, to the same connected browsers (the second joins the first in a group
 *   of the inbox, patched as well): the row is the post with the median inbox p99, and lists every post's p99
 *   (one post's numbers vary by ±20 % here).
 *
 * - Reads (`--readers`, default 50; 0 skips them): after the posts, that many of the online users each send
 *   the inbox's batched GET (list + unread count, as above) in a closed loop for `--read-seconds`: requests/s,
 *   latency p50/p95/p99, CPU (issue 14's "inbox list + unread count at 50 concurrent users"). Before it, the
 *   same closed loop on the liveness route (GET /api/health/live: no session, no database) measures the web
 *   process's own floor, the fastest any route handler can answer under that load.
 *
 * The numbers (the table, written as `## Live path (bench/live.ts)` of bench/RESULTS.md):
 * - connect: time for all N to connect, subscribe and finish their first refetch (ramped, 64 at a time
 *   per process), with errors.
 * - signal p50/p99/last: t0 → `notification.new` received, over the N followers.
 * - inbox shows the post p50/p99/last: t0 → the cached inbox (patched, or a refetch's answer) contains
 *   the new notification (the listing's id) — what the person sees. "badge right": the cached unread count
 *   at that moment is the count before + 1.
 * - errors: failed refetch attempts (network errors, timeouts, non-200), refetches failed after the
 *   retries, followers without signal / without the post at the deadline (`--deadline` s after t0).
 * - requests/s: refetch answers received between t0 and the last follower's "shown" ÷ that time.
 * - CPU: % of one core between t0 and the last "shown", from /proc/<pid>/stat (utime + stime): the Next.js
 *   server process ("app"), the herald.ts process (embedded realtime server + executor, and the database
 *   itself on PGlite), all `postgres` processes of the machine (PostgreSQL runs), and the browser
 *   processes (the load generator shares the 2 cores). Also the kernel's TCP ListenOverflows and
 *   retransmitted segments over the same window (/proc/net/netstat, /proc/net/snmp). `--profile app|herald`
 *   also writes a V8 CPU profile of that process over each post and the reads to .data/live/ (its CPU share
 *   then includes the profiler's).
 *
 * Only 127.0.0.1 is used (the app's Next.js server listens where `next start` does by default; the
 * harness only connects to 127.0.0.1). Every run has a watchdog (`--run-timeout`, default 600 s) and stops
 * by itself; the app and the browser processes are stopped by their process ids.
 */
import { fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { ensureFileLimit, machineLine, percentile, postgresPids, procCpuTicks, RESULTS, shell, writeResults } from "./lib";
import type { AppRouter } from "../server/trpc/root";
import { countAfter, listAfterNew, type CachedCount, type CachedPage } from "../components/realtime/inbox-cache";
import type { NewNotificationPayload } from "../lib/realtime";
import type { Role } from "../server/generated/prisma/client";

const SCRIPT = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SCRIPT), "..");
const HOST = "127.0.0.1";
const DATA_DIR = path.join(ROOT, ".data", "live");
const PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres";
const PG_URL = "postgresql://postgres@127.0.0.1:5432/herald_live";
const HEADING = "Live path (bench/live.ts)";
const COOKIE_NAME = "next-auth.session-token";
const SESSION_MAX_AGE_S = 30 * 24 * 3600;
const CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
/** Browsers of one process connecting (connect → auth → subscribe → first refetch) at a time. */
const CONNECT_PARALLEL = 64;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ----- messages between the orchestrator and the browser processes ------------------------------------

interface BrowserSpec {
  userId: string;
  cookie: string;
  xff: string;
}
interface Setup {
  type: "setup";
  port: number;
  wsPort: number;
  key: string;
  cluster: string;
  /** Path + query of the refetch GET (captured from the real tRPC client). */
  refetchPath: string;
  /** `patch`: the client of components/realtime (cache patching); `refetch`: a refetch on every signal. */
  client: ClientMode;
  browsers: BrowserSpec[];
}
type ClientMode = "patch" | "refetch";
type ToBrowsers = Setup | { type: "posted"; listingId: string } | { type: "collect" } | { type: "reset" } | { type: "read"; readers: number; seconds: number; path?: string } | { type: "stop" };

interface ConnectReport {
  type: "ready";
  subscribed: number;
  initialOk: number;
  errors: Record<string, number>;
}
interface Results {
  type: "results";
  /** Absolute times (ms since the epoch, sub-ms), null when never. */
  signalAt: (number | null)[];
  shownAt: (number | null)[];
  badgeRight: number;
  badgeWrong: number;
  /** Completion times of every refetch answer (any status) after the post was announced. */
  answers: number[];
  errors: Record<string, number>;
  cpuTicks: number;
}
/** The read phase of one browser process: every request's latency (ms) and the failures by kind. */
interface ReadResults {
  type: "read-results";
  latencies: number[];
  errors: Record<string, number>;
}
type ToParent = { type: "progress"; subscribed: number } | ConnectReport | { type: "all-shown" } | { type: "reset-done" } | ReadResults | Results | { type: "fatal"; message: string };

// ----- the browser processes --------------------------------------------------------------------------

interface Browser {
  spec: BrowserSpec;
  agent: http.Agent;
  cookieHeader: string;
  pusher?: { disconnect(): void };
  inFlight: boolean;
  again: boolean;
  /** Unread count before the post (from the first refetch). */
  baseline: number | null;
  signalAt: number | null;
  shownAt: number | null;
  badge: number | null;
  listingId: string | null;
  /** The cached badge and inbox's first page, as TanStack Query holds them (from refetches and patches). */
  count: CachedCount | null;
  list: CachedPage | null;
}

async function runBrowsers(): Promise<void> {
  const send = (m: ToParent) => process.send?.(m);
  const { default: Pusher } = await import("pusher-js");
  let setup: Setup | null = null;
  const browsers: Browser[] = [];
  const errors: Record<string, number> = {};
  const count = (what: string) => (errors[what] = (errors[what] ?? 0) + 1);
  let phase: "connect" | "live" = "connect";
  let posted: string | null = null;
  const answers: number[] = [];
  let shown = 0;
  let allShownSent = false;

  const baseHeaders = (s: Setup): Record<string, string> => ({
    "sec-ch-ua-platform": '"Linux"',
    "user-agent": CHROME_UA,
    "sec-ch-ua": '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
    "sec-ch-ua-mobile": "?0",
    accept: "*/*",
    "sec-fetch-site": "same-origin",
    "sec-fetch-mode": "cors",
    "sec-fetch-dest": "empty",
    referer: `http://${HOST}:${s.port}/notifications`,
    "accept-encoding": "gzip, deflate, br, zstd",
    "accept-language": "en-US,en;q=0.9",
  });

  function request(b: Browser, method: "GET" | "POST", reqPath: string, body?: string): Promise<{ status: number; text: string }> {
    const s = setup!;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...baseHeaders(s), cookie: b.cookieHeader, "x-forwarded-for": b.spec.xff };
      if (body !== undefined) {
        headers["content-type"] = "application/x-www-form-urlencoded; charset=UTF-8";
        headers["content-length"] = String(Buffer.byteLength(body));
        headers.origin = `http://${HOST}:${s.port}`;
      }
      const req = http.request({ host: HOST, port: s.port, method, path: reqPath, agent: b.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const enc = res.headers["content-encoding"];
          try {
            const buf = enc === "gzip" ? zlib.gunzipSync(raw) : enc === "br" ? zlib.brotliDecompressSync(raw) : enc === "deflate" ? zlib.inflateSync(raw) : raw;
            resolve({ status: res.statusCode ?? 0, text: buf.toString("utf8") });
          } catch (err) {
            reject(err as Error);
          }
        });
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  /** One refetch as httpBatchLink sends it, with TanStack Query's retries (after 1 s, then 2 s). */
  async function refetchOnce(b: Browser): Promise<void> {
    const s = setup!;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) await sleep(1000 * 2 ** (attempt - 1));
      let outcome: string;
      try {
        const r = await request(b, "GET", s.refetchPath);
        const at = now();
        if (phase === "live") answers.push(at);
        if (r.status === 200) {
          const parsed = JSON.parse(r.text) as { result: { data: { json: unknown } } }[];
          b.count = parsed[0]!.result.data.json as CachedCount;
          b.list = parsed[1]!.result.data.json as CachedPage;
          if (phase === "connect") b.baseline = b.count.count;
          else checkShown(b, at);
          return;
        }
        outcome = `HTTP ${r.status}`;
        if (r.status === 401 || r.status === 403 || r.status === 404) {
          count(`${phase}: refetch ${outcome}`);
          count(`${phase}: refetch failed (no retry on ${r.status})`);
          return;
        }
      } catch (err) {
        outcome = (err as NodeJS.ErrnoException).code ?? (err as Error).message.slice(0, 60);
      }
      count(`${phase}: refetch attempt ${outcome}`);
    }
    count(`${phase}: refetch failed after 2 retries`);
  }

  /** Whether the cached inbox shows the post now (its notification's `data.listing_id`); records when. */
  function checkShown(b: Browser, at: number): void {
    const id = b.listingId ?? posted;
    if (b.shownAt !== null || !id || !b.list) return;
    const has = b.list.items.some((e) => (e as unknown as { data?: { listing_id?: string } }).data?.listing_id === id);
    if (!has) return;
    b.shownAt = at;
    b.badge = b.count?.count ?? null;
    shown++;
    if (shown === browsers.length && !allShownSent) {
      allShownSent = true;
      send({ type: "all-shown" });
    }
  }

  /**
   * components/realtime/apply-inbox-signal.ts on /notifications: the badge and the inbox's list take the
   * signal when they can (./inbox-cache.ts), else they are refetched (one GET for both, as httpBatchLink
   * batches the two refetches of one tick); a query with a fetch in flight is refetched after it.
   */
  function applySignal(b: Browser, signal: NewNotificationPayload): void {
    if (b.inFlight || !b.count || !b.list) return void refresh(b);
    const count = countAfter(b.count, signal);
    const list = listAfterNew(b.list, { filter: "all", grouped: true }, signal);
    if (count.kind === "refetch" || list.kind === "refetch") return void refresh(b);
    if (count.kind === "set") b.count = count.data;
    if (list.kind === "set") b.list = list.data;
    checkShown(b, now());
  }

  /** components/refresh-queries.ts: a refresh during a fetch in flight refetches once more after it. */
  function refresh(b: Browser): Promise<void> {
    if (b.inFlight) {
      b.again = true;
      return Promise.resolve();
    }
    b.inFlight = true;
    return refetchOnce(b).then(() => {
      b.inFlight = false;
      if (b.again) {
        b.again = false;
        return refresh(b);
      }
    });
  }

  function connect(b: Browser): Promise<boolean> {
    const s = setup!;
    return new Promise((resolve) => {
      let settled = false;
      const done = (ok: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(ok);
      };
      const timer = setTimeout(() => {
        count("connect: no subscription within 60 s");
        done(false);
      }, 60_000);
      const pusher = new Pusher(s.key, {
        cluster: s.cluster,
        wsHost: HOST,
        wsPort: s.wsPort,
        wssPort: s.wsPort,
        forceTLS: false,
        enabledTransports: ["ws"],
        disableStats: true,
        channelAuthorization: {
          endpoint: "/api/pusher/auth",
          transport: "ajax",
          customHandler: (params, callback) => {
            const form = new URLSearchParams({ socket_id: params.socketId, channel_name: params.channelName }).toString();
            request(b, "POST", "/api/pusher/auth", form).then(
              (r) => {
                if (r.status !== 200) {
                  count(`${phase}: /api/pusher/auth HTTP ${r.status}`);
                  callback(new Error(`auth ${r.status}`), null);
                } else callback(null, JSON.parse(r.text) as { auth: string });
              },
              (err: Error) => {
                count(`${phase}: /api/pusher/auth ${(err as NodeJS.ErrnoException).code ?? err.message}`);
                callback(err, null);
              },
            );
          },
        },
      });
      b.pusher = pusher;
      pusher.connection.bind("state_change", ({ current }: { current: string }) => {
        if (current === "unavailable" || current === "failed") count(`${phase}: pusher state ${current}`);
      });
      const channel = pusher.subscribe(`private-user-${b.spec.userId}`);
      channel.bind("pusher:subscription_succeeded", () => {
        // The provider's refresh; the first one (connect) is awaited before the next browser starts.
        void refresh(b).then(() => done(true));
      });
      channel.bind("pusher:subscription_error", () => {
        count(`${phase}: subscription_error`);
        done(false);
      });
      channel.bind("notification.new", (data: NewNotificationPayload & { data?: { listing_id?: string } }) => {
        if (phase === "live" && b.signalAt === null) {
          b.signalAt = now();
          b.listingId = data?.data?.listing_id ?? null;
        }
        if (s.client === "patch") applySignal(b, data);
        else void refresh(b);
      });
      for (const name of ["notification.read", "notifications.bulk_read", "notifications.changed"]) channel.bind(name, () => void refresh(b));
    });
  }

  process.on("message", (msg: ToBrowsers) => {
    if (msg.type === "setup") {
      setup = msg;
      for (const spec of msg.browsers) {
        browsers.push({
          spec,
          agent: new http.Agent({ keepAlive: true, maxSockets: 6, timeout: 4000 }),
          cookieHeader: `${COOKIE_NAME}=${spec.cookie}`,
          inFlight: false,
          again: false,
          baseline: null,
          signalAt: null,
          shownAt: null,
          badge: null,
          listingId: null,
          count: null,
          list: null,
        });
      }
      void (async () => {
        let next = 0;
        let subscribed = 0;
        let initialOk = 0;
        const progress = setInterval(() => send({ type: "progress", subscribed }), 2000);
        const worker = async () => {
          while (next < browsers.length) {
            const b = browsers[next++]!;
            if (await connect(b)) subscribed++;
            if (b.baseline !== null) initialOk++;
          }
        };
        await Promise.all(Array.from({ length: CONNECT_PARALLEL }, worker));
        clearInterval(progress);
        phase = "live";
        send({ type: "ready", subscribed, initialOk, errors: { ...errors } });
      })().catch((err: unknown) => send({ type: "fatal", message: String(err) }));
    } else if (msg.type === "posted") {
      posted = msg.listingId;
    } else if (msg.type === "read") {
      // Closed loop: each of the first `readers` browsers sends the inbox's batched GET again as soon as the
      // last answer is in, for `seconds`.
      const latencies: number[] = [];
      const failures: Record<string, number> = {};
      const until = now() + msg.seconds * 1000;
      const loop = async (b: Browser) => {
        while (now() < until) {
          const start = now();
          try {
            const r = await request(b, "GET", msg.path ?? setup!.refetchPath);
            if (r.status === 200) latencies.push(now() - start);
            else failures[`HTTP ${r.status}`] = (failures[`HTTP ${r.status}`] ?? 0) + 1;
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code ?? "error";
            failures[code] = (failures[code] ?? 0) + 1;
          }
        }
      };
      void Promise.all(browsers.slice(0, msg.readers).map(loop)).then(() => send({ type: "read-results", latencies, errors: failures }));
    } else if (msg.type === "reset") {
      // The next post: what each browser's cache shows now is its new "before".
      for (const b of browsers) {
        b.baseline = b.count?.count ?? null;
        b.signalAt = b.shownAt = b.badge = null;
        b.listingId = null;
      }
      for (const k of Object.keys(errors)) if (k.startsWith("live:")) delete errors[k];
      posted = null;
      shown = 0;
      allShownSent = false;
      answers.length = 0;
      send({ type: "reset-done" });
    } else if (msg.type === "collect") {
      let badgeRight = 0;
      let badgeWrong = 0;
      for (const b of browsers) {
        if (b.shownAt === null) continue;
        if (b.baseline !== null && b.badge === b.baseline + 1) badgeRight++;
        else badgeWrong++;
      }
      send({
        type: "results",
        signalAt: browsers.map((b) => b.signalAt),
        shownAt: browsers.map((b) => b.shownAt),
        badgeRight,
        badgeWrong,
        answers,
        errors,
        cpuTicks: procCpuTicks("self"),
      });
    } else if (msg.type === "stop") {
      for (const b of browsers) {
        b.pusher?.disconnect();
        b.agent.destroy();
      }
      setTimeout(() => process.exit(0), 200);
    }
  });
  process.on("disconnect", () => process.exit(0));
}

// ----- the orchestrator -------------------------------------------------------------------------------

type Kind = "PostgreSQL" | "PGlite";

interface Row {
  label: string;
  kind: Kind;
  n: number;
  processes: number;
  connectS: number;
  connectErrors: Record<string, number>;
  subscribed: number;
  postMs: number;
  signal: { got: number; p50: number; p99: number; last: number };
  shown: { got: number; p50: number; p99: number; last: number };
  badgeRight: number;
  badgeWrong: number;
  errors: Record<string, number>;
  requests: number;
  windowS: number;
  cpu: { app: number; herald: number; postgres: number; browsers: number };
  listenOverflows: number;
  retransmits: number;
  note: string;
  /** With several posts: the inbox p99 of each (ms); the row's other numbers are those of the median post. */
  p99s?: number[];
  /** The read phase (`--readers`), when measured. */
  reads?: Reads;
}

/** `--readers` users reading their inbox (list + unread count, one batched GET) in a closed loop. */
interface Reads {
  readers: number;
  seconds: number;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  errors: Record<string, number>;
  cpu: { app: number; herald: number; postgres: number; browsers: number };
  /** The same closed loop on the liveness route (`FLOOR_PATH`): what the web process costs per request. */
  floor?: { requests: number; p50: number; p95: number; p99: number; appCpu: number };
}

/** The floor of the read phase: the cheapest route handler the app has (no session, no database). */
const FLOOR_PATH = "/api/health/live";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const CLK_TCK = Number(shell("getconf CLK_TCK")) || 100;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Every process below `root` (by /proc ppid), with its command line. */
function descendants(root: number): { pid: number; cmd: string; comm: string }[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      /* gone */
    }
  }
  const out: { pid: number; cmd: string; comm: string }[] = [];
  const walk = (p: number) => {
    for (const [pid, pp] of parent) {
      if (pp !== p) continue;
      try {
        out.push({ pid, cmd: readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " "), comm: readFileSync(`/proc/${pid}/comm`, "utf8").trim() });
      } catch {
        continue;
      }
      walk(pid);
    }
  };
  walk(root);
  return out;
}

/** TCP counters of the kernel: listen-queue overflows and retransmitted segments. */
function tcpCounters(): { listenOverflows: number; retransmits: number } {
  const pick = (file: string, prefix: string, name: string) => {
    const lines = readFileSync(file, "utf8").split("\n").filter((l) => l.startsWith(`${prefix}:`));
    const keys = lines[0]?.split(/\s+/) ?? [];
    const values = lines[1]?.split(/\s+/) ?? [];
    return Number(values[keys.indexOf(name)] ?? 0);
  };
  return { listenOverflows: pick("/proc/net/netstat", "TcpExt", "ListenOverflows"), retransmits: pick("/proc/net/snmp", "Tcp", "RetransSegs") };
}

interface CpuSnapshot {
  at: number;
  app: number;
  herald: number;
  /** Ticks per `postgres` process (backends come and go: deltas are taken per pid). */
  postgres: Map<number, number>;
}

/** CPU ticks of the `postgres` processes between two snapshots: per pid, a new one counted from 0 (one that
 * exited in between is lost: an undercount, small with a connection pool that stays open). */
function postgresDelta(a: CpuSnapshot, b: CpuSnapshot): number {
  let ticks = 0;
  for (const [pid, t] of b.postgres) ticks += t - (a.postgres.get(pid) ?? 0);
  return ticks;
}

/**
 * A CPU profile of a running process over one post (`--profile app|herald`): opens its inspector with
 * SIGUSR1 (Node's documented way to attach to a running process; it listens on 127.0.0.1:9229) and drives
 * the V8 profiler over the DevTools protocol.
 * @returns `stop`, which writes the profile to `file` (open it in Chrome DevTools or speedscope)
 */
async function startProfile(pid: number, file: string): Promise<{ stop(): Promise<void> }> {
  const { default: WebSocket } = await import("ws");
  process.kill(pid, "SIGUSR1");
  let url: string | undefined;
  for (let i = 0; i < 50 && !url; i++) {
    await sleep(100);
    url = await fetch("http://127.0.0.1:9229/json/list")
      .then((r) => r.json() as Promise<{ webSocketDebuggerUrl: string }[]>)
      .then((l) => l[0]?.webSocketDebuggerUrl)
      .catch(() => undefined);
  }
  if (!url) throw new Error(`no inspector for pid ${pid} on 127.0.0.1:9229`);
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  let id = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const me = ++id;
      const onMessage = (raw: Buffer) => {
        const m = JSON.parse(raw.toString()) as { id?: number; result?: Record<string, unknown> };
        if (m.id !== me) return;
        ws.off("message", onMessage);
        resolve(m.result ?? {});
      };
      ws.on("message", onMessage);
      ws.send(JSON.stringify({ id: me, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 200 });
  await call("Profiler.start");
  return {
    async stop() {
      const { profile } = await call("Profiler.stop");
      writeFileSync(file, JSON.stringify(profile));
      ws.close();
      console.log(`wrote ${file}`);
    },
  };
}

function cpuSnapshot(app: { nextPids: number[]; heraldPids: number[] }): CpuSnapshot {
  const sum = (pids: number[]) => pids.reduce((a, p) => a + procCpuTicks(p), 0);
  return { at: now(), app: sum(app.nextPids), herald: sum(app.heraldPids), postgres: new Map(postgresPids().map((p) => [p, procCpuTicks(p)])) };
}

/** The refetch GET the inbox page sends on a signal, captured from the real tRPC client. */
async function captureRefetchPath(): Promise<{ path: string; headers: Record<string, string> }> {
  const { createTRPCClient, httpBatchLink } = await import("@trpc/client");
  const { createTRPCOptionsProxy } = await import("@trpc/tanstack-react-query");
  const { QueryClient } = await import("@tanstack/react-query");
  const { default: superjson } = await import("superjson");
  const captured: { url: string; headers: Record<string, string> }[] = [];
  const client = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: "http://capture.invalid/api/trpc",
        transformer: superjson,
        fetch: (url, init) => {
          captured.push({ url: String(url), headers: Object.fromEntries(new Headers(init?.headers as HeadersInit | undefined)) });
          return Promise.reject(new Error("captured"));
        },
      }),
    ],
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const trpc = createTRPCOptionsProxy<AppRouter>({ client, queryClient });
  // What /notifications mounts (components/inbox/notification-bell.tsx, then components/inbox/inbox.tsx):
  // the bell's unreadCount (the inbox's is the same query) and the inbox's infinite list (filter "all",
  // type "" → undefined, 20, grouped). The bell's own list is enabled only while its dropdown is open.
  const type: string = "";
  await Promise.allSettled([
    queryClient.fetchQuery(trpc.notifications.unreadCount.queryOptions()),
    queryClient.fetchInfiniteQuery(
      trpc.notifications.list.infiniteQueryOptions(
        { filter: "all", type: (type || undefined) as undefined, limit: 20, grouped: true },
        { getNextPageParam: (last: { nextCursor?: string | null }) => last.nextCursor ?? undefined },
      ),
    ),
  ]);
  if (captured.length !== 1) throw new Error(`expected one batched GET, captured ${captured.length}: ${captured.map((c) => c.url).join(" ")}`);
  const url = new URL(captured[0]!.url);
  return { path: `${url.pathname}${url.search}`, headers: captured[0]!.headers };
}

async function prepareDatabase(kind: Kind): Promise<void> {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(DATA_DIR, { recursive: true });
  if (kind === "PostgreSQL") {
    const { default: pg } = await import("pg");
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query("DROP DATABASE IF EXISTS herald_live WITH (FORCE)");
    await admin.query("CREATE DATABASE herald_live");
    await admin.end();
    const { migrate } = await import("../server/db/migrate");
    await migrate(PG_URL);
  }
}

interface App {
  proc: ChildProcess;
  port: number;
  wsPort: number;
  databaseUrl: string;
  nextPids: number[];
  heraldPids: number[];
  log: string;
}

async function startApp(kind: Kind, secret: string, tag: string): Promise<App> {
  const port = await freePort();
  const log = path.join(DATA_DIR, `app-${tag}.log`);
  const out = openSync(log, "a");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HERALD_REALTIME_PORT: "0",
    HERALD_JOBS_PORT: "0",
    HERALD_DATA_DIR: DATA_DIR,
    HERALD_SEED: "false",
    HERALD_TRUSTED_PROXIES: "1",
    APP_URL: `http://${HOST}:${port}`,
    NEXTAUTH_URL: `http://${HOST}:${port}`,
    NEXTAUTH_SECRET: secret,
    NODE_ENV: "production",
  };
  if (kind === "PostgreSQL") env.DATABASE_URL = PG_URL;
  else delete env.DATABASE_URL;
  const proc = spawn(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/herald.ts", "start"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", out, out],
    detached: true, // its own process group, stopped by its id at the end
  });
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the app exited (${proc.exitCode}); see ${log}`);
    if (readFileSync(log, "utf8").includes("[herald] ready on")) break;
    if (Date.now() > deadline) throw new Error(`the app did not start within 180 s; see ${log}`);
    await sleep(250);
  }
  const runtime = JSON.parse(readFileSync(path.join(DATA_DIR, "runtime.json"), "utf8")) as { databaseUrl: string; pusherPort: string };
  const procs = descendants(proc.pid!);
  const nextPids = procs.filter((p) => p.comm.startsWith("next-server") || /next\/dist\/bin\/next /.test(p.cmd)).map((p) => p.pid);
  const heraldPids = procs.filter((p) => p.cmd.includes("scripts/herald.ts") && !p.cmd.includes("tsx/dist/cli.mjs")).map((p) => p.pid);
  return { proc, port, wsPort: Number(runtime.pusherPort), databaseUrl: runtime.databaseUrl, nextPids, heraldPids, log };
}

async function stopApp(app: App): Promise<void> {
  if (app.proc.exitCode !== null) return;
  const exited = new Promise((resolve) => app.proc.once("exit", resolve));
  try {
    process.kill(-app.proc.pid!, "SIGTERM");
  } catch {
    /* gone */
  }
  await Promise.race([exited, sleep(20_000)]);
  try {
    process.kill(-app.proc.pid!, "SIGKILL");
  } catch {
    /* gone */
  }
}

interface Seeded {
  ownerCookie: string;
  warmCookie: string;
  businessId: string;
  followers: BrowserSpec[];
}

async function seed(databaseUrl: string, n: number, secret: string): Promise<Seeded> {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { PrismaClient } = await import("../server/generated/prisma/client");
  const factory = await import("../prisma/factory");
  const { encode } = await import("next-auth/jwt");
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 4 }) });
  try {
    // A second business whose 20 followers are never online: its post warms the fan-out path (executor →
    // /api/inngest → functions) before the measured post, so that post does not pay first-use costs.
    const warm = await factory.createBusiness(db, { name: "Live Bench Warm-up" });
    await factory.createFollowers(db, warm.business.id, 20, { emailEnabled: false });
    const { owner, business } = await factory.createBusiness(db, { name: "Live Bench Bakery" });
    await factory.createFollowers(db, business.id, n, { emailEnabled: false });
    const ua = "herald-bench-live";
    // One auth_sessions row per follower and one for the owner: set-based.
    const rows = await db.$queryRaw<{ sid: string; id: string; name: string; email: string; role: Role }[]>`
      WITH s AS (
        INSERT INTO auth_sessions (user_id, expires_at, user_agent)
        SELECT f.user_id, now() + make_interval(secs => ${SESSION_MAX_AGE_S}::float8), ${ua}
        FROM follows f WHERE f.business_id = ${business.id}::uuid
        UNION ALL SELECT ${owner.id}::uuid, now() + make_interval(secs => ${SESSION_MAX_AGE_S}::float8), ${ua}
        UNION ALL SELECT ${warm.owner.id}::uuid, now() + make_interval(secs => ${SESSION_MAX_AGE_S}::float8), ${ua}
        RETURNING id, user_id)
      SELECT s.id::text AS sid, u.id::text AS id, u.name, u.email, u.role::text AS role FROM s JOIN users u ON u.id = s.user_id`;
    await db.$executeRawUnsafe("ANALYZE");
    if (rows.length !== n + 2) throw new Error(`inserted ${rows.length} sessions, expected ${n + 2}`);
    const cookieOf = (r: (typeof rows)[number]) =>
      encode({ token: { id: r.id, sub: r.id, role: r.role, sid: r.sid, name: r.name, email: r.email }, secret, maxAge: SESSION_MAX_AGE_S });
    const ownerRow = rows.find((r) => r.id === owner.id)!;
    const warmRow = rows.find((r) => r.id === warm.owner.id)!;
    const followers: BrowserSpec[] = [];
    let i = 0;
    for (const r of rows) {
      if (r.id === owner.id || r.id === warm.owner.id) continue;
      const k = i++;
      followers.push({ userId: r.id, cookie: await cookieOf(r), xff: `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}` });
    }
    return { ownerCookie: await cookieOf(ownerRow), warmCookie: await cookieOf(warmRow), businessId: business.id, followers };
  } finally {
    await db.$disconnect();
  }
}

/** The public realtime config the page hands to the browser (key, cluster), read from /notifications. */
async function realtimeConfig(port: number, cookie: string): Promise<{ key: string; cluster: string }> {
  const res = await fetch(`http://${HOST}:${port}/notifications`, { headers: { cookie: `${COOKIE_NAME}=${cookie}`, "x-forwarded-for": "10.255.255.254" }, redirect: "manual" });
  const html = await res.text();
  const m = /key\\*":\\*"([^"\\]+)\\*",\\*"cluster\\*":\\*"([^"\\]+)/.exec(html);
  if (res.status !== 200 || !m) throw new Error(`could not read the realtime config from /notifications (HTTP ${res.status})`);
  return { key: m[1]!, cluster: m[2]! };
}

async function postListing(port: number, ownerCookie: string): Promise<{ id: string; ms: number }> {
  const { default: superjson } = await import("superjson");
  const start = new Date(Date.now() + 3_600_000);
  const input = {
    title: "Live bench bagels",
    description: "A bag of today's bagels.",
    priceCents: 4500,
    pickupStart: start,
    pickupEnd: new Date(start.getTime() + 2 * 3_600_000),
    expiresAt: new Date(start.getTime() + 2 * 3_600_000),
  };
  const t = now();
  const res = await fetch(`http://${HOST}:${port}/api/trpc/listings.create?batch=1`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      cookie: `${COOKIE_NAME}=${ownerCookie}`,
      origin: `http://${HOST}:${port}`,
      "sec-fetch-site": "same-origin",
      "x-forwarded-for": "10.255.255.253",
    },
    body: JSON.stringify({ 0: superjson.serialize(input) }),
  });
  const text = await res.text();
  const ms = now() - t;
  if (res.status !== 200) throw new Error(`listings.create answered ${res.status}: ${text.slice(0, 300)}`);
  const id = (JSON.parse(text) as { result: { data: { json: { id: string } } } }[])[0]!.result.data.json.id;
  return { id, ms };
}

function waitFor<T extends ToParent["type"]>(child: ChildProcess, type: T, timeoutMs: number): Promise<Extract<ToParent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for "${type}"`));
    }, timeoutMs);
    const onMessage = (msg: ToParent) => {
      if (msg.type === "fatal") {
        cleanup();
        reject(new Error(`browser process: ${msg.message}`));
      } else if (msg.type === type) {
        cleanup();
        resolve(msg as Extract<ToParent, { type: T }>);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`browser process exited (${code}) before "${type}"`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

function mergeCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

const stats = (xs: number[]) => ({ got: xs.length, p50: percentile(xs, 50), p99: percentile(xs, 99), last: xs.length ? Math.max(...xs) : NaN });

/** What the run under way started (so that its watchdog can stop exactly those processes). */
const current: { app: App | null; children: ChildProcess[] } = { app: null, children: [] };

async function stopCurrent(): Promise<void> {
  for (const c of current.children) {
    if (c.exitCode === null && c.connected) c.send({ type: "stop" } satisfies ToBrowsers);
  }
  await sleep(1000);
  for (const c of current.children) if (c.exitCode === null) c.kill("SIGKILL");
  if (current.app) await stopApp(current.app);
  current.children = [];
  current.app = null;
}

async function measure(
  kind: Kind,
  n: number,
  opts: { perProcess: number; deadlineS: number; label: string; refetchPath: string; client: ClientMode; posts: number; readers: number; readSeconds: number },
): Promise<Row> {
  const tag = `${kind === "PostgreSQL" ? "pg" : "pglite"}-${n}`;
  const secret = `live-bench-${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("hex")}`;
  console.log(`\n=== ${kind}, N = ${n.toLocaleString("en-US")} ===`);
  await prepareDatabase(kind);
  const app = await startApp(kind, secret, tag);
  const children: ChildProcess[] = [];
  current.app = app;
  current.children = children;
  try {
    console.log(`app on http://${HOST}:${app.port} (next-server pids ${app.nextPids.join(",") || "?"}, herald.ts ${app.heraldPids.join(",") || "?"}), realtime ws port ${app.wsPort}`);
    const seeded = await seed(app.databaseUrl, n, secret);
    const rt = await realtimeConfig(app.port, seeded.followers[0]!.cookie);
    console.log(`seeded 1 business, ${n} followers, ${n + 1} sessions; realtime key ${rt.key.slice(0, 4)}…, cluster ${rt.cluster}`);

    const processes = Math.max(1, Math.ceil(n / opts.perProcess));
    const parts = Array.from({ length: processes }, (_, p) => seeded.followers.filter((_, i) => i % processes === p));
    const tConnect = now();
    for (const part of parts) {
      const child = fork(SCRIPT, ["--role", "browsers"], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: process.execArgv });
      children.push(child);
      child.send({ type: "setup", port: app.port, wsPort: app.wsPort, key: rt.key, cluster: rt.cluster, refetchPath: opts.refetchPath, client: opts.client, browsers: part } satisfies Setup);
    }
    let lastLog = 0;
    const progress = new Map<ChildProcess, number>();
    for (const c of children)
      c.on("message", (m: ToParent) => {
        if (m.type !== "progress") return;
        progress.set(c, m.subscribed);
        if (Date.now() - lastLog > 5000) {
          lastLog = Date.now();
          console.log(`  connecting: ${[...progress.values()].reduce((a, b) => a + b, 0)} / ${n} subscribed`);
        }
      });
    const ready = await Promise.all(children.map((c) => waitFor(c, "ready", 420_000)));
    const connectS = (now() - tConnect) / 1000;
    const connectErrors: Record<string, number> = {};
    for (const r of ready) mergeCounts(connectErrors, r.errors);
    const subscribed = ready.reduce((a, r) => a + r.subscribed, 0);
    const initialOk = ready.reduce((a, r) => a + r.initialOk, 0);
    console.log(`connected: ${subscribed} / ${n} subscribed, ${initialOk} first refetches ok, in ${connectS.toFixed(1)} s; errors ${JSON.stringify(connectErrors)}`);

    const warmPost = await postListing(app.port, seeded.warmCookie);
    console.log(`warm-up listing by another business (20 offline followers) answered in ${warmPost.ms.toFixed(0)} ms`);
    const posts: Row[] = [];
    for (let k = 0; k < opts.posts; k++) {
      // Quiet: the warm-up fan-out (or the previous post's legs) and the connect phase's work drained, idle
      // keep-alive sockets closed (as for a browser that sat on the page), as before any post.
      await sleep(7000);
      if (k > 0) {
        const acks = children.map((c) => waitFor(c, "reset-done", 10_000));
        for (const c of children) c.send({ type: "reset" } satisfies ToBrowsers);
        await Promise.all(acks);
      }
      const allShown = Promise.all(children.map((c) => waitFor(c, "all-shown", opts.deadlineS * 1000).then(() => true, () => false)));
      const profiled = arg("profile") === "app" ? app.nextPids[0] : arg("profile") === "herald" ? app.heraldPids[0] : undefined;
      const profile = profiled === undefined ? null : await startProfile(profiled, path.join(DATA_DIR, `${arg("profile")}-${tag}-post${k + 1}.cpuprofile`));
      const cpu0 = cpuSnapshot(app);
      const tcp0 = tcpCounters();
      const browserTicks0 = children.reduce((a, c) => a + procCpuTicks(c.pid!), 0);
      const t0 = now();
      const post = await postListing(app.port, seeded.ownerCookie);
      for (const c of children) c.send({ type: "posted", listingId: post.id } satisfies ToBrowsers);
      console.log(`posted listing ${post.id} (listings.create answered in ${post.ms.toFixed(0)} ms); waiting up to ${opts.deadlineS} s`);
      const everyone = await allShown;
      const cpu1 = cpuSnapshot(app);
      const tcp1 = tcpCounters();
      await profile?.stop();

      const results = await Promise.all(
        children.map((c) => {
          const r = waitFor(c, "results", 60_000);
          c.send({ type: "collect" } satisfies ToBrowsers);
          return r;
        }),
      );
      const signals: number[] = [];
      const shown: number[] = [];
      const answers: number[] = [];
      const errors: Record<string, number> = {};
      let badgeRight = 0;
      let badgeWrong = 0;
      let browserTicks1 = 0;
      for (const r of results) {
        for (const s of r.signalAt) if (s !== null) signals.push(s - t0);
        for (const s of r.shownAt) if (s !== null) shown.push(s - t0);
        answers.push(...r.answers);
        mergeCounts(errors, r.errors);
        badgeRight += r.badgeRight;
        badgeWrong += r.badgeWrong;
        browserTicks1 += r.cpuTicks;
      }
      const lastShown = shown.length ? Math.max(...shown) : now() - t0;
      const windowMs = everyone.every(Boolean) ? lastShown : cpu1.at - t0;
      const requests = answers.filter((a) => a - t0 <= windowMs).length;
      const wallS = (cpu1.at - cpu0.at) / 1000;
      const pct = (ticks: number) => (ticks / CLK_TCK / wallS) * 100;
      if (signals.length < n) errors["no signal by the deadline"] = n - signals.length;
      if (shown.length < n) errors["post not in the inbox by the deadline"] = n - shown.length;
      const row: Row = {
        label: opts.label,
        kind,
        n,
        processes,
        connectS,
        connectErrors,
        subscribed,
        postMs: post.ms,
        signal: stats(signals),
        shown: stats(shown),
        badgeRight,
        badgeWrong,
        errors,
        requests,
        windowS: windowMs / 1000,
        cpu: {
          app: pct(cpu1.app - cpu0.app),
          herald: pct(cpu1.herald - cpu0.herald),
          postgres: pct(postgresDelta(cpu0, cpu1)),
          browsers: pct(browserTicks1 - browserTicks0),
        },
        listenOverflows: tcp1.listenOverflows - tcp0.listenOverflows,
        retransmits: tcp1.retransmits - tcp0.retransmits,
        note: "",
      };
      console.log(`post ${k + 1} of ${opts.posts}: ${formatRow(row)}`);
      console.log(`errors: ${JSON.stringify(errors)}`);
      posts.push(row);
    }
    // The post with the median inbox p99 stands for the run; every post's p99 is listed with it.
    const byP99 = [...posts].sort((x, y) => x.shown.p99 - y.shown.p99);
    const row: Row = { ...byP99[Math.floor((byP99.length - 1) / 2)]!, p99s: posts.map((p) => p.shown.p99) };
    if (opts.readers > 0) row.reads = await measureReads(app, children, opts.readers, opts.readSeconds, tag);
    console.log(formatRow(row));
    return row;
  } finally {
    await stopCurrent();
  }
}

/**
 * The read phase: after the posts and 3 s of quiet, `readers` of the connected browsers (spread over the
 * browser processes) each send the inbox's batched GET in a closed loop for `seconds`.
 */
async function measureReads(app: App, children: ChildProcess[], readers: number, seconds: number, tag: string): Promise<Reads> {
  // The floor first, then the inbox; each after 3 s of quiet.
  const floor = await closedLoop(app, children, readers, seconds, FLOOR_PATH, null);
  const profiled = arg("profile") === "app" ? app.nextPids[0] : arg("profile") === "herald" ? app.heraldPids[0] : undefined;
  const profilePath = profiled === undefined ? null : path.join(DATA_DIR, `${arg("profile")}-${tag}-reads.cpuprofile`);
  const inbox = await closedLoop(app, children, readers, seconds, undefined, profiled === undefined ? null : { pid: profiled, file: profilePath! });
  const reads: Reads = {
    ...inbox,
    readers,
    seconds,
    floor: { requests: floor.requests, p50: floor.p50, p95: floor.p95, p99: floor.p99, appCpu: floor.cpu.app },
  };
  const ms = (r: { p50: number; p95: number; p99: number }) => [r.p50, r.p95, r.p99].map((x) => x.toFixed(0)).join(" / ");
  console.log(
    `reads: ${readers} readers, ${Math.round(reads.requests / seconds)} requests/s, p50 / p95 / p99 ${ms(reads)} ms; CPU app ${reads.cpu.app.toFixed(0)}%, ` +
      `PostgreSQL ${reads.cpu.postgres.toFixed(0)}%, herald.ts ${reads.cpu.herald.toFixed(0)}%, browsers ${reads.cpu.browsers.toFixed(0)}%; ` +
      `floor (${FLOOR_PATH}) ${Math.round(floor.requests / seconds)} requests/s, ${ms(floor)} ms, app CPU ${floor.cpu.app.toFixed(0)}%`,
  );
  return reads;
}

/**
 * One closed-loop phase: after 3 s of quiet, `readers` of the connected browsers (spread over the browser
 * processes) each send GET `path` (default: the inbox's batched GET) again as soon as the last answer is
 * in, for `seconds`; with `profile`, a V8 CPU profile of that process over the phase.
 */
async function closedLoop(
  app: App,
  children: ChildProcess[],
  readers: number,
  seconds: number,
  path_: string | undefined,
  profile: { pid: number; file: string } | null,
): Promise<Omit<Reads, "readers" | "seconds" | "floor">> {
  await sleep(3000);
  const profiler = profile ? await startProfile(profile.pid, profile.file) : null;
  const results = children.map((c) => waitFor(c, "read-results", (seconds + 60) * 1000));
  const cpu0 = cpuSnapshot(app);
  const browserTicks0 = children.reduce((a, c) => a + procCpuTicks(c.pid!), 0);
  children.forEach((c, i) => {
    const share = Math.floor(readers / children.length) + (i < readers % children.length ? 1 : 0);
    c.send({ type: "read", readers: share, seconds, path: path_ } satisfies ToBrowsers);
  });
  const all = await Promise.all(results);
  const cpu1 = cpuSnapshot(app);
  const browserTicks1 = children.reduce((a, c) => a + procCpuTicks(c.pid!), 0);
  await profiler?.stop();
  const wallS = (cpu1.at - cpu0.at) / 1000;
  const pct = (ticks: number) => (ticks / CLK_TCK / wallS) * 100;
  const latencies = all.flatMap((r) => r.latencies);
  const errors: Record<string, number> = {};
  for (const r of all) mergeCounts(errors, r.errors);
  return {
    requests: latencies.length,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
    cpu: { app: pct(cpu1.app - cpu0.app), herald: pct(cpu1.herald - cpu0.herald), postgres: pct(postgresDelta(cpu0, cpu1)), browsers: pct(browserTicks1 - browserTicks0) },
  };
}

const s = (x: number) => (Number.isFinite(x) ? `${(x / 1000).toFixed(2)}` : "–");
const int = (x: number) => Math.round(x).toLocaleString("en-US");
const errorTotal = (e: Record<string, number>) => Object.entries(e).filter(([k]) => !/failed after|failed \(no retry/.test(k)).reduce((a, [, v]) => a + v, 0);

function formatRow(r: Row): string {
  const errs = errorTotal(r.errors);
  const detail = Object.entries(r.errors)
    .map(([k, v]) => `${k.replace(/^live: /, "")}: ${int(v)}`)
    .join("; ");
  return (
    `| ${r.label} | ${int(r.n)} | ${r.kind} | ${s(r.signal.p50)} / ${s(r.signal.p99)} / ${s(r.signal.last)}${r.signal.got < r.n ? ` (${int(r.signal.got)} got it)` : ""} ` +
    `| ${s(r.shown.p50)} / ${s(r.shown.p99)} / ${s(r.shown.last)}${r.shown.got < r.n ? ` (${int(r.shown.got)} saw it)` : ""}` +
    `${r.p99s && r.p99s.length > 1 ? ` (median of ${r.p99s.length} posts by p99; p99 of each: ${r.p99s.map(s).join(", ")})` : ""} ` +
    `| ${int(r.badgeRight)}${r.badgeWrong ? ` (${int(r.badgeWrong)} wrong)` : ""} | ${errs ? `${int(errs)} (${detail})` : "0"} | ${int(r.requests / r.windowS)} ` +
    `| ${r.cpu.app.toFixed(0)}% | ${r.kind === "PostgreSQL" ? `${r.cpu.postgres.toFixed(0)}%` : "(in herald.ts)"} | ${r.cpu.herald.toFixed(0)}% | ${r.cpu.browsers.toFixed(0)}% (${r.processes}) ` +
    `| ${int(r.listenOverflows)} / ${int(r.retransmits)} | ${r.connectS.toFixed(0)} s${errorTotal(r.connectErrors) ? `, ${JSON.stringify(r.connectErrors)}` : ""} |`
  );
}

const READS_HEAD =
  "| N online | database | readers | requests/s | p50 / p95 / p99 | errors | app CPU | PostgreSQL CPU | herald.ts CPU | browsers CPU | floor (GET /api/health/live): requests/s, p50 / p95 / p99, app CPU |\n" +
  "|---|---|---|---|---|---|---|---|---|---|---|";

function formatReads(r: Row): string {
  const x = r.reads!;
  const errs = Object.values(x.errors).reduce((a, b) => a + b, 0);
  const msF = (v: number) => `${v.toFixed(0)} ms`;
  return (
    `| ${int(r.n)} | ${r.kind} | ${x.readers} | ${int(x.requests / x.seconds)} | ${msF(x.p50)} / ${msF(x.p95)} / ${msF(x.p99)} ` +
    `| ${errs ? `${int(errs)} (${JSON.stringify(x.errors)})` : "0"} | ${x.cpu.app.toFixed(0)}% | ${r.kind === "PostgreSQL" ? `${x.cpu.postgres.toFixed(0)}%` : "(in herald.ts)"} ` +
    `| ${x.cpu.herald.toFixed(0)}% | ${x.cpu.browsers.toFixed(0)}% ` +
    `| ${x.floor ? `${int(x.floor.requests / x.seconds)}, ${msF(x.floor.p50)} / ${msF(x.floor.p95)} / ${msF(x.floor.p99)}, ${x.floor.appCpu.toFixed(0)}%` : "–"} |`
  );
}

const TABLE_HEAD =
  "| variant | N online | database | signal p50 / p99 / last (s) | inbox shows the post p50 / p99 / last (s) | badge right | errors | requests/s | app CPU | PostgreSQL CPU | herald.ts CPU | browsers CPU (processes) | listen overflows / TCP retransmits | connect all N |\n" +
  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

async function runOrchestrator(): Promise<void> {
  const dbArg = arg("db");
  const kinds: Kind[] = dbArg === "postgres" ? ["PostgreSQL"] : dbArg === "pglite" ? ["PGlite"] : ["PostgreSQL", "PGlite"];
  const nArg = arg("n");
  const sizes = (kind: Kind) => (nArg ? nArg.split(",").map(Number) : kind === "PostgreSQL" ? [1000, 5000, 10000] : [1000, 5000]);
  const perProcess = Number(arg("per-process") ?? 2500);
  const deadlineS = Number(arg("deadline") ?? 240);
  const posts = Math.max(1, Number(arg("posts") ?? 3));
  const readers = Math.max(0, Number(arg("readers") ?? 50));
  const readSeconds = Math.max(1, Number(arg("read-seconds") ?? 15));
  const runTimeoutS = Number(arg("run-timeout") ?? 600);
  const client: ClientMode = arg("client") === "refetch" ? "refetch" : "patch";
  const label = arg("label") ?? (client === "patch" ? "after (cache patching)" : "refetch on every signal");
  const write = !process.argv.includes("--no-write");
  const maxN = Math.max(...kinds.flatMap(sizes));
  if (ensureFileLimit(Math.max(4096, 2 * maxN + 2048), { onTooLow: "warn" }) === "reexec") return;

  if (!process.argv.includes("--no-build")) {
    console.log("building (npm run build under /tmp/herald-e2e.lock)…");
    const b = spawnSync("flock", ["/tmp/herald-e2e.lock", "npm", "run", "build"], { cwd: ROOT, stdio: "inherit" });
    if (b.status !== 0) throw new Error("npm run build failed");
  }
  const capture = await captureRefetchPath();
  console.log(`refetch on a signal (captured from @trpc/client httpBatchLink): GET ${capture.path}`);
  console.log(`  tRPC client headers: ${JSON.stringify(capture.headers)}`);

  const rows: Row[] = [];
  for (const kind of kinds) {
    for (const n of sizes(kind)) {
      let timer: NodeJS.Timeout | undefined;
      const watchdog = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`watchdog: the run took more than ${runTimeoutS} s`)), runTimeoutS * 1000);
      });
      try {
        const run = measure(kind, n, { perProcess, deadlineS, label, refetchPath: capture.path, client, posts, readers, readSeconds });
        run.catch(() => undefined); // after a watchdog, its own failure is not news
        rows.push(await Promise.race([run, watchdog]));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        console.error(`${kind} N=${n}: ${message}`);
        rows.push({
          label,
          kind,
          n,
          processes: 0,
          connectS: NaN,
          connectErrors: {},
          subscribed: 0,
          postMs: NaN,
          signal: stats([]),
          shown: stats([]),
          badgeRight: 0,
          badgeWrong: 0,
          errors: { [`run failed: ${message.slice(0, 160)}`]: 1 },
          requests: 0,
          windowS: 1,
          cpu: { app: NaN, herald: NaN, postgres: NaN, browsers: NaN },
          listenOverflows: 0,
          retransmits: 0,
          note: message,
        });
        // A run stopped by the watchdog may have left its app and browsers: stop the ones this run started.
        await stopCurrent();
      } finally {
        clearTimeout(timer);
      }
    }
  }

  // Rows already in RESULTS.md for another variant, database or N (e.g. the "after" rows, or the other
  // database of an earlier invocation) are kept; the ones measured now replace theirs.
  const key = (line: string) => line.split("|").slice(1, 4).map((c) => c.trim()).join("|");
  const fresh = rows.map(formatRow);
  const freshKeys = new Set(fresh.map(key));
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, "utf8").split("\n") : [];
  const start = old.findIndex((l) => l.trim() === `## ${HEADING}`);
  const kept: string[] = [];
  const keptReads: string[] = [];
  const readsKey = (line: string) => line.split("|").slice(1, 3).map((c) => c.trim()).join("|");
  const freshReads = rows.filter((r) => r.reads).map(formatReads);
  const freshReadsKeys = new Set(freshReads.map(readsKey));
  if (start >= 0) {
    let inReads = false;
    for (let i = start + 1; i < old.length && !/^## /.test(old[i]!); i++) {
      const l = old[i]!;
      if (l.startsWith("| N online")) inReads = true;
      if (!l.startsWith("| ") || l.startsWith("| variant") || l.startsWith("| N online")) continue;
      if (inReads && !freshReadsKeys.has(readsKey(l))) keptReads.push(l);
      else if (!inReads && !freshKeys.has(key(l))) kept.push(l);
    }
  }
  const order = (l: string) => {
    const [label, n, db] = l.split("|").slice(1, 4).map((c) => c.trim());
    return `${label}|${db === "PostgreSQL" ? 0 : 1}|${String(Number(n!.replace(/,/g, ""))).padStart(8, "0")}`;
  };
  const allRows = [...kept, ...fresh].sort((a, b) => order(a).localeCompare(order(b)));
  const table = `${TABLE_HEAD}\n${allRows.join("\n")}`;
  const readsRows = [...keptReads, ...freshReads].sort((a, b) => order(`x|${a}`).localeCompare(order(`x|${b}`)));
  const readsTable = readsRows.length ? `${READS_HEAD}\n${readsRows.join("\n")}` : "";
  console.log(`\n${table}\n`);
  if (write) {
    const section = [
      `## ${HEADING}`,
      "",
      "`npx tsx bench/live.ts [--db postgres|pglite] [--n 1000,5000,10000]` (see its TSDoc). N followers online, each a simulated",
      "browser in a separate process from the app (own session cookie, own `pusher-js` WebSocket subscribed through",
      "`/api/pusher/auth`, own HTTP keep-alive agent); a business posts a listing with tRPC `listings.create`. A refetch is",
      "what the React client sends on /notifications, one batched GET:",
      "",
      `\`GET ${capture.path.length > 160 ? `${capture.path.slice(0, 160)}…` : capture.path}\``,
      "",
      "(captured from the real `@trpc/client` `httpBatchLink` + superjson with the inbox's inputs), retried after 1 s and 2 s",
      "on failure as TanStack Query does. \"before\" rows: the client refetched on every `notification.new`. \"after\" rows:",
      "the client of components/realtime (cache patching): the signal carries the entry, unread count and inbox sequence",
      "number, applied with components/realtime/inbox-cache.ts; a refetch only on a gap or with a fetch in flight.",
      "Times from the post request (t0): \"signal\" = `notification.new` received, \"inbox shows the post\" = the cached",
      "inbox (patched, or a refetch's answer) contains the new notification; \"badge right\" = the cached unread count then",
      "is the one before + 1. requests/s = refetch answers ÷ time to the last \"shown\"; CPU = % of one core over",
      "that window (app = the Next.js server; herald.ts = embedded realtime server + executor, and the database on",
      "PGlite; PostgreSQL = all its processes; browsers = the load generator, sharing the 2 cores). The app runs with",
      "HERALD_TRUSTED_PROXIES=1 and a distinct X-Forwarded-For per browser (as behind a proxy: the per-address limit",
      "of /api/pusher/auth would otherwise refuse all but 600 of them); followers have email off, no push devices. Before",
      "the measured posts, another business (20 offline followers) posts once to warm the fan-out path; each post follows",
      "7 s of quiet. With several posts (`--posts`, default 3) a row is the post with the median inbox p99, and lists the p99",
      "of each.",
      "Rows of a variant, database or N not measured by the latest invocation are kept from an earlier one (dated there).",
      "",
      machineLine(),
      `- open-file limit: ${shell("ulimit -Sn")}; somaxconn: ${shell("cat /proc/sys/net/core/somaxconn")}; browsers per process: ${perProcess}; deadline ${deadlineS} s after the post`,
      "",
      table,
      "",
      ...(readsTable
        ? [
            "Reads: after the posts, `--readers` (default 50) of the online users each read their inbox (the same batched GET: list +",
            "unread count) in a closed loop for `--read-seconds` (default 15); latency per request, CPU over the phase. The floor: the same",
            "closed loop, just before, on the liveness route (no session, no database): the fastest any route handler answers under that load.",
            "",
            readsTable,
            "",
          ]
        : []),
    ].join("\n");
    writeResults(HEADING, section);
    console.log(`wrote the "## ${HEADING}" section of bench/RESULTS.md`);
  }
}

if (process.argv.includes("--role") && process.argv[process.argv.indexOf("--role") + 1] === "browsers") {
  runBrowsers().catch((err: unknown) => {
    process.send?.({ type: "fatal", message: String(err) } satisfies ToParent);
    process.exit(1);
  });
} else {
  const watchdog = setTimeout(() => {
    console.error("bench/live: overall watchdog (2 h) fired; stopping");
    process.exit(2);
  }, 2 * 3600_000);
  watchdog.unref();
  runOrchestrator().then(
    () => process.exit(),
    (err: unknown) => {
      console.error(`bench/live failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(1);
    },
  );
}

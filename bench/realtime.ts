/**
 * Benchmark of Herald's embedded Pusher-protocol server (docs/protocols.md), and of soketi with the same bench.
 *
 *   npx tsx bench/realtime.ts [--connections 10000] [--rounds 3] [--concurrency 8] [--no-write] [--v8-defaults]
 *                             [--server embedded|soketi]
 *
 * `--v8-defaults` starts the server without REALTIME_V8_FLAGS (for comparison; implies `--no-write`).
 * `--server soketi`: the same clients and publisher against one node of soketi 1.6.1 (scripts/lib/soketi.ts,
 * Pusher's batch size of 10), its memory read from /proc (soketi cannot be asked to collect garbage first);
 * writes the "## Realtime through soketi" section, next to "## Realtime".
 *
 * - The server runs alone in a child process (started with --expose-gc and REALTIME_V8_FLAGS, as
 *   scripts/herald.ts starts it) and reports its memory over IPC, read 500 ms after two GCs, so the numbers
 *   isolate the server from the clients.
 * - This process opens N raw `ws` connections speaking protocol 7; each subscribes to its own
 *   `private-user-<n>` channel with a valid HMAC auth.
 * - Events go through Herald's publisher port (`server/services/realtime/publisher.ts`, the real `pusher`
 *   package's `triggerBatch`, 10 events per request, several requests in flight): one event per user
 *   channel per round; receipts are counted at the clients.
 * - Prints a table and replaces the `## Realtime` section of bench/RESULTS.md (other sections kept).
 *
 * Only 127.0.0.1 is used. The script stops by itself (watchdog: 10 minutes). Open files: Node raises its
 * soft RLIMIT_NOFILE to the hard limit at start-up, so the check below normally passes; should the soft
 * limit still be too low for N connections, the script re-executes itself under `ulimit -n` when the hard
 * limit allows, and otherwise stops with a message saying what to raise.
 *
 * Targets: 10,000 connections under 200 MB total server memory (RSS); at least 5,000 delivered events/s.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { WebSocket, type RawData } from "ws";
import { REALTIME_V8_FLAGS, startRealtimeServer } from "../server/embedded/realtime/server";
import { startSoketi } from "../scripts/lib/soketi";
import { signChannel } from "../server/embedded/realtime/signature";
import { createRealtimePublisher } from "../server/services/realtime/publisher";
import { userChannel } from "../lib/realtime";
import { ensureFileLimit, machine, RESULTS, shell, writeResults } from "./lib";

const APP = { id: "9001", key: "bench-key", secret: "bench-secret" };
const HOST = "127.0.0.1";
const SCRIPT = fileURLToPath(import.meta.url);
const WATCHDOG_MS = 10 * 60 * 1000;

// ----- IPC messages ----------------------------------------------------------------------------------

interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  connections: number;
  channels: number;
  eventsDelivered: number;
}
type ToParent = { type: "ready"; port: number } | ({ type: "memory" } & MemorySample) | { type: "error"; message: string };
type ToChild = { type: "measure" } | { type: "stop" };

// ----- server role (child process) -------------------------------------------------------------------

async function runServerRole(): Promise<void> {
  const send = (msg: ToParent) => process.send?.(msg);
  const server = await startRealtimeServer({ host: HOST, port: 0, apps: [APP] });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on("message", (msg: ToChild) => {
    if (msg.type === "measure") void measure();
    else if (msg.type === "stop") {
      void server.close().then(() => process.exit(0));
    }
  });
  async function measure() {
    gc?.();
    gc?.();
    // V8 returns freed pages from a background thread: RSS read at once still counts them.
    await new Promise((r) => setTimeout(r, 500));
    const m = process.memoryUsage();
    const s = server.stats();
    send({
      type: "memory",
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      connections: s.connections,
      channels: s.channels,
      eventsDelivered: s.eventsDelivered,
    });
  }
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", port: server.port });
}

// ----- orchestrator ----------------------------------------------------------------------------------

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
  return value;
}

function request(child: ChildProcess, msg: ToChild): void {
  child.send(msg);
}

function nextMessage<T extends ToParent["type"]>(child: ChildProcess, type: T): Promise<Extract<ToParent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: ToParent) => {
      if (msg.type === type) {
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(msg as Extract<ToParent, { type: T }>);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`server process exited (${code}) before "${type}"`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

async function measure(child: ChildProcess): Promise<MemorySample> {
  const reply = nextMessage(child, "memory");
  request(child, { type: "measure" });
  return reply;
}

interface BenchClient extends WebSocket {
  benchIndex: number;
}

interface ClientCounters {
  connected: number;
  subscribed: number;
  received: number;
  errors: number;
}

async function openClients(port: number, n: number, counters: ClientCounters): Promise<BenchClient[]> {
  const clients: BenchClient[] = new Array<BenchClient>(n);
  const url = `ws://${HOST}:${port}/app/${APP.key}?protocol=7&client=herald-bench&version=1`;
  const inFlightLimit = 200;
  let next = 0;
  let settled = 0;

  function onMessage(this: WebSocket, raw: RawData): void {
    const ws = this as BenchClient;
    const text = raw.toString();
    // Hot path: event frames are counted without parsing the whole frame.
    if (text.startsWith('{"event":"notification.new"')) {
      counters.received++;
      return;
    }
    const msg = JSON.parse(text) as { event: string; data?: string; channel?: string };
    if (msg.event === "pusher:connection_established") {
      counters.connected++;
      const socketId = (JSON.parse(msg.data ?? "{}") as { socket_id: string }).socket_id;
      const channel = userChannel(`bench-${ws.benchIndex}`);
      ws.send(JSON.stringify({ event: "pusher:subscribe", data: { channel, auth: signChannel(APP, socketId, channel) } }));
    } else if (msg.event === "pusher_internal:subscription_succeeded") {
      counters.subscribed++;
      ws.emit("bench:ready");
    } else if (msg.event === "pusher:subscription_error" || msg.event === "pusher:error") {
      counters.errors++;
      ws.emit("bench:ready");
    } else if (msg.event === "pusher:ping") {
      ws.send('{"event":"pusher:pong","data":{}}');
    }
  }

  await new Promise<void>((resolve) => {
    const launch = () => {
      if (next >= n) return;
      const index = next++;
      const ws = new WebSocket(url, { perMessageDeflate: false }) as BenchClient;
      ws.benchIndex = index;
      clients[index] = ws;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        settled++;
        if (settled === n) resolve();
        else launch();
      };
      ws.on("message", onMessage);
      ws.once("bench:ready", finish);
      ws.on("error", () => {
        counters.errors++;
        finish();
      });
      ws.on("close", finish);
    };
    for (let i = 0; i < Math.min(inFlightLimit, n); i++) launch();
  });
  return clients;
}

function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const tick = () => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 5);
    };
    tick();
  });
}

const MB = 1024 * 1024;
const fmtMB = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * Publishes one `notification.new` per user channel per round (round 0 is the cold round: JIT warm-up on
 * both sides, fresh keep-alive sockets) and waits for every receipt. @returns events/s of each warm round
 * and of the cold one.
 */
async function publishRounds(
  publisher: ReturnType<typeof createRealtimePublisher>,
  n: number,
  rounds: number,
  counters: ClientCounters,
): Promise<{ rates: number[]; coldRate: number }> {
  const rates: number[] = [];
  let coldRate = 0;
  for (let round = 0; round <= rounds; round++) {
    const events = Array.from({ length: n }, (_, i) => ({
      channel: userChannel(`bench-${i}`),
      name: "notification.new",
      data: { id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, title: "New listing nearby", unread: round },
    }));
    const startReceived = counters.received;
    const t0 = performance.now();
    await publisher.publish(events);
    const publishedMs = performance.now() - t0;
    await waitFor(() => counters.received - startReceived >= n, 120_000, `round ${round} deliveries`);
    const ms = performance.now() - t0;
    if (round === 0) coldRate = (n / ms) * 1000;
    else rates.push((n / ms) * 1000);
    console.log(
      `${round === 0 ? "cold round" : `round ${round}`}: ${fmtInt(n)} events delivered in ${ms.toFixed(0)} ms (publish calls done at ${publishedMs.toFixed(0)} ms) → ${fmtInt((n / ms) * 1000)} events/s`,
    );
  }
  return { rates, coldRate };
}

/** Resident set size of a process, in bytes (/proc/<pid>/status VmRSS). */
function procRss(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/** The same bench against one soketi node: clients, publisher and rounds as below; memory from /proc. */
async function runSoketi(n: number, rounds: number, concurrency: number, write: boolean): Promise<void> {
  const soketi = await startSoketi({ app: APP, nodes: 1 });
  const [port] = soketi.ports as [number];
  const [pid] = soketi.pids as [number];
  const clients: BenchClient[] = [];
  try {
    await new Promise((r) => setTimeout(r, 1000)); // settle after start-up
    const idle = procRss(pid);
    const counters: ClientCounters = { connected: 0, subscribed: 0, received: 0, errors: 0 };
    const tConnect = performance.now();
    clients.push(...(await openClients(port, n, counters)));
    const connectMs = performance.now() - tConnect;
    if (counters.subscribed !== n) throw new Error(`only ${counters.subscribed} of ${n} clients subscribed (${counters.errors} errors)`);
    await new Promise((r) => setTimeout(r, 1000));
    const loaded = procRss(pid);
    const publisher = createRealtimePublisher({ appId: APP.id, key: APP.key, secret: APP.secret, host: HOST, port, concurrency });
    const { rates } = await publishRounds(publisher, n, rounds, counters);
    const after = procRss(pid);
    const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
    const table = [
      "| measure | value | detail |",
      "|---|---|---|",
      `| connections (each subscribed to its own private-user-<n>) | ${fmtInt(n)} |  |`,
      `| connect + subscribe time | ${(connectMs / 1000).toFixed(2)} s | ${fmtInt((n / connectMs) * 1000)} conn/s |`,
      `| soketi RSS: idle / with all connections / after the rounds | ${fmtMB(idle)} / ${fmtMB(loaded)} / ${fmtMB(after)} |  |`,
      `| memory per connection (RSS delta / N) | ${((loaded - idle) / n / 1024).toFixed(2)} KB | no GC could be asked for first |`,
      `| delivered events/s (${rounds} warm rounds × ${fmtInt(n)} events, batch_events ×10, ${concurrency} in flight) | ${fmtInt(mean)} mean | min ${fmtInt(Math.min(...rates))}, max ${fmtInt(Math.max(...rates))} |`,
    ].join("\n");
    console.log(`\n${table}\n`);
    if (write) {
      const m = machine();
      writeResults(
        "Realtime through soketi",
        [
          "## Realtime through soketi",
          "",
          `The bench of "## Realtime" (\`npx tsx bench/realtime.ts --server soketi --connections ${n}\`) against one node of soketi 1.6.1,`,
          "the open-source Pusher-protocol server (uWebSockets.js; the build of package.json's `overrides`), as the scale-out",
          "topology runs it (docs/deploy.md). The same clients, publisher and rounds; soketi's memory is its process's RSS.",
          "",
          `- date: ${new Date().toISOString()}`,
          `- machine: ${m.cpus} CPUs (\`nproc\`), ${m.memory} RAM (\`free -h\` total), ${m.model}, ${m.os}`,
          `- node: ${m.node}; open-file limit: ${shell("ulimit -Sn")}`,
          "",
          table,
          "",
        ].join("\n"),
        { after: "Realtime" },
      );
      console.log(`wrote the "## Realtime through soketi" section of ${path.relative(process.cwd(), RESULTS)}`);
    }
  } finally {
    for (const ws of clients) ws?.terminate();
    await soketi.close();
  }
}

async function runOrchestrator(): Promise<void> {
  const n = argValue("connections", 10_000);
  const rounds = argValue("rounds", 3);
  const concurrency = argValue("concurrency", 8);
  const v8Defaults = process.argv.includes("--v8-defaults");
  const write = !process.argv.includes("--no-write") && !v8Defaults;
  if (ensureFileLimit(n + 512, { onTooLow: "throw" }) === "reexec") return;
  const serverArg = process.argv.includes("--server") ? process.argv[process.argv.indexOf("--server") + 1] : "embedded";
  if (serverArg !== "embedded" && serverArg !== "soketi") throw new Error("--server must be embedded or soketi");
  if (serverArg === "soketi") return runSoketi(n, rounds, concurrency, !process.argv.includes("--no-write"));

  const watchdog = setTimeout(() => {
    console.error("bench: watchdog fired after 10 minutes; stopping");
    process.exit(2);
  }, WATCHDOG_MS);
  watchdog.unref();

  const child = fork(SCRIPT, ["--role", "server"], {
    execArgv: [...process.execArgv, "--expose-gc", ...(v8Defaults ? [] : REALTIME_V8_FLAGS)],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const killChild = () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  process.once("exit", killChild);

  const clients: BenchClient[] = [];
  try {
    const { port } = await nextMessage(child, "ready");
    const baseline = await measure(child);

    const counters: ClientCounters = { connected: 0, subscribed: 0, received: 0, errors: 0 };
    const tConnect = performance.now();
    clients.push(...(await openClients(port, n, counters)));
    const connectMs = performance.now() - tConnect;
    if (counters.subscribed !== n) {
      throw new Error(`only ${counters.subscribed} of ${n} clients subscribed (${counters.errors} errors)`);
    }
    const loaded = await measure(child);
    if (loaded.connections !== n || loaded.channels !== n) {
      throw new Error(`server reports ${loaded.connections} connections / ${loaded.channels} channels, expected ${n}`);
    }

    const publisher = createRealtimePublisher({ appId: APP.id, key: APP.key, secret: APP.secret, host: HOST, port, concurrency });
    // The cold round is reported separately, not part of the mean.
    const { rates, coldRate } = await publishRounds(publisher, n, rounds, counters);
    const after = await measure(child);
    if (after.eventsDelivered !== n * (rounds + 1)) {
      throw new Error(`server delivered ${after.eventsDelivered} events, expected ${n * (rounds + 1)}`);
    }

    const perConnRss = (loaded.rss - baseline.rss) / n;
    const perConnHeap = (loaded.heapUsed - baseline.heapUsed) / n;
    const meanRate = rates.reduce((a, b) => a + b, 0) / rates.length;
    const minRate = Math.min(...rates);
    const m = machine();
    const date = new Date().toISOString();
    const rssOk = after.rss < 200 * MB && loaded.rss < 200 * MB;
    const rateOk = minRate >= 5000;

    const rows: Array<[string, string, string]> = [
      ["connections (each subscribed to its own private-user-<n>)", fmtInt(n), ""],
      ["connect + subscribe time", `${(connectMs / 1000).toFixed(2)} s`, `${fmtInt((n / connectMs) * 1000)} conn/s`],
      ["server RSS, idle (before connections)", fmtMB(baseline.rss), `heap ${fmtMB(baseline.heapUsed)}`],
      ["server RSS with all connections", fmtMB(loaded.rss), `heap ${fmtMB(loaded.heapUsed)}`],
      ["server RSS after all event rounds", fmtMB(after.rss), `heap ${fmtMB(after.heapUsed)}`],
      ["memory per connection (RSS delta / N)", `${(perConnRss / 1024).toFixed(2)} KB`, `heap ${(perConnHeap / 1024).toFixed(2)} KB`],
      [
        `delivered events/s (${rounds} warm rounds × ${fmtInt(n)} events, batch_events ×10, ${concurrency} in flight)`,
        `${fmtInt(meanRate)} mean`,
        `min ${fmtInt(minRate)}, max ${fmtInt(Math.max(...rates))}`,
      ],
      ["delivered events/s, first (cold) round, not in the mean", fmtInt(coldRate), ""],
      ["target: < 200 MB server RSS at 10,000 connections", rssOk ? "met" : "NOT met", ""],
      ["target: ≥ 5,000 delivered events/s (every measured round)", rateOk ? "met" : "NOT met", ""],
    ];

    const table = [
      "| measure | value | detail |",
      "|---|---|---|",
      ...rows.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`),
    ].join("\n");
    console.log(`\n${table}\n`);
    console.log(`machine: ${m.cpus} CPUs (${m.model}), ${m.memory} RAM, Node ${m.node}, ${m.os}`);

    if (write) {
      const section = [
        "## Realtime",
        "",
        `Embedded Pusher-protocol server (\`server/embedded/realtime/server.ts\`), measured by \`npx tsx bench/realtime.ts --connections ${n}\`.`,
        `Server alone in a child process (memory read over IPC after \`gc()\`); ${fmtInt(n)} raw \`ws\` clients in the parent, each`,
        "subscribed to its own `private-user-<n>` with a valid signature; events sent with Herald's publisher",
        "(the real `pusher` package, `batch_events` of 10), one event per user channel per round, counted on receipt.",
        "The idle RSS includes about 50 MB of tsx's TypeScript loader (an empty script under tsx: ~90 MB; plain node: ~40 MB);",
        "the per-connection figure is the difference with and without the connections, so it excludes that.",
        "",
        `- date: ${date}`,
        `- machine: ${m.cpus} CPUs (\`nproc\`), ${m.memory} RAM (\`free -h\` total), ${m.model}, ${m.os}`,
        `- node: ${m.node}; open-file limit: ${shell("ulimit -Sn")}`,
        "",
        table,
        "",
      ].join("\n");
      writeResults("Realtime", section);
      console.log(`wrote the "## Realtime" section of ${path.relative(process.cwd(), RESULTS)}`);
    }
    if (!rssOk || !rateOk) process.exitCode = 1;
  } finally {
    for (const ws of clients) ws?.terminate();
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      request(child, { type: "stop" });
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      killChild();
    }
    clearTimeout(watchdog);
  }
}

if (process.argv.includes("--role") && process.argv[process.argv.indexOf("--role") + 1] === "server") {
  runServerRole().catch((err: unknown) => {
    process.send?.({ type: "error", message: String(err) } satisfies ToParent);
    process.exit(1);
  });
} else {
  runOrchestrator().then(
    () => process.exit(),
    (err: unknown) => {
      console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}

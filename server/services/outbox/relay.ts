import "server-only";
/**
 * The outbox relay (issue 12 "Nothing lost"; ./outbox.ts). Sends pending `outbox_events` rows to the job
 * engine and marks them sent. Safe with any number of relays on one database (every web process runs one):
 *
 * 1. claim: one statement leases up to `batchSize` due rows (`FOR UPDATE SKIP LOCKED`, then
 *    `available_at = now() + leaseMs`, `attempts + 1`), oldest first; no transaction stays open while
 *    sending (PGlite serialises connections, and the engine writes to the same database);
 * 2. send: through the {@link OutboxSender} port (in the app, `inngest.send`: inngest/outbox-sender.ts) with each
 *    row's id as the event id, so a resend after a crash or a lost answer is deduplicated by the engine (24 h)
 *    and starts no second run; cut after `sendTimeoutMs`;
 * 3. accepted: `sent_at = now()`; refused or timed out: `available_at = now() + backoff` (1 s doubling to
 *    60 s, with jitter) and `last_error`. A relay killed mid-send leaves its lease to run out; another
 *    relay (or itself, restarted) sends the rows again.
 *
 * The relay never imports the job engine's client: whoever starts it (instrumentation.ts, test/app-jobs.ts,
 * bench/outbox-faults.ts) hands it an {@link OutboxSender}, so server/services does not depend on inngest/
 * (docs/architecture.md, "Layers").
 */
import { db } from "../../db";

/** A leased row, as sent. */
export interface OutboxRow {
  id: string;
  name: string;
  data: Record<string, unknown>;
  attempts: number;
}

/** One event as sent to the job engine: `id` is the outbox row's id, used by the engine as the event id. */
export interface OutboxEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
}

/**
 * The port to the job engine: sends `events` in one request. Resolves once the engine accepted them all;
 * rejects (or never settles: the relay cuts it after `sendTimeoutMs`) otherwise. The engine must treat an
 * event id it has seen as already sent (Inngest deduplicates ids for 24 h:
 * https://www.inngest.com/docs/guides/handling-idempotency). The app's adapter is inngest/outbox-sender.ts.
 */
export type OutboxSender = (events: OutboxEvent[]) => Promise<unknown>;

export interface RelayOptions {
  /** Rows per claim and per send (default 100). */
  batchSize?: number;
  /** How long a claim holds its rows, ms (default 20,000); must exceed `sendTimeoutMs`. */
  leaseMs?: number;
  /** A send not answered in this many ms counts as failed (default 10,000). */
  sendTimeoutMs?: number;
}

/** Delay before attempt `attempts + 1` after a failure: 1 s × 2^(attempts − 1), at most 60 s, ±50 % jitter. */
export function outboxBackoffMs(attempts: number): number {
  const base = Math.min(60_000, 1000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.5 + Math.random() * 0.5));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the job engine within ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * One relay pass: claims up to `batchSize` due rows and sends them in one request through `send`.
 * @returns how many rows were sent and how many failed (0 and 0: nothing was due)
 */
export async function relayOutboxOnce(send: OutboxSender, opts: RelayOptions = {}): Promise<{ sent: number; failed: number; error?: string }> {
  const batchSize = opts.batchSize ?? 100;
  const leaseMs = opts.leaseMs ?? 20_000;
  const rows = await db.$queryRaw<OutboxRow[]>`
    UPDATE outbox_events o SET available_at = now() + ${leaseMs} * interval '1 millisecond', attempts = o.attempts + 1
    WHERE o.id IN (
      SELECT id FROM outbox_events WHERE sent_at IS NULL AND available_at <= now()
      ORDER BY available_at, created_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)
    RETURNING o.id, o.name, o.data, o.attempts`;
  if (rows.length === 0) return { sent: 0, failed: 0 };
  const ids = rows.map((r) => r.id);
  try {
    await withTimeout(Promise.resolve(send(rows.map((r) => ({ id: r.id, name: r.name, data: r.data })))), opts.sendTimeoutMs ?? 10_000);
  } catch (err) {
    const message = ((err as Error).message ?? String(err)).slice(0, 1000);
    // One backoff for the batch (its rows were claimed together), from the highest attempt count.
    const delay = outboxBackoffMs(Math.max(...rows.map((r) => r.attempts)));
    await db.$executeRaw`
      UPDATE outbox_events SET available_at = now() + ${delay} * interval '1 millisecond', last_error = ${message}
      WHERE id = ANY(${ids}) AND sent_at IS NULL`;
    return { sent: 0, failed: rows.length, error: message };
  }
  await db.$executeRaw`UPDATE outbox_events SET sent_at = now(), last_error = NULL WHERE id = ANY(${ids})`;
  return { sent: rows.length, failed: 0 };
}

/** Pending rows (not yet accepted by the engine), due or not. */
export async function pendingOutboxCount(): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox_events WHERE sent_at IS NULL`;
  return Number(row?.n ?? 0);
}

/** A running relay loop ({@link startOutboxRelay}). */
export interface OutboxRelay {
  /** Sends everything due now, pass after pass, until a pass finds nothing due. @returns rows sent */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

const g = globalThis as unknown as { heraldOutboxWakers?: Set<() => void> };
const wakers = (g.heraldOutboxWakers ??= new Set());

/** Wakes this process's relay loops now (called after a transaction with events commits). */
export function wakeOutboxRelay(): void {
  for (const wake of wakers) wake();
}

/**
 * Starts a relay loop in this process: a pass whenever woken ({@link wakeOutboxRelay}) and at least every
 * `pollMs` (default 1,000 ms), so rows written by other processes, and rows whose backoff ended, go out too.
 * Several loops on one database share the work (leases). Errors are logged and the loop goes on.
 * @param send the port to the job engine (in the app: `inngestOutboxSender`, inngest/outbox-sender.ts)
 * @param opts.log where problems are reported (default console.error)
 */
export function startOutboxRelay(send: OutboxSender, opts: RelayOptions & { pollMs?: number; log?: (line: string) => void } = {}): OutboxRelay {
  const pollMs = opts.pollMs ?? 1000;
  const log = opts.log ?? ((line: string) => console.error(line));
  let stopped = false;
  let wake: (() => void) | undefined;
  let woken = false;
  let running: Promise<number> = Promise.resolve(0);

  const passes = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const r = await relayOutboxOnce(send, opts);
      total += r.sent;
      if (r.error) log(`[herald-outbox] ${r.failed} event(s) not sent, will retry: ${r.error}`);
      if (r.sent + r.failed === 0 || r.failed > 0 || stopped) return total;
    }
  };
  // One pass at a time per loop: drain() and the timer queue behind each other.
  const runPasses = () => (running = running.then(passes, passes).catch((err: unknown) => {
    log(`[herald-outbox] relay pass failed: ${(err as Error).message}`);
    return 0;
  }));
  const onWake = () => {
    woken = true;
    wake?.();
  };
  wakers.add(onWake);

  const loop = (async () => {
    while (!stopped) {
      woken = false;
      await runPasses();
      if (stopped || woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        timer.unref?.();
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  })();

  return {
    drain: () => runPasses(),
    async stop() {
      stopped = true;
      wakers.delete(onWake);
      wake?.();
      await loop;
      await running.catch(() => undefined);
    },
  };
}

/**
 * Stops `relay` when the process gets SIGTERM: Next.js then stops taking connections and finishes its
 * requests before it exits, and the relay finishes the pass it is in (rows it leased are sent, not left to
 * their lease) and takes no more. @returns `relay`
 */
export function stopOnSigterm(relay: OutboxRelay): OutboxRelay {
  process.once("SIGTERM", () => void relay.stop());
  return relay;
}

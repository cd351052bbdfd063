/**
 * The executor's notion of time (docs/protocols.md; "an injectable clock so a '24 h before' reminder is tested in
 * milliseconds").
 *
 * Everything the executor schedules — retry backoff, run leases, the 24 h event-id dedupe window, and later
 * sleeps, waitForEvent timeouts and cron ticks — reads `now()` and waits through `setTimeout()` of one
 * {@link Clock}. Production uses {@link systemClock}; tests pass a {@link FakeClock} and move time with
 * `advance()`/`set()` instead of waiting.
 *
 * Not governed by the clock: request signatures (the SDK checks them against its own wall clock, ±5 min,
 * docs/protocols.md "Modes and signing") and the executor's database poll cadence (a real interval, it
 * only looks for work other processes created).
 */

/** A scheduled callback; `cancel()` is idempotent. */
export interface TimerHandle {
  cancel(): void;
}

/** A source of time: milliseconds since the Unix epoch (UTC), and timers on that same time line. */
export interface Clock {
  /** Current time in ms since the Unix epoch, UTC. */
  now(): number;
  /**
   * Calls `fn` once, when this clock has moved `delayMs` (≥ 0) past the current `now()`.
   * A delay ≤ 0 fires asynchronously soon after (never synchronously inside this call).
   */
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
}

/** Node's `setTimeout` limit (2^31 − 1 ms); longer waits are re-armed in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/** Wall-clock time (`Date.now()`) and real timers. Timers are `unref()`ed: they never keep Node alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, delayMs) {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const target = Date.now() + Math.max(0, delayMs);
    const arm = () => {
      const remaining = Math.max(0, target - Date.now());
      timer = setTimeout(
        () => {
          if (cancelled) return;
          if (Date.now() < target) arm();
          else fn();
        },
        Math.min(remaining, MAX_TIMER_MS),
      );
      timer.unref?.();
    };
    arm();
    return {
      cancel() {
        cancelled = true;
        if (timer) clearTimeout(timer);
      },
    };
  },
};

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told to. `advance(ms)`/`set(ms)` fire every timer that falls due, in time
 * order, with `now()` equal to each timer's due time while it fires, then settle on the target time.
 * Timers scheduled with a delay ≤ 0 fire on a microtask, like a real zero-delay timer.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: FakeTimer[] = [];

  /** @param startMs initial time, ms since the epoch (UTC); defaults to the real current time. */
  constructor(startMs: number = Date.now()) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    if (delayMs <= 0) {
      let cancelled = false;
      queueMicrotask(() => {
        if (!cancelled) fn();
      });
      return {
        cancel() {
          cancelled = true;
        },
      };
    }
    const timer: FakeTimer = { at: this.#now + delayMs, seq: this.#seq++, fn, cancelled: false };
    this.#timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
        this.#timers = this.#timers.filter((t) => t !== timer);
      },
    };
  }

  /** Moves time forward by `ms` (≥ 0), firing due timers in order. */
  advance(ms: number): void {
    if (ms < 0) throw new Error(`FakeClock.advance: negative duration ${ms} ms`);
    this.set(this.#now + ms);
  }

  /**
   * Moves time to `ms` (ms since the epoch), firing due timers in order.
   * @throws when `ms` is earlier than `now()`: time does not go back.
   */
  set(ms: number): void {
    if (ms < this.#now) throw new Error(`FakeClock.set: ${ms} is before now (${this.#now}); time does not go back`);
    for (;;) {
      const due = this.#timers
        .filter((t) => !t.cancelled && t.at <= ms)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = ms;
  }

  /** Number of timers waiting to fire (for tests). */
  pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }
}

/**
 * Resolves once `clock.now() >= atMs` (ms since the epoch, UTC), or at once if already past; rejects with
 * the signal's reason if `signal` aborts first.
 */
export function sleepUntil(clock: Clock, atMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    if (clock.now() >= atMs) return resolve();
    const onAbort = () => {
      handle.cancel();
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, atMs - clock.now());
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

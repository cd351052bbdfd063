/**
 * A clock that runs with the wall clock plus an offset that only grows: the executor's clock in the
 * embedded *test* mode (`HERALD_TEST_CLOCK=1`, set by the Playwright config only), so a browser test can
 * jump a sleeping "24 h before" reminder to its moment while everything else keeps running in real time.
 * `advance(ms)` moves the offset and fires, in time order, every timer that fell due.
 */
import type { Clock, TimerHandle } from "./clock";

interface Pending {
  due: number;
  fn: () => void;
  handle: ReturnType<typeof setTimeout> | undefined;
}

/** Node's `setTimeout` limit (2^31 − 1 ms); longer waits are re-armed. */
const MAX_TIMER_MS = 2_147_483_647;

export class OffsetClock implements Clock {
  #offset = 0;
  #timers = new Set<Pending>();

  /** Wall-clock ms since the epoch (UTC) plus the offset. */
  now(): number {
    return Date.now() + this.#offset;
  }

  /** The offset so far (ms). */
  get offsetMs(): number {
    return this.#offset;
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const t: Pending = { due: this.now() + Math.max(0, delayMs), fn, handle: undefined };
    this.#timers.add(t);
    this.#arm(t);
    return {
      cancel: () => {
        if (t.handle) clearTimeout(t.handle);
        this.#timers.delete(t);
      },
    };
  }

  /**
   * Moves time forward by `ms` and fires the timers now due.
   * @throws RangeError for a negative or non-finite `ms` (time does not go back)
   */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`OffsetClock.advance: ${ms} is not a duration ≥ 0 ms`);
    this.#offset += ms;
    for (const t of [...this.#timers].sort((a, b) => a.due - b.due)) {
      if (t.handle) clearTimeout(t.handle);
      this.#arm(t);
    }
  }

  #arm(t: Pending): void {
    const wait = Math.min(Math.max(0, t.due - this.now()), MAX_TIMER_MS);
    t.handle = setTimeout(() => {
      if (this.now() < t.due) return this.#arm(t);
      this.#timers.delete(t);
      t.fn();
    }, wait);
    t.handle.unref?.();
  }
}

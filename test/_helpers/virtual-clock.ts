/**
 * A Clock on virtual time, for unit tests of code that waits.
 *
 * Behaviour:
 * - now() starts at `start` and only moves when a sleep ends.
 * - Whenever the program goes idle (nothing left on the microtask queue: the next macrotask
 *   turn), the pending sleep due first ends and now() jumps to its due time; one sleep per turn,
 *   so whatever it wakes runs (and may start sleeps of its own) before the next one ends.
 *   Sleeps due at the same time end in the order they started.
 * - A sleep whose signal aborts rejects with the signal's reason at once and is forgotten.
 * - `sleeps` lists every requested duration, in call order.
 *
 * So "a command that takes 10 minutes" is a fake that awaits clock.sleep(600_000), and it races a
 * 5 minute timeout in the order real time would decide, in microseconds. Only for code whose
 * other work is in memory: a real socket would see time jump while it waits.
 */
import type { Clock } from '../../src/runtime/clock.js';

interface Timer {
  due: number;
  seq: number;
  resolve(): void;
}

export class VirtualClock implements Clock {
  readonly sleeps: number[] = [];
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];
  #scheduled = false;

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = {
        due: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
      this.#schedule();
    });
  }

  /** Sleeps not yet ended. */
  get pending(): number {
    return this.#timers.length;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const next = this.#timers.reduce<Timer | undefined>((a, t) => (a === undefined || t.due < a.due || (t.due === a.due && t.seq < a.seq) ? t : a), undefined);
      if (next === undefined) return;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.due);
      next.resolve();
      if (this.#timers.length > 0) this.#schedule();
    });
  }
}

/**
 * A Clock for unit tests whose sleeps end at once (on the next macrotask, so sockets and child
 * callbacks still get their turn) and move now() forward by their length: code that waits
 * "up to 60 s" finishes in microseconds, and its arithmetic on elapsed time still holds.
 */
import type { Clock } from '../../../src/runtime/clock.js';

export function fastClock(start = 1_700_000_000_000): Clock {
  let now = start;
  return {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = () => {
          clearImmediate(timer);
          reject(signal!.reason);
        };
        const timer = setImmediate(() => {
          signal?.removeEventListener('abort', onAbort);
          now += ms;
          resolve();
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

/**
 * One change to an environment at a time: promote, rollback, down and the recovery of a crashed
 * deployment all hold the environment's lock. A second one fails at once, naming the holder; a
 * lock whose process is gone is taken over (runtime/lock.ts).
 */
import { BakeError } from '../errors.js';
import { acquireLock, type LockHolder } from '../runtime/lock.js';
import { environmentPaths } from './paths.js';

/** Runs `fn` holding the environment's lock; another live holder is an error naming it. */
export async function withEnvironmentLock<T>(home: string, env: string, purpose: string, fn: () => Promise<T>): Promise<T> {
  const got = await tryWithEnvironmentLock(home, env, purpose, fn);
  if (got.kind === 'busy') throw got.error;
  return got.value;
}

/**
 * The same, for a command that has other work when the environment is busy (status reports the
 * deployment in flight, gc goes on with the next environment): a live holder is an outcome, and
 * `fn` does not run.
 */
export async function tryWithEnvironmentLock<T>(
  home: string,
  env: string,
  purpose: string,
  fn: () => Promise<T>,
): Promise<{ kind: 'done'; value: T } | { kind: 'busy'; holder: LockHolder; error: BakeError }> {
  const got = acquireLock(environmentPaths(home, env).lock, purpose);
  if (got.kind === 'held') {
    const h = got.holder;
    const error = new BakeError('ERR_BAKE_ENV_LOCKED', `Environment ${env} is being changed by process ${h.pid} (${h.purpose}, since ${h.since})`, {
      hint: 'Wait for it to finish. If that process is gone, the next command takes the lock over by itself.',
    });
    return { kind: 'busy', holder: h, error };
  }
  try {
    return { kind: 'done', value: await fn() };
  } finally {
    got.lock.release();
  }
}

/**
 * One change to an environment at a time: promote, rollback, down and the recovery of a crashed
 * deployment all hold the environment's lock. A second one fails at once, naming the holder; a
 * lock whose process is gone is taken over (runtime/lock.ts).
 */
import { BakeError } from '../errors.js';
import { acquireLock, type Lock, type LockHolder } from '../runtime/lock.js';
import { environmentPaths } from './paths.js';

export function lockEnvironment(home: string, env: string, purpose: string): { lock: Lock; tookOverFrom?: LockHolder } {
  const got = acquireLock(environmentPaths(home, env).lock, purpose);
  if (got.kind === 'held') {
    const h = got.holder;
    throw new BakeError('ERR_BAKE_ENV_LOCKED', `Environment ${env} is being changed by process ${h.pid} (${h.purpose}, since ${h.since})`, {
      hint: 'Wait for it to finish. If that process is gone, the next command takes the lock over by itself.',
    });
  }
  return got.tookOverFrom ? { lock: got.lock, tookOverFrom: got.tookOverFrom } : { lock: got.lock };
}

export async function withEnvironmentLock<T>(home: string, env: string, purpose: string, fn: () => Promise<T>): Promise<T> {
  const { lock } = lockEnvironment(home, env, purpose);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

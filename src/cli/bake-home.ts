/** BAKE_HOME: the image store, locks, VM run-time files and caches; `.bake` in the working directory unless set. */
import path from 'node:path';
import type { IoHost } from './io.js';

export function bakeHome(host: Pick<IoHost, 'env' | 'cwd'>): string {
  const home = host.env.BAKE_HOME;
  return path.resolve(host.cwd, home && home !== '' ? home : '.bake');
}

import os from 'node:os';
import type { IoHost } from './io.js';

/** Who is acting, for the journal and the history: BAKE_ACTOR, else GitHub's actor in CI, else the login. */
export function actor(host: Pick<IoHost, 'env'>): string {
  const named = host.env.BAKE_ACTOR || host.env.GITHUB_ACTOR;
  if (named) return named;
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

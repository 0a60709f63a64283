/**
 * The deploy half of `bake gc`, for every environment under BAKE_HOME/deploy (no pipeline file
 * needed: what a recovery needs is in the journal): unfinished deployments of dead processes are
 * recovered, kept groups past keep_previous are destroyed, and instances no group owns (left by a
 * crash between launching a VM and recording it) are stopped. The live group is never touched.
 */
import { readdir } from 'node:fs/promises';
import type { DeployDeps } from './deploy-deps.js';
import { tryWithEnvironmentLock } from './environment-lock.js';
import { deployRoot } from './paths.js';
import { retireExpired } from './promote.js';
import { recoverDeployment, type RecoveryOutcome } from './recover.js';
import { readState, writeState } from './state.js';

export interface EnvironmentGc {
  env: string;
  recovered: RecoveryOutcome;
  expired: string[];
  orphans: string[];
  /** Another bake is changing the environment; it was left alone. */
  busy?: string;
}

export async function gcDeployments(deps: DeployDeps): Promise<EnvironmentGc[]> {
  const envs = (await readdir(deployRoot(deps.home), { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name);
  const out: EnvironmentGc[] = [];
  for (const env of envs.sort()) {
    const got = await tryWithEnvironmentLock(deps.home, env, 'bake gc', () => gcEnvironment(deps, env));
    out.push(got.kind === 'done' ? got.value : { env, recovered: { kind: 'none' }, expired: [], orphans: [], busy: got.error.message });
  }
  return out;
}

async function gcEnvironment(deps: DeployDeps, env: string): Promise<EnvironmentGc> {
  const state = readState(deps.home, env, '');
  const recovered = await recoverDeployment(deps, state);
  const expired = await retireExpired(deps, state);
  // A group still "launching" with no deployment in flight was left by an undo that did not finish.
  const stranded = state.groups.filter((x) => x.status === 'launching' && state.deployment === undefined);
  for (const g of stranded) {
    await deps.compute.destroyGroup(env, g.name);
    state.groups = state.groups.filter((x) => x !== g);
    expired.push(g.name);
  }
  if (stranded.length > 0) writeState(deps.home, state);
  const known = new Set(state.groups.map((g) => g.name));
  const orphans: string[] = [];
  for (const g of await deps.compute.listGroups(env)) {
    if (known.has(g.name)) continue;
    await deps.compute.destroyGroup(env, g.name);
    orphans.push(g.name);
  }
  return { env, recovered, expired, orphans };
}

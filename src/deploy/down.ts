/**
 * `bake down --env ENV`: everything of the environment stops: its groups, its load balancer, its
 * state. Taking down a live environment is refused without --force (the traffic guard).
 */
import { rm } from 'node:fs/promises';
import type { Pipeline } from '../pipeline/model.js';
import { appendHistory } from '../registry/history.js';
import { BakeError } from '../errors.js';
import type { DeployDeps } from './deploy-deps.js';
import { withEnvironmentLock } from './environment-lock.js';
import { environmentSpec } from './environment-spec.js';
import { destroyGroup } from './groups.js';
import { environmentPaths } from './paths.js';
import { readState } from './state.js';

export type DownOutcome = { kind: 'down'; env: string; destroyed: string[] } | { kind: 'nothing'; env: string };

export async function down(deps: DeployDeps, req: { pipeline: Pipeline; env: string; force: boolean }): Promise<DownOutcome> {
  const spec = environmentSpec(req.pipeline, req.env);
  return withEnvironmentLock(deps.home, spec.name, `bake down --env ${spec.name}`, async () => {
    const state = readState(deps.home, spec.name, req.pipeline.name);
    const paths = environmentPaths(deps.home, spec.name);
    const leftovers = await deps.compute.listGroups(spec.name);
    const lbRunning = (await deps.lb.state(spec.name).catch(() => undefined))?.running ?? false;
    if (state.groups.length === 0 && leftovers.length === 0 && !lbRunning && state.deployment === undefined) {
      await rm(paths.dir, { recursive: true, force: true });
      return { kind: 'nothing', env: spec.name };
    }
    if (state.live !== undefined && !req.force) {
      throw new BakeError('ERR_BAKE_TRAFFIC_GUARD', `${spec.name} is serving from ${state.live}; bake down would take it offline`, {
        hint: `Pass --force to stop ${spec.name} anyway.`,
      });
    }
    // Kept for the history: destroying the live group clears state.live.
    const wasLive = state.live;
    const destroyed: string[] = [];
    // Non-live groups first, so the environment serves until the end.
    const order = [...state.groups].sort((a, b) => Number(a.name === state.live) - Number(b.name === state.live));
    for (const g of order) {
      await destroyGroup(deps, state, g.name, { force: true });
      destroyed.push(g.name);
    }
    for (const g of leftovers.filter((x) => !destroyed.includes(x.name))) {
      await deps.compute.destroyGroup(spec.name, g.name);
      destroyed.push(g.name);
    }
    await deps.lb.destroy(spec.name);
    await rm(paths.dir, { recursive: true, force: true });
    appendHistory(deps.home, {
      at: new Date(deps.clock.now()).toISOString(),
      actor: deps.actor,
      action: 'down',
      result: 'succeeded',
      env: spec.name,
      ...(wasLive ? { from: wasLive } : {}),
      detail: destroyed.length ? `destroyed ${destroyed.join(', ')}` : 'nothing was running',
    });
    return { kind: 'down', env: spec.name, destroyed };
  });
}

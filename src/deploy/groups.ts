/**
 * Groups as both drivers see them: what the load balancer must re-register when it is recreated,
 * and destroying a group everywhere, behind the traffic guard.
 */
import { BakeError } from '../errors.js';
import type { RegisteredGroup } from './drivers/driver.js';
import type { DeployDeps } from './deploy-deps.js';
import { writeState, type EnvironmentState } from './state.js';

/** Groups the load balancer should have, with their modes; `except` is left out (about to be registered). */
export function registeredGroups(state: EnvironmentState, except?: string): RegisteredGroup[] {
  return state.groups
    .filter((g) => g.name !== except && g.targets.length > 0)
    .map((g) => ({ group: { name: g.name, targets: g.targets }, mode: g.name === state.live ? 'serving' : 'standby' }));
}

/**
 * Takes the group off the load balancer, destroys its instances and forgets it. The live group is
 * refused unless forced: nothing takes away the servers an environment is serving from.
 */
export async function destroyGroup(deps: DeployDeps, state: EnvironmentState, name: string, opts: { force?: boolean } = {}): Promise<void> {
  if (state.live === name && !opts.force) {
    throw new BakeError('ERR_BAKE_TRAFFIC_GUARD', `${name} is live in ${state.env}: destroying it would leave the environment without servers`, {
      hint: 'Promote or roll back to another group first, or pass --force to take the environment down.',
    });
  }
  const lbState = await deps.lb.state(state.env).catch(() => undefined);
  if (lbState?.running) await deps.lb.deregister(state.env, name, { force: opts.force === true });
  await deps.compute.destroyGroup(state.env, name);
  state.groups = state.groups.filter((g) => g.name !== name);
  if (state.live === name) delete state.live;
  writeState(deps.home, state);
}

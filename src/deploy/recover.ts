/**
 * Finishing what a killed bake left: a deployment whose journal is still in the state. Before the
 * cutover, green is destroyed and blue keeps serving (the person who started it is gone, and
 * undoing is what cannot hurt). In the cutover, it depends on green: healthy, the cutover is
 * finished; not, traffic goes back to blue. After the cutover, the remaining phases run.
 *
 * The caller holds the environment's lock, which is how it knows the journal's process is gone.
 */
import type { DeployDeps } from './deploy-deps.js';
import { runDeployment, undo, type DeploymentOutcome } from './deployment.js';
import { registeredGroups } from './groups.js';
import { PHASES, type EnvironmentState } from './state.js';

export type RecoveryOutcome =
  | { kind: 'none' }
  | { kind: 'finished'; outcome: DeploymentOutcome }
  | { kind: 'rolled-back'; group: string; phase: string; serving?: string };

export async function recoverDeployment(deps: DeployDeps, state: EnvironmentState): Promise<RecoveryOutcome> {
  const d = state.deployment;
  if (d === undefined) return { kind: 'none' };
  const env = state.env;
  deps.events.log(env, `found an unfinished ${d.kind} of ${d.image} to ${d.group}, stopped in ${d.phase} (process ${d.pid}, started ${d.startedAt})`);
  if (state.groups.some((g) => g.targets.length > 0)) {
    await deps.lb.ensure(env, { listenPort: d.settings.listenPort, healthCheck: d.settings.healthCheck, registered: registeredGroups(state) });
  }
  const at = PHASES.indexOf(d.phase);
  const rollBack = async (): Promise<RecoveryOutcome> => {
    const phase = d.phase;
    const serving = await undo({ deps, state, d }, phase);
    return { kind: 'rolled-back', group: d.group, phase, ...(serving ? { serving } : {}) };
  };
  if (at < PHASES.indexOf('cutover')) return rollBack();
  if (d.phase === 'cutover') {
    const targets = (await deps.lb.state(env)).targets.filter((t) => t.group === d.group);
    const expected = state.groups.find((g) => g.name === d.group)?.targets.length ?? 0;
    if (expected === 0 || targets.length !== expected || !targets.every((t) => t.health === 'healthy')) return rollBack();
  }
  return { kind: 'finished', outcome: await runDeployment(deps, state) };
}

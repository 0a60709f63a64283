/**
 * `bake rollback --env ENV`: back to what served before the last cutover. When that group is still
 * kept (keep_previous), it is already booted and health-checked in standby, so the rollback is a
 * cutover back to it, then the current group is drained and destroyed. When it is gone, the image
 * it ran is deployed again through a full deployment.
 */
import { randomUUID } from 'node:crypto';
import type { Pipeline } from '../pipeline/model.js';
import { BakeError } from '../errors.js';
import type { DeployDeps } from './deploy-deps.js';
import { runDeployment, type DeploymentOutcome } from './deployment.js';
import { withEnvironmentLock } from './environment-lock.js';
import { environmentSpec } from './environment-spec.js';
import { deploymentSettings, retireExpired } from './promote.js';
import { recoverDeployment, type RecoveryOutcome } from './recover.js';
import { groupName, liveGroup, readState, writeState, type EnvironmentState } from './state.js';

export interface RollbackRequest {
  pipeline: Pipeline;
  env: string;
  dryRun: boolean;
  signal?: AbortSignal;
}

export interface RollbackPlan {
  env: string;
  from: string;
  /** The kept group to re-enable, or the new group that redeploys `image`. */
  to: string;
  image: string;
  reuse: boolean;
  steps: string[];
}

export type RollbackOutcome =
  | { kind: 'planned'; plan: RollbackPlan }
  | { kind: 'rolled-back'; plan: RollbackPlan; outcome: DeploymentOutcome; recovered: RecoveryOutcome };

export async function rollback(deps: DeployDeps, req: RollbackRequest): Promise<RollbackOutcome> {
  const spec = environmentSpec(req.pipeline, req.env);
  if (req.dryRun) return { kind: 'planned', plan: planRollback(req.pipeline, readState(deps.home, spec.name, req.pipeline.name), deps.clock.now()) };
  return withEnvironmentLock(deps.home, spec.name, `bake rollback --env ${spec.name}`, async () => {
    const state = readState(deps.home, spec.name, req.pipeline.name);
    const recovered = await recoverDeployment(deps, state);
    await retireExpired(deps, state);
    const plan = planRollback(req.pipeline, state, deps.clock.now());
    if (!plan.reuse) state.nextSequence += 1;
    state.deployment = {
      id: randomUUID(),
      kind: 'rollback',
      settings: deploymentSettings(spec),
      ...(plan.reuse ? { reusedGroup: true } : {}),
      image: plan.image,
      group: plan.to,
      from: plan.from,
      // A kept group is booted and registered already; register again only makes sure of it.
      phase: plan.reuse ? 'register' : 'launch',
      actor: deps.actor,
      pid: process.pid,
      startedAt: new Date(deps.clock.now()).toISOString(),
    };
    writeState(deps.home, state);
    const outcome = await runDeployment(deps, state, req.signal);
    return { kind: 'rolled-back', plan, outcome, recovered };
  });
}

/**
 * A kept group past its keep_previous counts as gone: the real rollback destroys it first
 * (retireExpired), and a dry run, which destroys nothing, must plan what the real one will do.
 */
function planRollback(pipeline: Pipeline, state: EnvironmentState, now: number): RollbackPlan {
  const live = liveGroup(state);
  if (live === undefined) {
    throw new BakeError('ERR_BAKE_NOTHING_TO_ROLL_BACK', `Nothing is live in ${state.env}`, { hint: `Promote to ${state.env} first.` });
  }
  const kept = state.groups
    .filter((g) => g.status === 'previous' && !(g.expiresAt !== undefined && Date.parse(g.expiresAt) <= now))
    .sort((a, b) => (a.retiredAt ?? '').localeCompare(b.retiredAt ?? ''))
    .pop();
  if (kept) {
    return {
      env: state.env,
      from: live.name,
      to: kept.name,
      image: kept.image,
      reuse: true,
      steps: [
        `wait until every instance of ${kept.name} (kept in standby, ${kept.image}) is healthy`,
        `cut over: ${kept.name} serves, then ${live.name} drains`,
        `verify that answers through the load balancer come from ${kept.name}`,
        `destroy ${live.name}`,
      ],
    };
  }
  // The image that served before the live one, from the environment's history.
  const before = [...state.history].reverse().find((h) => h.image !== live.image && h.group !== live.name);
  if (before === undefined) {
    throw new BakeError('ERR_BAKE_NOTHING_TO_ROLL_BACK', `${state.env} has run no image before ${live.image}, so there is nothing to roll back to`, {
      hint: 'Promote the image you want instead: bake promote --to ENV IMAGE.',
    });
  }
  const to = groupName(pipeline.name, state.env, state.nextSequence);
  return {
    env: state.env,
    from: live.name,
    to,
    image: before.image,
    reuse: false,
    steps: [
      `the previous group ${before.group} is gone: launch ${to} from ${before.image}, the image it ran`,
      `wait until every instance of ${to} is healthy, or destroy it and leave ${live.name} serving`,
      `cut over: ${to} serves, then ${live.name} drains`,
      `verify that answers through the load balancer come from ${to}`,
      `destroy ${live.name}`,
    ],
  };
}

/**
 * `bake promote --to ENV [IMAGE]`: which image goes where, then a deployment (deployment.ts).
 *
 * With no IMAGE, the pipeline's first environment takes the newest image built from its template,
 * and every later one takes what is live in the environment before it: prod only ever receives
 * what staging ran. An environment with an approval block is refused until signed approvals exist.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { EnvironmentSpec, Pipeline } from '../pipeline/model.js';
import type { ImageRecord } from '../registry/images.js';
import { BakeError } from '../errors.js';
import type { DeployDeps } from './deploy-deps.js';
import { runDeployment, type DeploymentOutcome } from './deployment.js';
import { withEnvironmentLock } from './environment-lock.js';
import { destroyGroup } from './groups.js';
import { recoverDeployment, type RecoveryOutcome } from './recover.js';
import { groupName, liveGroup, readState, writeState, type DeploymentSettings, type EnvironmentState } from './state.js';
import { environmentSpec } from './environment-spec.js';

export interface PromoteRequest {
  pipeline: Pipeline;
  env: string;
  /** An image id or name; absent: see the top of this file. */
  image?: string;
  dryRun: boolean;
  signal?: AbortSignal;
}

export interface PromotePlan {
  env: string;
  image: ImageRecord;
  /** Why this image: "newest image of webapp.hcl", "live in staging (web-staging-v002)", "given". */
  source: string;
  group: string;
  from?: string;
  steps: string[];
}

export type PromoteOutcome =
  | { kind: 'planned'; plan: PromotePlan }
  | { kind: 'unchanged'; env: string; group: string; image: string; recovered: RecoveryOutcome }
  | { kind: 'deployed'; plan: PromotePlan; outcome: DeploymentOutcome; recovered: RecoveryOutcome };

export async function promote(deps: DeployDeps, req: PromoteRequest): Promise<PromoteOutcome> {
  const spec = environmentSpec(req.pipeline, req.env);
  if (spec.approval) {
    const where = `${path.basename(req.pipeline.file)}:${spec.approval.range.start.line}`;
    throw new BakeError('ERR_BAKE_APPROVAL_REQUIRED', `Promoting to ${spec.name} needs a release manager's signed approval (${where}), and bake does not implement approvals yet`, {
      hint: `Nothing was changed. Remove the approval block from ${spec.name} to promote without one, or wait for signed approvals.`,
    });
  }
  const { image, source } = chooseImage(deps, req, spec);
  if (req.dryRun) {
    const state = readState(deps.home, spec.name, req.pipeline.name);
    return { kind: 'planned', plan: plan(req.pipeline, spec, state, image, source) };
  }
  return withEnvironmentLock(deps.home, spec.name, `bake promote --to ${spec.name} ${image.id}`, async () => {
    const state = readState(deps.home, spec.name, req.pipeline.name);
    const recovered = await recoverDeployment(deps, state);
    await retireExpired(deps, state);
    const live = liveGroup(state);
    if (live?.image === image.id) return { kind: 'unchanged', env: spec.name, group: live.name, image: image.id, recovered };
    const p = plan(req.pipeline, spec, state, image, source);
    state.nextSequence += 1;
    state.deployment = {
      id: randomUUID(),
      kind: 'promote',
      settings: deploymentSettings(spec),
      image: image.id,
      group: p.group,
      ...(p.from ? { from: p.from } : {}),
      phase: 'launch',
      actor: deps.actor,
      pid: process.pid,
      startedAt: new Date(deps.clock.now()).toISOString(),
    };
    writeState(deps.home, state);
    const outcome = await runDeployment(deps, state, req.signal);
    return { kind: 'deployed', plan: p, outcome, recovered };
  });
}

export function deploymentSettings(spec: EnvironmentSpec): DeploymentSettings {
  return {
    instances: spec.instances,
    appPort: spec.appPort,
    listenPort: spec.listenPort,
    keepPreviousMs: spec.keepPreviousMs,
    healthCheck: { ...spec.healthCheck },
  };
}

function chooseImage(deps: DeployDeps, req: PromoteRequest, spec: EnvironmentSpec): { image: ImageRecord; source: string } {
  if (req.image !== undefined) {
    const image = deps.images.resolve(req.image);
    if (image === undefined) {
      throw new BakeError('ERR_BAKE_IMAGE_NOT_FOUND', `No image ${req.image} in the image store`, { hint: 'See `bake images` for the ids and names there are.' });
    }
    return { image, source: 'given' };
  }
  const index = req.pipeline.environments.indexOf(spec);
  if (index === 0) {
    const all = deps.images.list();
    const image = all.find((r) => r.template === req.pipeline.template) ?? all.find((r) => path.basename(r.template) === path.basename(req.pipeline.template));
    if (image === undefined) {
      const t = path.basename(req.pipeline.template);
      throw new BakeError('ERR_BAKE_IMAGE_NOT_FOUND', `No image has been built from ${t} yet`, { hint: `Run \`bake build ${t}\` first, or name an image: bake promote --to ${spec.name} IMAGE.` });
    }
    return { image, source: `newest image of ${path.basename(req.pipeline.template)}` };
  }
  const before = req.pipeline.environments[index - 1]!;
  const live = liveGroup(readState(deps.home, before.name, req.pipeline.name));
  if (live === undefined) {
    throw new BakeError('ERR_BAKE_NOTHING_TO_PROMOTE', `Nothing is live in ${before.name}, so there is nothing to promote to ${spec.name}`, {
      hint: `${spec.name} only receives what ${before.name} runs: promote to ${before.name} first.`,
    });
  }
  const image = deps.images.get(live.image);
  if (image === undefined) {
    throw new BakeError('ERR_BAKE_IMAGE_NOT_FOUND', `Image ${live.image}, live in ${before.name}, is no longer in the image store`, { source: 'toolkit' });
  }
  return { image, source: `live in ${before.name} (${live.name})` };
}

function plan(pipeline: Pipeline, spec: EnvironmentSpec, state: EnvironmentState, image: ImageRecord, source: string): PromotePlan {
  const group = groupName(pipeline.name, spec.name, state.nextSequence);
  const from = state.live;
  const hc = spec.healthCheck;
  const keep = spec.keepPreviousMs;
  const steps = [
    `launch ${group}: ${spec.instances} instance${spec.instances === 1 ? '' : 's'} of ${image.id} (${image.name}), app port ${spec.appPort}`,
    `register ${group} on ${spec.name}'s load balancer in standby (health checks GET ${hc.path} every ${hc.intervalMs} ms, rise ${hc.healthyThreshold}, fall ${hc.unhealthyThreshold})`,
    `wait until every instance of ${group} is healthy, at most ${Math.round(hc.deadlineMs / 1000)} s from launch; otherwise destroy ${group}${from ? ` and leave ${from} serving` : ''}`,
    from ? `cut over: ${group} serves, then ${from} drains` : `${group} starts serving`,
    `verify that answers through the load balancer come from ${group}`,
    from ? (keep === 0 ? `destroy ${from}` : `keep ${from} in standby for ${Math.round(keep / 1000)} s for a rollback, then destroy it`) : 'nothing to retire',
  ];
  return { env: spec.name, image, source, group, ...(from ? { from } : {}), steps };
}

/** Kept groups whose keep_previous has passed. */
export async function retireExpired(deps: DeployDeps, state: EnvironmentState): Promise<string[]> {
  const now = deps.clock.now();
  const expired = state.groups.filter((g) => g.status === 'previous' && g.expiresAt !== undefined && Date.parse(g.expiresAt) <= now);
  for (const g of expired) {
    deps.events.log(state.env, `destroying ${g.name}: kept until ${g.expiresAt}`);
    await destroyGroup(deps, state, g.name);
  }
  return expired.map((g) => g.name);
}

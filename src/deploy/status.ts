/**
 * `bake status --env ENV`: the live image, the groups with their instances' health, and the load
 * balancer. An unfinished deployment whose process is gone is recovered first (recover.ts); one
 * still running is reported as such.
 */
import type { Pipeline } from '../pipeline/model.js';
import type { LockHolder } from '../runtime/lock.js';
import type { DeployDeps } from './deploy-deps.js';
import type { TargetHealth } from './drivers/driver.js';
import { tryWithEnvironmentLock } from './environment-lock.js';
import { environmentSpec } from './environment-spec.js';
import { registeredGroups } from './groups.js';
import { recoverDeployment, type RecoveryOutcome } from './recover.js';
import { liveGroup, readState, type Deployment, type GroupRecord } from './state.js';

export interface EnvironmentStatus {
  env: string;
  /** The load balancer's URL; absent when the environment was never deployed. */
  endpoint?: string;
  /** The live image id. */
  image?: string;
  live?: string;
  groups: (Omit<GroupRecord, 'targets'> & { targets: (TargetHealth & { host: string; port: number })[] })[];
  loadBalancer: { running: boolean };
  /** A deployment another process is running right now. */
  inProgress?: { deployment: Deployment; holder: LockHolder };
  recovered: RecoveryOutcome;
}

export async function environmentStatus(deps: DeployDeps, pipeline: Pipeline, env: string): Promise<EnvironmentStatus> {
  const spec = environmentSpec(pipeline, env);
  let recovered: RecoveryOutcome = { kind: 'none' };
  let inProgress: EnvironmentStatus['inProgress'];
  let state = readState(deps.home, spec.name, pipeline.name);
  const pending = state.deployment;
  if (pending) {
    const got = await tryWithEnvironmentLock(deps.home, spec.name, `bake status --env ${spec.name} (recovering)`, async () => {
      state = readState(deps.home, spec.name, pipeline.name);
      return recoverDeployment(deps, state);
    });
    if (got.kind === 'done') recovered = got.value;
    else inProgress = { deployment: pending, holder: got.holder };
  }
  if (state.groups.length === 0) return { env: spec.name, groups: [], loadBalancer: { running: false }, recovered, ...(inProgress ? { inProgress } : {}) };
  // A load balancer that went away (a reboot) is brought back with what it had.
  const { endpoint } = await deps.lb.ensure(spec.name, { listenPort: spec.listenPort, healthCheck: spec.healthCheck, registered: registeredGroups(state) });
  const lb = await deps.lb.state(spec.name);
  const byId = new Map(lb.targets.map((t) => [t.id, t]));
  const live = liveGroup(state);
  return {
    env: spec.name,
    endpoint,
    ...(live ? { image: live.image, live: live.name } : {}),
    groups: state.groups.map((g) => ({
      ...g,
      targets: g.targets.map((t) => ({
        ...(byId.get(t.id) ?? { id: t.id, group: g.name, health: 'unknown' as const, mode: 'disabled' as const, detail: 'not on the load balancer' }),
        host: t.host,
        port: t.port,
      })),
    })),
    loadBalancer: { running: lb.running },
    recovered,
    ...(inProgress ? { inProgress } : {}),
  };
}

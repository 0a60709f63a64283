/**
 * Running a deployment: the blue/green phases, each journaled in the environment's state before
 * it starts, so a bake killed at any point leaves a record of exactly how far it got
 * (recover.ts picks it up from there).
 *
 *   launch    start the green group from the image and wait for its instances to boot
 *   register  add green to the load balancer: health-checked, no traffic
 *   health    wait until every green target passes its checks, up to the deadline
 *   cutover   green serves, then blue drains (the load balancer never lacks a healthy server)
 *   verify    requests through the load balancer are answered by green
 *   retire    blue is kept in standby for keep_previous (a rollback needs no boot), older ones go
 *
 * A failure before the cutover destroys green and leaves blue as it was. A failure in cutover or
 * verify switches back to blue, then destroys green. A failure in retire leaves the journal, and
 * the next command finishes the job.
 */
import type { TargetHealth } from './drivers/driver.js';
import { appendHistory } from '../registry/history.js';
import { BakeError, isBakeError } from '../errors.js';
import type { DeployDeps } from './deploy-deps.js';
import { describeChecks, waitHealthy } from './health.js';
import { PHASES, writeState, type Deployment, type EnvironmentState, type GroupRecord, type Phase } from './state.js';
import { destroyGroup, registeredGroups } from './groups.js';

export type DeploymentOutcome =
  | {
      kind: 'succeeded';
      deployment: Deployment;
      endpoint: string;
      /** Per phase, as run by this process. */
      phasesMs: Partial<Record<Phase, number>>;
      /** From green healthy to the load balancer switched. */
      switchMs?: number;
    }
  | { kind: 'failed'; deployment: Deployment; phase: Phase; message: string; checks?: TargetHealth[]; serving?: string };

/** A phase's expected failure (as opposed to a bug or an abort). */
export class DeployFailure extends BakeError {
  constructor(
    message: string,
    readonly checks?: TargetHealth[],
  ) {
    super('ERR_BAKE_DEPLOY_FAILED', message);
  }
}

interface Ctx {
  deps: DeployDeps;
  state: EnvironmentState;
  d: Deployment;
  signal?: AbortSignal;
  endpoint?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Runs state.deployment from its recorded phase to the end. */
export async function runDeployment(deps: DeployDeps, state: EnvironmentState, signal?: AbortSignal): Promise<DeploymentOutcome> {
  const d = state.deployment;
  if (d === undefined) throw new Error('runDeployment: no deployment in flight');
  const ctx: Ctx = { deps, state, d, ...(signal ? { signal } : {}) };
  const env = state.env;
  const phasesMs: Partial<Record<Phase, number>> = {};
  for (const phase of PHASES.slice(PHASES.indexOf(d.phase))) {
    d.phase = phase;
    writeState(deps.home, state);
    deps.events.phase(env, phase, 'start', describePhase(ctx, phase));
    const t0 = deps.clock.now();
    try {
      await RUN[phase](ctx);
    } catch (e) {
      deps.events.phase(env, phase, 'failed', (e as Error).message);
      const serving = await undo(ctx, phase);
      if (e instanceof DeployFailure) {
        return { kind: 'failed', deployment: d, phase, message: e.message, ...(e.checks ? { checks: e.checks } : {}), ...(serving ? { serving } : {}) };
      }
      // A driver's own error (an instance that does not boot, qemu that does not start) fails the
      // deployment the same way; an abort and a bug still throw.
      if (isBakeError(e) && !signal?.aborted) {
        return { kind: 'failed', deployment: d, phase, message: e.hint ? `${e.message} (${e.hint})` : e.message, ...(serving ? { serving } : {}) };
      }
      throw e;
    }
    phasesMs[phase] = deps.clock.now() - t0;
    deps.events.phase(env, phase, 'ok');
  }
  const switchMs = d.healthyAt && d.switchedAt ? Date.parse(d.switchedAt) - Date.parse(d.healthyAt) : undefined;
  // A deployment resumed after the cutover (recover.ts) never ran register, where the endpoint is learnt.
  const endpoint = ctx.endpoint ?? (await deps.lb.state(env)).endpoint;
  return { kind: 'succeeded', deployment: d, endpoint, phasesMs, ...(switchMs === undefined ? {} : { switchMs }) };
}

function green(ctx: Ctx): GroupRecord {
  const g = ctx.state.groups.find((x) => x.name === ctx.d.group);
  if (g === undefined) throw new Error(`deploy state has no group ${ctx.d.group}`);
  return g;
}

const RUN: Record<Phase, (ctx: Ctx) => Promise<void>> = {
  async launch(ctx) {
    const { deps, state, d } = ctx;
    if (!state.groups.some((g) => g.name === d.group)) {
      const sequence = Number(/-v(\d+)$/.exec(d.group)?.[1] ?? 0);
      state.groups.push({ name: d.group, sequence, image: d.image, targets: [], status: 'launching', createdAt: iso(deps.clock.now()) });
      // Recorded before anything of it exists: a crash from here on leaves gc a name to look for.
      writeState(deps.home, state);
    }
    const launched = await deps.compute.launchGroup(
      state.env,
      { name: d.group, image: d.image, instances: d.settings.instances, appPort: d.settings.appPort },
      ctx.signal,
    );
    green(ctx).targets = launched.targets;
    writeState(deps.home, state);
  },

  async register(ctx) {
    const { deps, state, d } = ctx;
    ctx.endpoint = (await deps.lb.ensure(state.env, { listenPort: d.settings.listenPort, healthCheck: d.settings.healthCheck, registered: registeredGroups(state, d.group) })).endpoint;
    const g = green(ctx);
    await deps.lb.register(state.env, { name: g.name, targets: g.targets }, d.settings.healthCheck);
  },

  async health(ctx) {
    const { deps, state, d } = ctx;
    const hc = d.settings.healthCheck;
    const deadline = Date.parse(d.startedAt) + hc.deadlineMs;
    const out = await waitHealthy(deps, state.env, d.group, green(ctx).targets.length, hc, deadline, ctx.signal);
    if (out.kind === 'unhealthy') {
      throw new DeployFailure(
        `${d.group} did not pass its health checks (GET ${hc.path}) within ${Math.round(hc.deadlineMs / 1000)} s: ${out.reason}\n${describeChecks(out.targets)}`,
        out.targets,
      );
    }
    d.healthyAt = iso(out.at);
  },

  async cutover(ctx) {
    const { deps, state, d } = ctx;
    ctx.endpoint ??= (await deps.lb.ensure(state.env, { listenPort: d.settings.listenPort, healthCheck: d.settings.healthCheck, registered: registeredGroups(state) })).endpoint;
    await deps.lb.cutover(state.env, d.group, d.from ? [d.from] : []);
    const now = deps.clock.now();
    d.switchedAt = iso(now);
    const g = green(ctx);
    if (state.live !== g.name) {
      const blue = state.groups.find((x) => x.name === d.from);
      if (blue) {
        blue.status = 'previous';
        blue.retiredAt = iso(now);
      }
      g.status = 'live';
      g.liveAt = iso(now);
      // A kept group brought back by a rollback serves again: it is no longer retired or due to expire.
      delete g.retiredAt;
      delete g.expiresAt;
      state.live = g.name;
      state.history.push({ group: g.name, image: g.image, at: iso(now) });
    }
    writeState(deps.home, state);
  },

  async verify(ctx) {
    const { deps, state, d } = ctx;
    const path = d.settings.healthCheck.path;
    const tries = Math.max(5, 3 * d.settings.instances);
    for (let i = 0; i < tries; i++) {
      const r = await deps.lb.probe(state.env, path, ctx.signal);
      if (r.status < 200 || r.status >= 400) throw new DeployFailure(`GET ${path} through the load balancer answered ${r.status} after the cutover to ${d.group}`);
      if (r.group !== undefined && r.group !== d.group) {
        throw new DeployFailure(`GET ${path} through the load balancer was answered by ${r.group}, not ${d.group}, after the cutover`);
      }
    }
  },

  async retire(ctx) {
    const { deps, state, d } = ctx;
    const now = deps.clock.now();
    const blue = d.from === undefined ? undefined : state.groups.find((g) => g.name === d.from);
    // Only the group that served last is kept for a rollback; any older kept group goes now.
    for (const g of state.groups.filter((x) => x.status === 'previous' && x !== blue)) await destroyGroup(deps, state, g.name);
    if (blue && (d.kind === 'rollback' || d.settings.keepPreviousMs === 0)) {
      await destroyGroup(deps, state, blue.name);
    } else if (blue) {
      blue.expiresAt = iso(now + d.settings.keepPreviousMs);
    }
    state.deployment = undefined;
    writeState(deps.home, state);
    recordOutcome(deps, d, state.env, now, 'succeeded');
  },
};

/**
 * After a failed phase: puts the environment back as it was before the deployment and returns
 * the group that serves now. Runs to the end even when the deployment was aborted (no signal).
 */
export async function undo(ctx: Pick<Ctx, 'deps' | 'state' | 'd'>, phase: Phase): Promise<string | undefined> {
  const { deps, state, d } = ctx;
  if (phase === 'retire') return state.live; // green serves; the journal stays for the next run to finish
  const env = state.env;
  const blue = d.from === undefined ? undefined : state.groups.find((g) => g.name === d.from);
  if (state.live === d.group || phase === 'cutover' || phase === 'verify') {
    if (blue) {
      deps.events.log(env, `switching traffic back to ${blue.name}`);
      await deps.lb.cutover(env, blue.name, [d.group]);
      blue.status = 'live';
      delete blue.retiredAt;
      delete blue.expiresAt;
      state.live = blue.name;
    } else if (state.live === d.group) {
      delete state.live;
    }
    writeState(deps.home, state);
  }
  const g = state.groups.find((x) => x.name === d.group);
  if (g && d.reusedGroup) {
    // A rollback's group was kept from before: it goes back to standby. If the cutover had made it
    // live (and so cleared its expiry), it is kept for a fresh keep_previous, as a group retired now.
    g.status = 'previous';
    g.retiredAt ??= iso(deps.clock.now());
    g.expiresAt ??= iso(deps.clock.now() + d.settings.keepPreviousMs);
  } else if (g) {
    deps.events.log(env, `destroying ${d.group}`);
    await destroyGroup(deps, state, d.group, { force: state.live === undefined });
  }
  state.deployment = undefined;
  writeState(deps.home, state);
  recordOutcome(deps, d, env, deps.clock.now(), 'failed', `failed in ${phase}`);
  return state.live;
}

/** The deployment's line in the history: who moved which image from which group to which, and how it ended. */
function recordOutcome(deps: DeployDeps, d: Deployment, env: string, at: number, result: 'succeeded' | 'failed', detail?: string): void {
  appendHistory(deps.home, {
    at: iso(at),
    actor: d.actor,
    action: d.kind,
    result,
    env,
    image: d.image,
    ...(d.from ? { from: d.from } : {}),
    to: d.group,
    ...(detail === undefined ? {} : { detail }),
  });
}

function describePhase(ctx: Ctx, phase: Phase): string {
  const { d } = ctx;
  switch (phase) {
    case 'launch':
      return `${d.group}: ${d.settings.instances} instance${d.settings.instances === 1 ? '' : 's'} of ${d.image}`;
    case 'register':
      return `${d.group} in standby on the load balancer`;
    case 'health':
      return `GET ${d.settings.healthCheck.path} on every instance of ${d.group}`;
    case 'cutover':
      return d.from ? `${d.from} -> ${d.group}` : `${d.group} serves`;
    case 'verify':
      return `answers through the load balancer come from ${d.group}`;
    case 'retire':
      return d.from ? (d.kind === 'rollback' || d.settings.keepPreviousMs === 0 ? `destroy ${d.from}` : `keep ${d.from} in standby`) : 'nothing to retire';
  }
}

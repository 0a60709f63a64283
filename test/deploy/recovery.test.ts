/**
 * A bake killed (SIGKILL, simulated by the fakes' KillSwitch) at a driver call in each phase of a
 * deployment, and the next command (`bake status`, `bake promote` or `bake gc`) finishing or
 * undoing what it left. The platform (instances, load balancer) is left exactly as the kill left it.
 *
 * Every case starts from web-staging-v001 kept and v002 live, and kills the promote of a third
 * image (v003), so that retire has a kept group to destroy. Before the cutover the recovery
 * destroys v003 and v002 keeps serving; from the cutover on, it finishes and v003 serves.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gcDeployments } from '../../src/deploy/gc.js';
import type { RecoveryOutcome } from '../../src/deploy/recover.js';
import type { Phase } from '../../src/deploy/state.js';
import { environmentStatus } from '../../src/deploy/status.js';
import type { DriverCall, KillStage } from '../_helpers/fake-deploy-drivers.js';
import { DeployWorld, KEEP_MS, expectSettled } from './deploy-world.js';

type KillPoint = { phase: Phase } | { call: DriverCall; nth?: number; stage?: KillStage };

interface Case {
  name: string;
  at: KillPoint;
  /** The journal's phase after the kill. */
  journal: Phase;
  /** Whether v003's instances exist after the kill. */
  greenRunning: boolean;
  recovery: 'rolled-back' | 'finished';
}

const CASES: Case[] = [
  { name: 'launch, before the instances start', at: { phase: 'launch' }, journal: 'launch', greenRunning: false, recovery: 'rolled-back' },
  { name: 'launch, instances started but not booted', at: { call: 'compute.launchGroup', stage: 'midway' }, journal: 'launch', greenRunning: true, recovery: 'rolled-back' },
  { name: 'launch, booted but not recorded', at: { call: 'compute.launchGroup', stage: 'after' }, journal: 'launch', greenRunning: true, recovery: 'rolled-back' },
  { name: 'register, before the load balancer is ensured', at: { phase: 'register' }, journal: 'register', greenRunning: true, recovery: 'rolled-back' },
  { name: 'register, green registered in standby', at: { call: 'lb.register', stage: 'after' }, journal: 'register', greenRunning: true, recovery: 'rolled-back' },
  { name: 'health, at the first check', at: { phase: 'health' }, journal: 'health', greenRunning: true, recovery: 'rolled-back' },
  { name: 'health, checks under way', at: { call: 'lb.state', nth: 2 }, journal: 'health', greenRunning: true, recovery: 'rolled-back' },
  { name: 'cutover, before the switch', at: { phase: 'cutover' }, journal: 'cutover', greenRunning: true, recovery: 'finished' },
  { name: 'cutover, green serving and blue not yet drained', at: { call: 'lb.cutover', stage: 'midway' }, journal: 'cutover', greenRunning: true, recovery: 'finished' },
  { name: 'cutover, switched but not recorded', at: { call: 'lb.cutover', stage: 'after' }, journal: 'cutover', greenRunning: true, recovery: 'finished' },
  { name: 'verify, at the first probe', at: { phase: 'verify' }, journal: 'verify', greenRunning: true, recovery: 'finished' },
  { name: 'verify, probes under way', at: { call: 'lb.probe', nth: 3 }, journal: 'verify', greenRunning: true, recovery: 'finished' },
  { name: 'retire, before destroying the oldest group', at: { phase: 'retire' }, journal: 'retire', greenRunning: true, recovery: 'finished' },
  { name: 'retire, oldest group destroyed but not recorded', at: { call: 'compute.destroyGroup', stage: 'after' }, journal: 'retire', greenRunning: true, recovery: 'finished' },
];

let w: DeployWorld;
let v3: string;

beforeEach(async () => {
  w = new DeployWorld();
  await w.promote(w.image('v1'));
  await w.promote(w.image('v2'));
  v3 = w.image('v3');
});
afterEach(() => w.cleanup());

async function crash(c: Case): Promise<void> {
  await w.killDuring(() => w.promote(v3), c.at);
  const s = w.state();
  expect(s.deployment, 'the kill left the journal').toMatchObject({ group: 'web-staging-v003', from: 'web-staging-v002', phase: c.journal });
  expect(w.vms().includes('web-staging-v003')).toBe(c.greenRunning);
}

/** What the recovery says it did, and the history it wrote. */
function expectRecovery(c: Case, recovered: RecoveryOutcome): void {
  expect(recovered.kind).toBe(c.recovery);
  const last = w.history().filter((h) => h.to === 'web-staging-v003');
  if (c.recovery === 'rolled-back') {
    expect(recovered).toMatchObject({ group: 'web-staging-v003', phase: c.journal, serving: 'web-staging-v002' });
    expect(last).toMatchObject([{ action: 'promote', result: 'failed', image: v3, from: 'web-staging-v002', detail: `failed in ${c.journal}` }]);
  } else {
    expect(recovered).toMatchObject({ outcome: { kind: 'succeeded', endpoint: w.lb.snapshot('staging').endpoint } });
    expect(last).toMatchObject([{ action: 'promote', result: 'succeeded', image: v3, from: 'web-staging-v002' }]);
  }
}

/** Where a recovery leaves the environment, by what it did. */
function expectRecovered(c: Case, recovered: RecoveryOutcome): void {
  expectRecovery(c, recovered);
  const s = w.state();
  if (c.recovery === 'rolled-back') {
    expect(s.live).toBe('web-staging-v002');
    expect(s.groups.map((g) => [g.name, g.status])).toEqual([
      ['web-staging-v001', 'previous'],
      ['web-staging-v002', 'live'],
    ]);
  } else {
    expect(s.live).toBe('web-staging-v003');
    expect(s.groups.map((g) => [g.name, g.status])).toEqual([
      ['web-staging-v002', 'previous'],
      ['web-staging-v003', 'live'],
    ]);
    expect(s.groups[0]!.expiresAt).toBe(new Date(w.clock.now() + KEEP_MS).toISOString());
    // Made live exactly once.
    expect(s.history.filter((h) => h.group === 'web-staging-v003')).toHaveLength(1);
  }
  expectSettled(w);
}

describe.each(CASES)('a promote killed in $name', (c) => {
  it('is recovered by the next bake status', async () => {
    await crash(c);
    const status = await environmentStatus(w.deps, w.pipeline(), 'staging');
    expectRecovered(c, status.recovered);
    expect(status.inProgress).toBeUndefined();
    expect(status.live).toBe(w.state().live);
    expect(status.endpoint).toBe(w.lb.snapshot('staging').endpoint);
    expect(status.groups.flatMap((g) => g.targets).every((t) => t.health === 'healthy')).toBe(true);
  });

  it('is recovered by the next bake promote, which then does its own job', async () => {
    await crash(c);
    const r = await w.promote(v3);
    if (r.kind === 'planned') throw new Error('planned');
    if (c.recovery === 'finished') {
      expectRecovered(c, r.recovered);
      expect(r.kind).toBe('unchanged');
    } else {
      expectRecovery(c, r.recovered);
      // v002's recovery is done; this promote deploys v003's image again, as v004.
      expect(r).toMatchObject({ kind: 'deployed', plan: { group: 'web-staging-v004', from: 'web-staging-v002' }, outcome: { kind: 'succeeded' } });
      const s = w.state();
      expect(s.live).toBe('web-staging-v004');
      expect(s.groups.map((g) => [g.name, g.status])).toEqual([
        ['web-staging-v002', 'previous'],
        ['web-staging-v004', 'live'],
      ]);
      expectSettled(w);
    }
  });

  it('is recovered by the next bake gc', async () => {
    await crash(c);
    const [gc, ...more] = await gcDeployments(w.deps);
    expect(more).toEqual([]);
    expect(gc).toMatchObject({ env: 'staging', orphans: [] });
    expect(gc!.busy).toBeUndefined();
    expectRecovered(c, gc!.recovered);
  });
});

describe('crashes outside the main path', () => {
  it('finishes undoing a failed deployment whose undo was killed', async () => {
    const bad = w.image('bad');
    w.compute.makeUnhealthy(bad);
    // The first destroyGroup after this is the undo's, of v003: killed after the load balancer let go of it.
    await w.killDuring(() => w.promote(bad), { call: 'compute.destroyGroup' });
    expect(w.state().deployment).toMatchObject({ group: 'web-staging-v003', phase: 'health' });
    expect(w.vms()).toContain('web-staging-v003');
    expect(w.lb.registered('staging')).not.toContain('web-staging-v003');
    const status = await environmentStatus(w.deps, w.pipeline(), 'staging');
    expect(status.recovered).toMatchObject({ kind: 'rolled-back', group: 'web-staging-v003', serving: 'web-staging-v002' });
    expect(w.state().live).toBe('web-staging-v002');
    expectSettled(w);
    expect(w.history().filter((h) => h.result === 'failed')).toHaveLength(1);
  });

  it('keeps the kept group when a rollback to it is killed before the cutover', async () => {
    await w.killDuring(() => w.rollback(), { phase: 'health' });
    expect(w.state().deployment).toMatchObject({ kind: 'rollback', group: 'web-staging-v001', reusedGroup: true });
    const status = await environmentStatus(w.deps, w.pipeline(), 'staging');
    expect(status.recovered).toMatchObject({ kind: 'rolled-back', group: 'web-staging-v001', serving: 'web-staging-v002' });
    const s = w.state();
    expect(s.live).toBe('web-staging-v002');
    expect(s.groups.map((g) => [g.name, g.status])).toEqual([
      ['web-staging-v001', 'previous'],
      ['web-staging-v002', 'live'],
    ]);
    expectSettled(w);
    // And the rollback can be run again.
    const again = await w.rollback();
    expect(again).toMatchObject({ kind: 'rolled-back', outcome: { kind: 'succeeded' } });
    expect(w.state().live).toBe('web-staging-v001');
    expectSettled(w);
  });

  it('finishes a rollback killed in the middle of its cutover, destroying the group rolled back from', async () => {
    await w.killDuring(() => w.rollback(), { call: 'lb.cutover', stage: 'midway' });
    expect(w.lb.serving('staging').sort()).toEqual(['web-staging-v001', 'web-staging-v002']);
    const [gc] = await gcDeployments(w.deps);
    expect(gc!.recovered).toMatchObject({ kind: 'finished', outcome: { kind: 'succeeded' } });
    const s = w.state();
    expect(s.live).toBe('web-staging-v001');
    expect(s.groups.map((g) => [g.name, g.status])).toEqual([['web-staging-v001', 'live']]);
    expectSettled(w);
  });

  it('rolls back a cutover whose green went unhealthy while nobody was watching', async () => {
    await w.killDuring(() => w.promote(v3), { phase: 'cutover' });
    w.compute.makeUnhealthy(v3);
    await w.advance(10_000);
    const status = await environmentStatus(w.deps, w.pipeline(), 'staging');
    expect(status.recovered).toMatchObject({ kind: 'rolled-back', group: 'web-staging-v003', phase: 'cutover', serving: 'web-staging-v002' });
    expect(w.state().live).toBe('web-staging-v002');
    expectSettled(w);
  });

  it('reports a deployment whose process is still running instead of recovering it', async () => {
    let inHealth!: () => void;
    const reached = new Promise<void>((r) => (inHealth = r));
    w.onPhase('health', 'start', () => inHealth());
    const running = w.promote(v3);
    await reached;
    const status = await environmentStatus(w.deps, w.pipeline(), 'staging');
    expect(status.recovered).toEqual({ kind: 'none' });
    expect(status.inProgress?.deployment).toMatchObject({ group: 'web-staging-v003', phase: 'health' });
    expect(status.inProgress?.holder?.pid).toBe(process.pid);
    expect(status.live).toBe('web-staging-v002');
    await expect(running).resolves.toMatchObject({ kind: 'deployed', outcome: { kind: 'succeeded' } });
    expect(w.state().live).toBe('web-staging-v003');
    expectSettled(w);
  });
});

describe('a first deploy killed', () => {
  beforeEach(() => {
    w.cleanup();
    w = new DeployWorld();
    v3 = w.image('v1');
  });

  it('before its cutover leaves nothing behind once recovered, and can be promoted again', async () => {
    await w.killDuring(() => w.promote(v3), { phase: 'health' });
    expect(w.vms()).toEqual(['web-staging-v001']);
    const status = await environmentStatus(w.deps, w.pipeline(), 'staging');
    expect(status.recovered).toMatchObject({ kind: 'rolled-back', group: 'web-staging-v001' });
    expect(w.state().groups).toEqual([]);
    expect(w.state().live).toBeUndefined();
    expect(w.compute.allInstances()).toEqual([]);
    expect(w.lb.serving('staging')).toEqual([]);
    const again = await w.promote(v3);
    expect(again).toMatchObject({ kind: 'deployed', plan: { group: 'web-staging-v002' }, outcome: { kind: 'succeeded' } });
    expectSettled(w);
  });

  it('in verify is finished by the next command, with its endpoint', async () => {
    await w.killDuring(() => w.promote(v3), { phase: 'verify' });
    const [gc] = await gcDeployments(w.deps);
    expect(gc!.recovered).toMatchObject({ kind: 'finished', outcome: { kind: 'succeeded', endpoint: w.lb.snapshot('staging').endpoint } });
    expect(w.state().live).toBe('web-staging-v001');
    expectSettled(w);
  });
});

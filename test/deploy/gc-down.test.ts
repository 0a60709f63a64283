/**
 * The traffic guard and cleaning up: `bake down` refuses to take a serving environment offline
 * unless forced, and `bake gc` destroys kept groups past keep_previous, orphaned instances and
 * crashed deployments' groups, but never the live group.
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { down } from '../../src/deploy/down.js';
import { gcDeployments } from '../../src/deploy/gc.js';
import { destroyGroup } from '../../src/deploy/groups.js';
import { environmentPaths } from '../../src/deploy/paths.js';
import { DeployWorld, KEEP_MS, expectSettled } from './deploy-world.js';

let w: DeployWorld;
let v1: string;
let v2: string;
beforeEach(() => void ({ w, v1, v2 } = DeployWorld.withTwoImages()));
afterEach(() => w.cleanup());

const destroys = () => [...w.compute.calls, ...w.lb.calls].filter((c) => /^(destroyGroup|deregister|disable|destroy) /.test(c));

describe('bake down', () => {
  it('refuses to take down an environment that serves, and touches nothing', async () => {
    await w.promote(v1);
    await w.promote(v2);
    const before = w.rawState();
    const err = await down(w.deps, { pipeline: w.pipeline(), env: 'staging', force: false }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_BAKE_TRAFFIC_GUARD', message: 'staging is serving from web-staging-v002; bake down would take it offline' });
    expect(destroys()).toEqual([]);
    expect(w.rawState()).toBe(before);
    expect(w.vms().sort()).toEqual(['web-staging-v001', 'web-staging-v002']);
    expectSettled(w);
    expect(existsSync(environmentPaths(w.home, 'staging').lock)).toBe(false);
  });

  it('with --force destroys every group, the load balancer and the state, the live group last', async () => {
    await w.promote(v1);
    await w.promote(v2);
    await w.promote(v1, { env: 'prod' });
    const r = await down(w.deps, { pipeline: w.pipeline(), env: 'staging', force: true });
    expect(r).toEqual({ kind: 'down', env: 'staging', destroyed: ['web-staging-v001', 'web-staging-v002'] });
    expect(w.compute.allInstances().filter((i) => i.startsWith('staging/'))).toEqual([]);
    expect(w.lb.snapshot('staging').running).toBe(false);
    expect(w.lb.calls).toContain('destroy staging');
    expect(existsSync(environmentPaths(w.home, 'staging').dir)).toBe(false);
    expect(w.history().at(-1)).toMatchObject({ action: 'down', result: 'succeeded', env: 'staging', from: 'web-staging-v002', detail: 'destroyed web-staging-v001, web-staging-v002' });
    // Only the forced steps took the last server away; prod is untouched.
    expect(w.lb.violations).toEqual([]);
    expectSettled(w, 'prod');
    expect(w.state('prod').live).toBe('web-prod-v001');
  });

  it('with --force also stops instances the state does not know', async () => {
    await w.promote(v1);
    await w.compute.launchGroup('staging', { name: 'web-staging-v009', image: v1, instances: 1, appPort: 8080 });
    const r = await down(w.deps, { pipeline: w.pipeline(), env: 'staging', force: true });
    expect(r).toMatchObject({ kind: 'down', destroyed: ['web-staging-v001', 'web-staging-v009'] });
    expect(w.compute.allInstances()).toEqual([]);
  });

  it('says there was nothing when the environment was never deployed', async () => {
    await expect(down(w.deps, { pipeline: w.pipeline(), env: 'staging', force: false })).resolves.toEqual({ kind: 'nothing', env: 'staging' });
    expect(destroys()).toEqual([]);
  });

  it('takes down without --force an environment where nothing serves', async () => {
    const bad = w.image('bad');
    w.compute.makeUnhealthy(bad);
    await w.promote(bad); // fails: no group, but a load balancer was started
    expect(w.lb.snapshot('staging').running).toBe(true);
    await expect(down(w.deps, { pipeline: w.pipeline(), env: 'staging', force: false })).resolves.toEqual({ kind: 'down', env: 'staging', destroyed: [] });
    expect(w.lb.snapshot('staging').running).toBe(false);
  });
});

describe('the traffic guard on destroying a group', () => {
  it('refuses to destroy the live group unless forced', async () => {
    await w.promote(v1);
    const state = w.state();
    await expect(destroyGroup(w.deps, state, 'web-staging-v001')).rejects.toMatchObject({ code: 'ERR_BAKE_TRAFFIC_GUARD' });
    expect(destroys()).toEqual([]);
    expect(w.vms()).toEqual(['web-staging-v001']);
    await destroyGroup(w.deps, state, 'web-staging-v001', { force: true });
    expect(w.vms()).toEqual([]);
    expect(w.state().live).toBeUndefined();
    expect(w.lb.violations).toEqual([]);
  });
});

describe('bake gc', () => {
  it('leaves a kept group alone until keep_previous has passed, then destroys it and never the live one', async () => {
    await w.promote(v1);
    await w.promote(v2);
    await w.advance(KEEP_MS - 1_000);
    expect(await gcDeployments(w.deps)).toEqual([{ env: 'staging', recovered: { kind: 'none' }, expired: [], orphans: [] }]);
    expect(w.vms().sort()).toEqual(['web-staging-v001', 'web-staging-v002']);

    await w.advance(1_000);
    expect(await gcDeployments(w.deps)).toEqual([{ env: 'staging', recovered: { kind: 'none' }, expired: ['web-staging-v001'], orphans: [] }]);
    const s = w.state();
    expect(s.groups.map((g) => [g.name, g.status])).toEqual([['web-staging-v002', 'live']]);
    expect(w.vms()).toEqual(['web-staging-v002']);
    expect(w.lb.registered('staging')).toEqual(['web-staging-v002']);
    expectSettled(w);

    // Long after, the live group is still there.
    await w.advance(100 * KEEP_MS);
    expect(await gcDeployments(w.deps)).toEqual([{ env: 'staging', recovered: { kind: 'none' }, expired: [], orphans: [] }]);
    expect(w.vms()).toEqual(['web-staging-v002']);
    expectSettled(w);
  });

  it('destroys instances no group owns, in every environment, and keeps the live ones', async () => {
    await w.promote(v1);
    await w.promote(v1, { env: 'prod' });
    // What a crash between starting a VM and recording it leaves: instances under a name no state has.
    await w.compute.launchGroup('staging', { name: 'web-staging-v007', image: v2, instances: 2, appPort: 8080 });
    await w.compute.launchGroup('prod', { name: 'web-prod-v005', image: v2, instances: 1, appPort: 8080 });
    const out = await gcDeployments(w.deps);
    expect(out).toEqual([
      { env: 'prod', recovered: { kind: 'none' }, expired: [], orphans: ['web-prod-v005'] },
      { env: 'staging', recovered: { kind: 'none' }, expired: [], orphans: ['web-staging-v007'] },
    ]);
    expect(w.compute.allInstances().sort()).toEqual(['prod/web-prod-v001-0', 'prod/web-prod-v001-1', 'staging/web-staging-v001-0', 'staging/web-staging-v001-1']);
    expectSettled(w);
    expectSettled(w, 'prod');
  });

  it('destroys the group of a crashed promote, and the expired kept group, in one run', async () => {
    await w.promote(v1);
    await w.promote(v2);
    const v3 = w.image('v3');
    await w.killDuring(() => w.promote(v3), { call: 'compute.launchGroup', stage: 'after' });
    expect(w.vms().sort()).toEqual(['web-staging-v001', 'web-staging-v002', 'web-staging-v003']);
    await w.advance(KEEP_MS);
    const [gc] = await gcDeployments(w.deps);
    expect(gc).toMatchObject({ env: 'staging', recovered: { kind: 'rolled-back', group: 'web-staging-v003' }, expired: ['web-staging-v001'], orphans: [] });
    expect(w.vms()).toEqual(['web-staging-v002']);
    expect(w.state().live).toBe('web-staging-v002');
    expectSettled(w);
  });

  it('leaves an environment another bake is changing alone', async () => {
    await w.promote(v1);
    await w.promote(v2);
    await w.advance(KEEP_MS);
    let inLaunch!: () => void;
    const reached = new Promise<void>((r) => (inLaunch = r));
    w.onPhase('launch', 'start', () => inLaunch());
    const running = w.promote(w.image('v3'), { env: 'staging' });
    await reached;
    const [gc] = await gcDeployments(w.deps);
    expect(gc!.busy).toContain(`process ${process.pid}`);
    expect(gc).toMatchObject({ env: 'staging', expired: [], orphans: [] });
    await running;
    // The promote itself retired the expired group before deploying.
    expect(w.state().groups.map((g) => g.name)).toEqual(['web-staging-v002', 'web-staging-v003']);
    expectSettled(w);
  });

  it('has nothing to do when nothing was ever deployed', async () => {
    expect(await gcDeployments(w.deps)).toEqual([]);
  });
});

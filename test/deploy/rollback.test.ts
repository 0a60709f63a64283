/**
 * `bake rollback` through the deploy engine on the fake drivers: back to the kept group when there
 * is one (no boot), a full redeploy of the previous image when it is gone, and --dry-run.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RollbackOutcome } from '../../src/deploy/rollback.js';
import { DeployWorld, KEEP_MS, expectSettled } from './deploy-world.js';

let w: DeployWorld;
let v1: string;
let v2: string;
beforeEach(() => void ({ w, v1, v2 } = DeployWorld.withTwoImages()));
afterEach(() => w.cleanup());

function rolledBack(o: RollbackOutcome) {
  if (o.kind !== 'rolled-back') throw new Error(`expected a rollback, got ${o.kind}`);
  if (o.outcome.kind !== 'succeeded') throw new Error(`rollback failed in ${o.outcome.phase}: ${o.outcome.message}`);
  return { ...o, outcome: o.outcome };
}

describe('rollback to the kept previous group', () => {
  it('serves from v001 again without booting anything, then destroys v002', async () => {
    await w.promote(v1);
    await w.promote(v2);
    const launched = [...w.compute.launched];
    const r = rolledBack(await w.rollback());

    expect(r.plan).toMatchObject({ from: 'web-staging-v002', to: 'web-staging-v001', image: v1, reuse: true });
    expect(w.compute.launched).toEqual(launched);
    const s = w.state();
    expect(s.live).toBe('web-staging-v001');
    expect(s.groups.map((g) => [g.name, g.status, g.retiredAt, g.expiresAt])).toEqual([['web-staging-v001', 'live', undefined, undefined]]);
    expect(s.nextSequence).toBe(3); // no new group was named
    expect(w.vms()).toEqual(['web-staging-v001']);
    expect(w.lb.serving('staging')).toEqual(['web-staging-v001']);
    expect(w.lb.calls).toContain('cutover staging web-staging-v001 from web-staging-v002');
    expect(w.compute.calls).toContain('destroyGroup staging web-staging-v002');
    expect(w.history().at(-1)).toMatchObject({ action: 'rollback', result: 'succeeded', image: v1, from: 'web-staging-v002', to: 'web-staging-v001' });
    expect(s.history.map((h) => h.group)).toEqual(['web-staging-v001', 'web-staging-v002', 'web-staging-v001']);
    expect(w.lb.violations).toEqual([]);
    expectSettled(w);
  });

  it('leaves v002 live and v001 kept when v001 no longer passes its checks', async () => {
    await w.promote(v1);
    await w.promote(v2);
    const expiresAt = w.state().groups.find((g) => g.name === 'web-staging-v001')!.expiresAt;
    w.compute.makeUnhealthy(v1, 'HTTP 500');
    const r = await w.rollback();
    if (r.kind !== 'rolled-back') throw new Error(r.kind);
    expect(r.outcome).toMatchObject({ kind: 'failed', phase: 'health', serving: 'web-staging-v002' });
    const s = w.state();
    expect(s.live).toBe('web-staging-v002');
    expect(s.groups.map((g) => [g.name, g.status, g.expiresAt])).toEqual([
      ['web-staging-v001', 'previous', expiresAt],
      ['web-staging-v002', 'live', undefined],
    ]);
    expect(w.vms().sort()).toEqual(['web-staging-v001', 'web-staging-v002']);
    expect(w.lb.serving('staging')).toEqual(['web-staging-v002']);
    expect(w.history().at(-1)).toMatchObject({ action: 'rollback', result: 'failed' });
    expect(w.lb.violations).toEqual([]);
  });

  it('keeps v001 for a later rollback, with a fresh keep_previous, when the rollback fails after its cutover', async () => {
    await w.promote(v1);
    await w.promote(v2);
    await w.advance(60_000);
    w.onPhase('verify', 'start', () => w.lb.failProbes('staging', 502));
    const r = await w.rollback();
    if (r.kind !== 'rolled-back') throw new Error(r.kind);
    expect(r.outcome).toMatchObject({ kind: 'failed', phase: 'verify', serving: 'web-staging-v002' });
    w.lb.failProbes('staging', undefined);
    const s = w.state();
    expect(s.live).toBe('web-staging-v002');
    const v001 = s.groups.find((g) => g.name === 'web-staging-v001')!;
    expect([v001.status, v001.expiresAt]).toEqual(['previous', new Date(w.clock.now() + KEEP_MS).toISOString()]);
    expect(w.vms().sort()).toEqual(['web-staging-v001', 'web-staging-v002']);
    expectSettled(w);
    // It still expires: gc takes it once keep_previous has passed.
    await w.advance(KEEP_MS);
    await w.rollback({ dryRun: true }).then((p) => expect(p).toMatchObject({ plan: { reuse: false } }));
  });
});

describe('rollback when the previous group is gone', () => {
  it('redeploys the previous image as a new group when keep_previous has passed', async () => {
    await w.promote(v1);
    await w.promote(v2);
    await w.advance(KEEP_MS + 1);
    const r = rolledBack(await w.rollback());

    expect(r.plan).toMatchObject({ from: 'web-staging-v002', to: 'web-staging-v003', image: v1, reuse: false });
    expect(w.compute.launched).toEqual(['web-staging-v001', 'web-staging-v002', 'web-staging-v003']);
    const s = w.state();
    expect(s.live).toBe('web-staging-v003');
    expect(s.groups.map((g) => [g.name, g.status, g.image])).toEqual([['web-staging-v003', 'live', v1]]);
    expect(w.vms()).toEqual(['web-staging-v003']);
    // The same phases as a promote, from launch.
    const phases = w.events.filter((e) => e.endsWith(' start') || / start: /.test(e)).map((e) => e.split(' ')[1]);
    expect(phases.slice(-6)).toEqual(['launch', 'register', 'health', 'cutover', 'verify', 'retire']);
    expect(w.history().at(-1)).toMatchObject({ action: 'rollback', result: 'succeeded', image: v1, from: 'web-staging-v002', to: 'web-staging-v003' });
    expect(w.lb.violations).toEqual([]);
    expectSettled(w);
  });

  it('redeploys the previous image when keep_previous is 0', async () => {
    const pipeline = w.pipeline({ staging: { keepPreviousMs: 0 } });
    await w.promote(v1, { pipeline });
    await w.promote(v2, { pipeline });
    expect(w.vms()).toEqual(['web-staging-v002']);
    const r = rolledBack(await w.rollback({ pipeline }));
    expect(r.plan).toMatchObject({ to: 'web-staging-v003', image: v1, reuse: false });
    expect(w.state().groups.map((g) => [g.name, g.image])).toEqual([['web-staging-v003', v1]]);
    expectSettled(w);
  });

  it('refuses when the environment has run no other image', async () => {
    await w.promote(v1);
    await expect(w.rollback()).rejects.toMatchObject({ code: 'ERR_BAKE_NOTHING_TO_ROLL_BACK' });
    expect(w.state().live).toBe('web-staging-v001');
    expect(w.state().deployment).toBeUndefined();
  });

  it('refuses when nothing is live', async () => {
    await expect(w.rollback()).rejects.toMatchObject({ code: 'ERR_BAKE_NOTHING_TO_ROLL_BACK', message: 'Nothing is live in staging' });
    expect(w.compute.calls).toEqual([]);
  });
});

describe('rollback --dry-run', () => {
  it('plans the return to the kept group and changes nothing', async () => {
    await w.promote(v1);
    await w.promote(v2);
    const before = w.rawState();
    const calls = [w.compute.calls.length, w.lb.calls.length];
    const r = await w.rollback({ dryRun: true });
    if (r.kind !== 'planned') throw new Error(r.kind);
    expect(r.plan).toMatchObject({ from: 'web-staging-v002', to: 'web-staging-v001', reuse: true });
    expect(r.plan.steps.at(-1)).toBe('destroy web-staging-v002');
    expect(w.rawState()).toBe(before);
    const reads = new Set(['state', 'listGroups']);
    expect([...w.compute.calls.slice(calls[0]), ...w.lb.calls.slice(calls[1])].filter((c) => !reads.has(c.split(' ')[0]!))).toEqual([]);
    expect(w.vms().sort()).toEqual(['web-staging-v001', 'web-staging-v002']);
    expect(w.lb.serving('staging')).toEqual(['web-staging-v002']);
  });

  it('plans the redeploy the real rollback would do once the kept group has expired', async () => {
    await w.promote(v1);
    await w.promote(v2);
    await w.advance(KEEP_MS + 1);
    const before = w.rawState();
    const r = await w.rollback({ dryRun: true });
    if (r.kind !== 'planned') throw new Error(r.kind);
    expect(r.plan).toMatchObject({ to: 'web-staging-v003', image: v1, reuse: false });
    expect(w.rawState()).toBe(before);
    expect(w.vms().sort()).toEqual(['web-staging-v001', 'web-staging-v002']);
    // And the real one does what was planned.
    const real = rolledBack(await w.rollback());
    expect(real.plan.to).toBe(r.plan.to);
    expect(real.plan.reuse).toBe(false);
  });
});

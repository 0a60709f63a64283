/**
 * `bake promote` through the deploy engine on the fake drivers: which image goes where, the
 * blue/green phases, a failed health check, the approval gate, --dry-run and the environment lock.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PromoteOutcome } from '../../src/deploy/promote.js';
import { environmentPaths } from '../../src/deploy/paths.js';
import { processStartTime } from '../../src/runtime/lock.js';
import { DeployWorld, KEEP_MS, deadProcess, expectSettled } from './deploy-world.js';

let w: DeployWorld;
beforeEach(() => {
  w = new DeployWorld();
});
afterEach(() => w.cleanup());

const iso = (ms: number) => new Date(ms).toISOString();

/** Lets the promote run (microtasks and I/O) until `cond` holds. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  if (!cond()) throw new Error('condition never held');
}

function deployed(o: PromoteOutcome) {
  if (o.kind !== 'deployed') throw new Error(`expected a deployment, got ${o.kind}`);
  return o;
}

function succeeded(o: PromoteOutcome) {
  const d = deployed(o);
  if (d.outcome.kind !== 'succeeded') throw new Error(`deployment failed in ${d.outcome.phase}: ${d.outcome.message}`);
  return { ...d, outcome: d.outcome };
}

describe('the first deploy to an environment', () => {
  it('makes web-staging-v001 live behind a new load balancer and returns its endpoint', async () => {
    const img = w.image('v1');
    const r = succeeded(await w.promote(img));

    expect(r.plan.group).toBe('web-staging-v001');
    expect(r.plan.from).toBeUndefined();
    expect(r.outcome.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(r.outcome.endpoint).toBe(w.lb.snapshot('staging').endpoint);
    const s = w.state();
    expect(s.live).toBe('web-staging-v001');
    expect(s.groups.map((g) => [g.name, g.status, g.image])).toEqual([['web-staging-v001', 'live', img]]);
    expect(s.history.map((h) => [h.group, h.image])).toEqual([['web-staging-v001', img]]);
    expect(w.compute.launched).toEqual(['web-staging-v001']);
    expect(w.lb.serving('staging')).toEqual(['web-staging-v001']);
    expectSettled(w);
  });

  it('records the deploy in the history with who did it', async () => {
    const img = w.image('v1');
    await w.promote(img);
    expect(w.history()).toEqual([
      { at: iso(w.clock.now()), actor: 'alice', action: 'promote', result: 'succeeded', env: 'staging', image: img, to: 'web-staging-v001' },
    ]);
  });

  it('runs the phases in order and reports the switch time on the virtual clock', async () => {
    const r = succeeded(await w.promote(w.image('v1')));
    const phases = w.events.filter((e) => / (start|ok|failed)/.test(e)).map((e) => e.replace(/:.*/, ''));
    expect(phases).toEqual(['launch', 'register', 'health', 'cutover', 'verify', 'retire'].flatMap((p) => [`staging ${p} start`, `staging ${p} ok`]));
    // Boot (15 s) is all of the launch; rise 2 at a 1 s interval is the health wait.
    expect(r.outcome.phasesMs.launch).toBe(15_000);
    expect(r.outcome.phasesMs.health).toBe(2_000);
    expect(r.outcome.switchMs).toBe(0);
  });
});

describe('a second promote', () => {
  it('cuts over to v002 and keeps v001 in standby until now + keep_previous, with no moment without a healthy server', async () => {
    const v1 = w.image('v1');
    const v2 = w.image('v2');
    const first = succeeded(await w.promote(v1));
    const r = succeeded(await w.promote(v2));

    expect(r.plan.group).toBe('web-staging-v002');
    expect(r.plan.from).toBe('web-staging-v001');
    expect(r.outcome.endpoint).toBe(first.outcome.endpoint);
    const s = w.state();
    expect(s.live).toBe('web-staging-v002');
    const v001 = s.groups.find((g) => g.name === 'web-staging-v001')!;
    expect(v001.status).toBe('previous');
    expect(v001.expiresAt).toBe(iso(w.clock.now() + KEEP_MS));
    expect(s.groups.find((g) => g.name === 'web-staging-v002')!.status).toBe('live');
    expect(w.vms().sort()).toEqual(['web-staging-v001', 'web-staging-v002']);
    // v001 stays registered (for a rollback) but takes no traffic.
    const modes = w.lb.snapshot('staging').targets.map((t) => `${t.id} ${t.mode} ${t.health}`);
    expect(modes.sort()).toEqual([
      'web-staging-v001-0 standby healthy',
      'web-staging-v001-1 standby healthy',
      'web-staging-v002-0 serving healthy',
      'web-staging-v002-1 serving healthy',
    ]);
    expect(w.lb.calls).toContain('cutover staging web-staging-v002 from web-staging-v001');
    expect(w.lb.violations).toEqual([]);
    expect(w.history().map((h) => [h.action, h.result, h.from, h.to])).toEqual([
      ['promote', 'succeeded', undefined, 'web-staging-v001'],
      ['promote', 'succeeded', 'web-staging-v001', 'web-staging-v002'],
    ]);
    expectSettled(w);
  });

  it('keeps only the group that served last: a third promote destroys v001', async () => {
    await w.promote(w.image('v1'));
    await w.promote(w.image('v2'));
    await w.promote(w.image('v3'));
    const s = w.state();
    expect(s.groups.map((g) => [g.name, g.status])).toEqual([
      ['web-staging-v002', 'previous'],
      ['web-staging-v003', 'live'],
    ]);
    expect(w.vms().sort()).toEqual(['web-staging-v002', 'web-staging-v003']);
    expect(w.lb.violations).toEqual([]);
    expectSettled(w);
  });

  it('destroys the previous group at once when keep_previous is 0', async () => {
    const pipeline = w.pipeline({ staging: { keepPreviousMs: 0 } });
    await w.promote(w.image('v1'), { pipeline });
    await w.promote(w.image('v2'), { pipeline });
    expect(w.state().groups.map((g) => g.name)).toEqual(['web-staging-v002']);
    expect(w.vms()).toEqual(['web-staging-v002']);
    expect(w.lb.registered('staging')).toEqual(['web-staging-v002']);
    expect(w.lb.violations).toEqual([]);
  });

  it('changes nothing when the image is already live', async () => {
    const v1 = w.image('v1');
    await w.promote(v1);
    const before = w.rawState();
    const calls = w.compute.calls.length;
    const r = await w.promote(v1);
    expect(r).toMatchObject({ kind: 'unchanged', group: 'web-staging-v001', image: v1 });
    expect(w.rawState()).toBe(before);
    expect(w.compute.calls.slice(calls)).toEqual([]);
  });
});

describe('choosing the image when none is given', () => {
  it('gives the first environment the newest image built from the pipeline template', async () => {
    w.image('old');
    const newest = w.image('new');
    w.image('other', { template: '/elsewhere/other.pkr.hcl' }); // newer, but another template
    const r = succeeded(await w.promote());
    expect(r.plan.image.id).toBe(newest);
    expect(r.plan.source).toBe('newest image of webapp.pkr.hcl');
    expect(w.state().groups[0]!.image).toBe(newest);
  });

  it('refuses the first environment when nothing was built from the template', async () => {
    w.image('other', { template: '/elsewhere/other.pkr.hcl' });
    await expect(w.promote()).rejects.toMatchObject({ code: 'ERR_BAKE_IMAGE_NOT_FOUND', message: expect.stringContaining('webapp.pkr.hcl') });
    expect(w.compute.calls).toEqual([]);
  });

  it('gives prod the image live in staging, not the newest one', async () => {
    const v1 = w.image('v1');
    await w.promote(v1);
    w.image('v2'); // built since, not in staging
    const r = succeeded(await w.promote(undefined, { env: 'prod' }));
    expect(r.plan.image.id).toBe(v1);
    expect(r.plan.source).toBe('live in staging (web-staging-v001)');
    expect(r.plan.group).toBe('web-prod-v001');
    expect(w.state('prod').live).toBe('web-prod-v001');
    expect(w.lb.serving('prod')).toEqual(['web-prod-v001']);
    expectSettled(w, 'prod');
  });

  it('refuses prod while nothing is live in staging', async () => {
    w.image('v1');
    await expect(w.promote(undefined, { env: 'prod' })).rejects.toMatchObject({ code: 'ERR_BAKE_NOTHING_TO_PROMOTE' });
    expect(w.hasStateFile('prod')).toBe(false);
  });

  it('refuses an environment with an approval block, saying approvals are not implemented yet', async () => {
    const v1 = w.image('v1');
    await w.promote(v1);
    const range = w.pipeline().environments[1]!.range;
    const pipeline = w.pipeline({ prod: { approval: { approvers: ['alice', 'bob'], required: 1, range: { ...range, start: { ...range.start, line: 27 } } } } });
    const calls = [...w.compute.calls, ...w.lb.calls].length;
    const err = await w.promote(undefined, { env: 'prod', pipeline }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_BAKE_APPROVAL_REQUIRED', source: 'user' });
    expect((err as Error).message).toMatch(/bake does not implement approvals yet/);
    expect((err as Error).message).toContain('web.hcl:27');
    // Refused also with an explicit image and with --dry-run: nothing reaches the drivers.
    await expect(w.promote(v1, { env: 'prod', pipeline })).rejects.toMatchObject({ code: 'ERR_BAKE_APPROVAL_REQUIRED' });
    await expect(w.promote(v1, { env: 'prod', pipeline, dryRun: true })).rejects.toMatchObject({ code: 'ERR_BAKE_APPROVAL_REQUIRED' });
    expect([...w.compute.calls, ...w.lb.calls].length).toBe(calls);
    expect(w.hasStateFile('prod')).toBe(false);
  });

  it('refuses an image that is not in the store', async () => {
    await expect(w.promote('img-nope')).rejects.toMatchObject({ code: 'ERR_BAKE_IMAGE_NOT_FOUND' });
  });
});

describe('promote --dry-run', () => {
  it('returns the plan of a first deploy without touching anything', async () => {
    const v1 = w.image('v1');
    const r = await w.promote(v1, { dryRun: true });
    if (r.kind !== 'planned') throw new Error(r.kind);
    expect(r.plan.group).toBe('web-staging-v001');
    expect(r.plan.steps).toHaveLength(6);
    expect(r.plan.steps[0]).toBe(`launch web-staging-v001: 2 instances of ${v1} (v1), app port 8080`);
    expect(r.plan.steps[3]).toBe('web-staging-v001 starts serving');
    expect(r.plan.steps[5]).toBe('nothing to retire');
    expect(w.compute.calls).toEqual([]);
    expect(w.lb.calls).toEqual([]);
    expect(w.hasStateFile()).toBe(false);
    expect(existsSync(environmentPaths(w.home, 'staging').lock)).toBe(false);
  });

  it('plans a cutover from the live group and changes neither the state nor the platform', async () => {
    await w.promote(w.image('v1'));
    const v2 = w.image('v2');
    const before = w.rawState();
    const calls = [w.compute.calls.length, w.lb.calls.length];
    const r = await w.promote(v2, { dryRun: true });
    if (r.kind !== 'planned') throw new Error(r.kind);
    expect(r.plan).toMatchObject({ group: 'web-staging-v002', from: 'web-staging-v001', source: 'given' });
    expect(r.plan.steps[3]).toBe('cut over: web-staging-v002 serves, then web-staging-v001 drains');
    expect(r.plan.steps[5]).toBe('keep web-staging-v001 in standby for 600 s for a rollback, then destroy it');
    expect(w.rawState()).toBe(before);
    expect([w.compute.calls.length, w.lb.calls.length]).toEqual(calls);
    expect(w.vms()).toEqual(['web-staging-v001']);
  });
});

describe('a group that fails its health checks', () => {
  it('fails listing the checks, destroys green, and leaves blue live and serving', async () => {
    const v1 = w.image('v1');
    const bad = w.image('bad');
    await w.promote(v1);
    w.compute.makeUnhealthy(bad, 'HTTP 503');
    const r = deployed(await w.promote(bad));

    const o = r.outcome;
    if (o.kind !== 'failed') throw new Error('expected a failure');
    expect(o.phase).toBe('health');
    expect(o.serving).toBe('web-staging-v001');
    expect(o.checks?.map((c) => [c.id, c.health, c.detail])).toEqual([
      ['web-staging-v002-0', 'unhealthy', 'HTTP 503'],
      ['web-staging-v002-1', 'unhealthy', 'HTTP 503'],
    ]);
    expect(o.message).toContain('web-staging-v002 did not pass its health checks (GET /health) within 120 s');
    expect(o.message).toContain('web-staging-v002-0: unhealthy (HTTP 503)');
    expect(o.message).toContain('web-staging-v002-1: unhealthy (HTTP 503)');

    const s = w.state();
    expect(s.live).toBe('web-staging-v001');
    expect(s.deployment).toBeUndefined();
    expect(s.groups.map((g) => [g.name, g.status])).toEqual([['web-staging-v001', 'live']]);
    expect(w.vms()).toEqual(['web-staging-v001']);
    expect(w.lb.serving('staging')).toEqual(['web-staging-v001']);
    expect(w.lb.registered('staging')).toEqual(['web-staging-v001']);
    expect(w.compute.calls).toContain('destroyGroup staging web-staging-v002');
    expect(w.history().at(-1)).toMatchObject({ action: 'promote', result: 'failed', image: bad, from: 'web-staging-v001', to: 'web-staging-v002', detail: 'failed in health' });
    expect(w.lb.violations).toEqual([]);
    expectSettled(w);
  });

  it('gives up at the deadline counted from the start of the deployment, on the virtual clock', async () => {
    const bad = w.image('bad');
    w.compute.makeUnhealthy(bad);
    const t0 = w.clock.now();
    const r = deployed(await w.promote(bad));
    expect(r.outcome.kind).toBe('failed');
    expect(w.clock.now() - t0).toBe(120_000);
    // A first deploy that fails leaves no group and nothing live.
    expect(w.state().groups).toEqual([]);
    expect(w.state().live).toBeUndefined();
    expect(w.compute.allInstances()).toEqual([]);
  });
});

describe('a failure after the cutover', () => {
  it('switches traffic back to blue when answers through the load balancer fail, then destroys green', async () => {
    await w.promote(w.image('v1'));
    const v2 = w.image('v2');
    w.onPhase('verify', 'start', () => w.lb.failProbes('staging', 502));
    const r = deployed(await w.promote(v2));
    expect(r.outcome).toMatchObject({ kind: 'failed', phase: 'verify', serving: 'web-staging-v001' });
    w.lb.failProbes('staging', undefined);
    const s = w.state();
    expect(s.live).toBe('web-staging-v001');
    expect(s.groups.map((g) => [g.name, g.status, g.expiresAt, g.retiredAt])).toEqual([['web-staging-v001', 'live', undefined, undefined]]);
    expect(w.lb.calls).toContain('cutover staging web-staging-v001 from web-staging-v002');
    expect(w.vms()).toEqual(['web-staging-v001']);
    expect(w.lb.violations).toEqual([]);
    expectSettled(w);
  });

  it('fails a launch that fails, naming the phase and the error, with green cleaned up and blue serving', async () => {
    await w.promote(w.image('v1'));
    const broken = w.image('broken');
    w.compute.failLaunch(broken, 'Instance web-staging-v002-0 did not boot within 120 s');
    const o = await w.promote(broken);
    if (o.kind !== 'deployed') throw new Error(`expected a deployment, got ${o.kind}`);
    expect(o.outcome).toMatchObject({ kind: 'failed', phase: 'launch', message: 'Instance web-staging-v002-0 did not boot within 120 s', serving: 'web-staging-v001' });
    expect(w.state().groups.map((g) => g.name)).toEqual(['web-staging-v001']);
    expect(w.history().at(-1)).toMatchObject({ result: 'failed', detail: 'failed in launch' });
    expectSettled(w);
  });

  it('rejects with the signal when interrupted mid-launch, after destroying green and leaving blue serving', async () => {
    await w.promote(w.image('v1'));
    const ac = new AbortController();
    const running = w.promote(w.image('v2'), { signal: ac.signal });
    await until(() => w.compute.launched.includes('web-staging-v002'));
    ac.abort('SIGINT');
    await expect(running).rejects.toBe('SIGINT');
    expect(w.state().groups.map((g) => g.name)).toEqual(['web-staging-v001']);
    expect(w.history().at(-1)).toMatchObject({ result: 'failed', detail: 'failed in launch' });
    expectSettled(w);
  });

  it('still throws what is not a deploy error (a bug), after the same clean-up', async () => {
    await w.promote(w.image('v1'));
    const broken = w.image('broken');
    w.compute.failLaunch(broken, 'undefined is not a function', 'bug');
    await expect(w.promote(broken)).rejects.toThrow('undefined is not a function');
    expect(w.state().groups.map((g) => g.name)).toEqual(['web-staging-v001']);
    expectSettled(w);
  });
});

describe('the environment lock', () => {
  it('refuses a second promote at once, naming the process that holds the environment', async () => {
    const v1 = w.image('v1');
    const first = w.promote(v1);
    const err = await w.promote(v1).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_BAKE_ENV_LOCKED' });
    expect((err as Error).message).toContain(`Environment staging is being changed by process ${process.pid} (bake promote --to staging ${v1}`);
    // Only the first one launched anything, and it finishes undisturbed.
    succeeded(await first);
    expect(w.compute.launched).toEqual(['web-staging-v001']);
    expect(existsSync(environmentPaths(w.home, 'staging').lock)).toBe(false);
  });

  it('refuses while another live process holds the lock', async () => {
    const v1 = w.image('v1');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const pid = child.pid!;
      let processStart: string | undefined;
      for (let i = 0; i < 100 && processStart === undefined; i++) {
        processStart = processStartTime(pid);
        if (processStart === undefined) await new Promise((r) => setTimeout(r, 10));
      }
      const lock = environmentPaths(w.home, 'staging').lock;
      mkdirSync(environmentPaths(w.home, 'staging').dir, { recursive: true });
      writeFileSync(lock, JSON.stringify({ pid, processStart, since: '2026-03-01T09:59:00.000Z', purpose: 'bake promote --to staging img-x' }));
      await expect(w.promote(v1)).rejects.toMatchObject({ code: 'ERR_BAKE_ENV_LOCKED', message: expect.stringContaining(`process ${pid} (bake promote --to staging img-x`) });
      expect(w.compute.calls).toEqual([]);
      expect(w.hasStateFile()).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes over a lock left by a process that is gone', async () => {
    const v1 = w.image('v1');
    const dead = await deadProcess();
    mkdirSync(environmentPaths(w.home, 'staging').dir, { recursive: true });
    writeFileSync(environmentPaths(w.home, 'staging').lock, JSON.stringify({ ...dead, since: '2026-03-01T09:00:00.000Z', purpose: 'bake promote --to staging img-old' }));
    succeeded(await w.promote(v1));
    expect(w.state().live).toBe('web-staging-v001');
    expect(existsSync(environmentPaths(w.home, 'staging').lock)).toBe(false);
  });
});

/**
 * A world for the deploy engine's unit tests: a temporary BAKE_HOME with a real ImageStore, the
 * fake drivers (test/_helpers/fake-deploy-drivers.ts) on a VirtualClock, a two-environment
 * pipeline (staging, then prod), and shortcuts for what the tests read back.
 *
 * Defaults: 2 instances per group, boot 15 s, checks every 1 s (rise 2, fall 3), a 120 s
 * health deadline, keep_previous 10 min.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DeployDeps } from '../../src/deploy/deploy-deps.js';
import { environmentPaths } from '../../src/deploy/paths.js';
import { promote, type PromoteOutcome } from '../../src/deploy/promote.js';
import { rollback, type RollbackOutcome } from '../../src/deploy/rollback.js';
import { readState, type EnvironmentState, type Phase } from '../../src/deploy/state.js';
import type { EnvironmentSpec, Pipeline } from '../../src/pipeline/model.js';
import { readHistory, type HistoryEntry } from '../../src/registry/history.js';
import { ImageStore, type ImageRecord } from '../../src/registry/images.js';
import { processStartTime } from '../../src/runtime/lock.js';
import type { Range } from '../../src/template/diagnostics.js';
import { expect } from 'vitest';
import { FakeCompute, FakeLoadBalancer, KillSwitch, type DriverCall, type KillStage } from '../_helpers/fake-deploy-drivers.js';
import { VirtualClock } from '../_helpers/virtual-clock.js';

export const KEEP_MS = 10 * 60_000;

const range = (filename: string, line: number): Range => ({ filename, start: { line, column: 1, offset: 0 }, end: { line, column: 2, offset: 1 } });

export type EnvOverrides = Partial<Omit<EnvironmentSpec, 'name' | 'range' | 'healthCheck'>> & { healthCheck?: Partial<EnvironmentSpec['healthCheck']> };

export class DeployWorld {
  readonly home: string;
  readonly clock = new VirtualClock(Date.parse('2026-03-01T10:00:00Z'));
  readonly kills = new KillSwitch();
  readonly compute = new FakeCompute({ clock: this.clock, bootMs: 15_000, kills: this.kills });
  readonly lb = new FakeLoadBalancer({ clock: this.clock, compute: this.compute, kills: this.kills });
  readonly images: ImageStore;
  /** "env phase state" for every phase event, and "env: message" for every log line. */
  readonly events: string[] = [];
  readonly deps: DeployDeps;
  readonly templateFile: string;
  #phaseHooks: { phase: string; state: string; fn: () => void }[] = [];
  #imageCount = 0;

  constructor() {
    this.home = mkdtempSync(path.join(tmpdir(), 'bake-deploy-'));
    this.images = new ImageStore(this.home);
    this.templateFile = path.join(this.home, 'project', 'webapp.pkr.hcl');
    this.deps = {
      home: this.home,
      clock: this.clock,
      compute: this.compute,
      lb: this.lb,
      images: this.images,
      actor: 'alice',
      events: {
        phase: (env, phase, state, detail) => {
          this.events.push(`${env} ${phase} ${state}${detail ? `: ${detail}` : ''}`);
          for (const h of this.#phaseHooks.filter((x) => x.phase === phase && x.state === state)) {
            this.#phaseHooks = this.#phaseHooks.filter((x) => x !== h);
            h.fn();
          }
        },
        log: (env, message) => this.events.push(`${env}: ${message}`),
      },
    };
  }

  cleanup(): void {
    rmSync(this.home, { recursive: true, force: true });
  }

  /** Writes an image record built from `template` (default: the pipeline's); newer than the ones before. */
  /** A world with two images, v1 and v2, in its store: what most tests start from. */
  static withTwoImages(): { w: DeployWorld; v1: string; v2: string } {
    const w = new DeployWorld();
    return { w, v1: w.image('v1'), v2: w.image('v2') };
  }

  image(name: string, opts: { template?: string } = {}): string {
    const n = ++this.#imageCount;
    const id = `img-${name}`;
    const record: ImageRecord = {
      id,
      name,
      hash: `hash-${name}`,
      template: opts.template ?? this.templateFile,
      variables: {},
      createdAt: new Date(Date.parse('2026-02-01T00:00:00Z') + n * 60_000).toISOString(),
      size: 1,
      virtualSize: 1,
      files: { disk: 'disk.qcow2', kernel: 'vmlinuz', initrd: 'initrd.img', log: 'build.log' },
      builder: 'local',
    };
    mkdirSync(path.join(this.images.dir, id), { recursive: true });
    writeFileSync(path.join(this.images.dir, id, 'image.json'), JSON.stringify(record));
    return id;
  }

  pipeline(envs: { staging?: EnvOverrides; prod?: EnvOverrides } = {}): Pipeline {
    const file = path.join(this.home, 'project', 'pipelines', 'web.hcl');
    const env = (name: string, line: number, o: EnvOverrides = {}): EnvironmentSpec => {
      const { healthCheck, ...rest } = o;
      return {
        name,
        instances: 2,
        appPort: 8080,
        listenPort: 0,
        keepPreviousMs: KEEP_MS,
        ...rest,
        healthCheck: { path: '/health', intervalMs: 1_000, timeoutMs: 500, healthyThreshold: 2, unhealthyThreshold: 3, deadlineMs: 120_000, ...healthCheck },
        range: range(file, line),
      };
    };
    return { name: 'web', file, template: this.templateFile, environments: [env('staging', 3, envs.staging), env('prod', 20, envs.prod)], range: range(file, 1) };
  }

  promote(image?: string, opts: { env?: string; pipeline?: Pipeline; dryRun?: boolean; signal?: AbortSignal } = {}): Promise<PromoteOutcome> {
    return promote(this.deps, {
      pipeline: opts.pipeline ?? this.pipeline(),
      env: opts.env ?? 'staging',
      ...(image === undefined ? {} : { image }),
      dryRun: opts.dryRun ?? false,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  rollback(opts: { env?: string; pipeline?: Pipeline; dryRun?: boolean } = {}): Promise<RollbackOutcome> {
    return rollback(this.deps, { pipeline: opts.pipeline ?? this.pipeline(), env: opts.env ?? 'staging', dryRun: opts.dryRun ?? false });
  }

  /** Lets virtual time pass (nothing else runs meanwhile unless it is waiting on the clock). */
  advance(ms: number): Promise<void> {
    return this.clock.sleep(ms);
  }

  state(env = 'staging'): EnvironmentState {
    return readState(this.home, env, 'web');
  }

  stateFile(env = 'staging'): string {
    return environmentPaths(this.home, env).state;
  }

  hasStateFile(env = 'staging'): boolean {
    return existsSync(this.stateFile(env));
  }

  rawState(env = 'staging'): string {
    return readFileSync(this.stateFile(env), 'utf8');
  }

  history(): HistoryEntry[] {
    return readHistory(this.home);
  }

  /** Groups with instances, as the compute fake has them. */
  vms(env = 'staging'): string[] {
    return this.compute.groups(env).map((g) => g.name);
  }

  /** Runs fn when a phase event fires (once). */
  onPhase(phase: Phase, state: 'start' | 'ok' | 'failed', fn: () => void): void {
    this.#phaseHooks.push({ phase, state, fn });
  }

  /**
   * Starts `run` (an engine call) and simulates a SIGKILL of its process at the chosen driver call,
   * or at the first driver call of `phase` (after its journal entry is written). Resolves once
   * killed; the call itself never settles. The lock file is left naming a dead process, as a kill
   * leaves it.
   */
  async killDuring(run: () => Promise<unknown>, at: { phase: Phase } | { call: DriverCall | '*'; nth?: number; stage?: KillStage }): Promise<void> {
    let killed: Promise<void>;
    if ('phase' in at) {
      // Armed from inside the phase event, synchronously: the phase's first driver call follows at once.
      killed = new Promise<void>((reached) => this.onPhase(at.phase, 'start', () => void this.kills.killAt('*').then(reached)));
    } else {
      killed = this.kills.killAt(at.call, { ...(at.nth ? { nth: at.nth } : {}), ...(at.stage ? { stage: at.stage } : {}) });
    }
    let settled: unknown;
    const running = run().then(
      () => (settled = 'resolved'),
      (e: unknown) => (settled = e),
    );
    await Promise.race([killed, running]);
    if (settled !== undefined) throw new Error(`the run ended before it was killed: ${String(settled instanceof Error ? settled.stack : settled)}`);
    await this.#leaveDeadHolder();
  }

  /** Rewrites every environment lock this process holds so it names a dead process instead. */
  async #leaveDeadHolder(): Promise<void> {
    const dead = await deadProcess();
    for (const env of ['staging', 'prod']) {
      const file = environmentPaths(this.home, env).lock;
      if (!existsSync(file)) continue;
      const h = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; since: string; purpose: string };
      if (h.pid === process.pid) writeFileSync(file, JSON.stringify({ ...h, pid: dead.pid, processStart: dead.processStart }));
    }
  }
}

let dead: Promise<{ pid: number; processStart: string }> | undefined;

/**
 * A pid and start time of a process that has exited. One per test file: a pid the system reuses
 * later comes with another start time, so the pair stays dead.
 */
export function deadProcess(): Promise<{ pid: number; processStart: string }> {
  dead ??= spawnDead();
  return dead;
}

async function spawnDead(): Promise<{ pid: number; processStart: string }> {
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid!;
  const processStart = processStartTime(pid) ?? '1';
  await new Promise((r) => child.on('exit', r));
  return { pid, processStart };
}

/**
 * What every command must leave behind once it is done, whatever happened before: no deployment
 * in flight, instances exactly those of the recorded groups (no orphans, no group without its
 * instances), one live group serving on the load balancer with every serving target healthy, the
 * other recorded groups registered in standby, and no breach of the traffic invariant.
 */
export function expectSettled(w: DeployWorld, env = 'staging'): void {
  const s = w.state(env);
  expect(s.deployment, 'deployment still in flight').toBeUndefined();
  const recorded = s.groups.flatMap((g) => g.targets.map((t) => `${env}/${t.id}`)).sort();
  const running = w.compute.allInstances().filter((i) => i.startsWith(`${env}/`)).sort();
  expect(running, 'instances vs. the state').toEqual(recorded);
  expect(s.groups.every((g) => g.targets.length > 0), 'a recorded group without instances').toBe(true);
  expect(s.groups.filter((g) => g.status === 'live').map((g) => g.name)).toEqual([s.live]);
  expect(s.groups.filter((g) => g.status === 'launching')).toEqual([]);
  const lb = w.lb.snapshot(env);
  expect(lb.running).toBe(true);
  expect(w.lb.serving(env), 'serving groups').toEqual([s.live]);
  const serving = lb.targets.filter((t) => t.mode === 'serving');
  expect(serving.map((t) => `${t.id} ${t.health}`).sort()).toEqual(liveGroupOf(s).targets.map((t) => `${t.id} healthy`).sort());
  expect(w.lb.registered(env).sort(), 'registered groups').toEqual(s.groups.map((g) => g.name).sort());
  expect(lb.targets.filter((t) => t.mode === 'disabled')).toEqual([]);
  expect(w.lb.violations).toEqual([]);
}

function liveGroupOf(s: EnvironmentState): EnvironmentState['groups'][number] {
  const g = s.groups.find((x) => x.name === s.live);
  if (g === undefined) throw new Error(`${s.env} has no live group`);
  return g;
}

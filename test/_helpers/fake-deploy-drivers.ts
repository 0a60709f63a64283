/**
 * Stateful fakes of the deploy drivers (src/deploy/drivers/driver.ts), for unit tests of the
 * blue/green engine (src/deploy/). They model the platform, not the bake process: instances and
 * the load balancer outlive a killed bake, so a test that "kills" one engine call runs the next
 * call (the next `bake promote`, `status` or `gc`) against the same fakes.
 *
 * Behaviour spec.
 *
 * FakeCompute
 * - launchGroup creates every instance at once (listGroups sees them from that moment, as a bake
 *   killed mid-launch would leave them), then boots them together in `bootMs` of clock time
 *   (clock.sleep; with VirtualClock, virtual time) and returns the targets. Target ids are
 *   `${group}-${index}`, host 127.0.0.1, ports counting up from 20000 and never reused.
 * - Launching a group that still has instances replaces them.
 * - An instance's app answers once booted: healthy, unless its image was marked with
 *   makeUnhealthy(image, detail), which holds for running and future instances until
 *   makeHealthy(image). appStatus() tells the fake load balancer what a check would see.
 * - failLaunch(image, message, kind): launches of that image boot, then destroy what they started
 *   and reject with a BakeError(ERR_BAKE_INSTANCE_BOOT, message), as the real driver does when an
 *   instance does not come up, or with kind 'bug' a plain Error(message); an abort during a launch destroys what started and rejects with
 *   the signal's reason (the real driver cleans up after itself).
 * - destroyGroup removes every instance of the group; a group already gone is not an error.
 *   listGroups lists groups with at least one instance, targets in index order.
 * - `calls` logs every call as "method env group"; `launched` lists the groups launched.
 *
 * FakeLoadBalancer (one per environment, checked against a FakeCompute's instances)
 * - ensure: a running load balancer is left as it is. Otherwise it is (re)created from
 *   `registered` (modes as given, health checks starting now): port `listenPort`, else the one
 *   picked the first time for the environment, else a new one counting up from 40000.
 * - state of an environment with no load balancer: { running: false, endpoint: '', targets: [] }.
 *   register, cutover, disable, deregister and probe there reject (connection refused).
 * - Health of a target (computed at each call, from clock time):
 *   disabled: unknown ("checks stopped"); instance gone: unhealthy at once ("Connection refused");
 *   otherwise the instance's app state (up, or down with its detail) once it has held for
 *   healthy_threshold (up) or unhealthy_threshold (down) check intervals since both the app
 *   changed and the target's checks (re)started; before that, unknown.
 * - register adds the group's targets in standby with checks starting now; targets already there
 *   are kept as they are, except disabled ones, which go back to standby with fresh checks.
 * - cutover(to, from) rejects, changing nothing, unless every target of `to` is healthy (and there
 *   is one), as the real driver will. Then each `to` target serves, one at a time, then each
 *   target of each `from` group goes to standby, one at a time.
 * - disable: the group's targets stop serving and being checked. deregister: the targets go.
 *   Both idempotent; both take an optional `{ force }` last argument.
 * - probe answers 503 when no target serves healthy; otherwise 200 from the serving healthy
 *   targets in turn, naming the target's group. failProbes(env, status) makes probes that reach a
 *   target answer that status instead (a fault the health checks do not see), until cleared.
 * - destroy stops the environment's load balancer and forgets it, port included. stop(env) is a
 *   test's way of making it go away by itself (a reboot): not running, port remembered.
 * - The traffic invariant, checked after every call and every step of a cutover, and whenever
 *   FakeCompute destroys a group: once a target of the running load balancer served while
 *   healthy, at least one serving target is healthy. A breach is appended to `violations`
 *   (not thrown: the engine's own guard is what is under test). Only destroy() and a forced
 *   deregister/disable may take the last one away; after those the invariant starts over, as it
 *   does for a load balancer (re)created by ensure.
 * - `calls` logs every call as "method env group...".
 *
 * KillSwitch (shared by both fakes): killAt(call, { nth, stage }) simulates a SIGKILL of the bake
 * process at the nth call (counted from now; default the next one) of `call` ('compute.launchGroup',
 * 'lb.cutover'..., or '*' for any): at `stage` of that call (before it changes anything; after
 * it has changed everything but before it returns; or 'midway': a launch's instances exist but
 * have not booted, or a cutover's `to` serves but `from` has not drained) the call never returns,
 * so nothing after it runs in that process: no undo, no state write, no lock release. The returned
 * promise resolves at that moment. The fakes' platform state stays as the kill left it.
 */
import { BakeError } from '../../src/errors.js';
import type { HealthCheckSpec } from '../../src/pipeline/model.js';
import type { Clock } from '../../src/runtime/clock.js';
import type {
  ComputeDriver,
  GroupSpec,
  LaunchedGroup,
  LoadBalancerDriver,
  LoadBalancerState,
  RegisteredGroup,
  Target,
  TargetHealth,
} from '../../src/deploy/drivers/driver.js';

export type DriverCall = `compute.${keyof ComputeDriver & string}` | `lb.${keyof LoadBalancerDriver & string}`;
export type KillStage = 'before' | 'midway' | 'after';

interface Kill {
  call: DriverCall | '*';
  stage: KillStage;
  remaining: number;
  target?: number;
  reached: () => void;
}

export class KillSwitch {
  #kills: Kill[] = [];
  #seq = 0;

  /** See the file's top comment. */
  killAt(call: DriverCall | '*', opts: { nth?: number; stage?: KillStage } = {}): Promise<void> {
    const stage = opts.stage ?? 'before';
    if (stage === 'midway' && call !== 'compute.launchGroup' && call !== 'lb.cutover') {
      throw new Error(`killAt: only compute.launchGroup and lb.cutover have a midway, not ${call}`);
    }
    return new Promise<void>((reached) => this.#kills.push({ call, stage, remaining: opts.nth ?? 1, reached }));
  }

  /** Whether a kill is armed and has not been reached. */
  get armed(): boolean {
    return this.#kills.length > 0;
  }

  /** A call starts; returns its id for checkpoint(). */
  enter(call: DriverCall): number {
    const id = ++this.#seq;
    for (const k of this.#kills) {
      if (k.target !== undefined || (k.call !== '*' && k.call !== call)) continue;
      k.remaining -= 1;
      if (k.remaining === 0) k.target = id;
    }
    return id;
  }

  /** Never settles when the call is killed at this stage. */
  async checkpoint(id: number, stage: KillStage): Promise<void> {
    const k = this.#kills.find((x) => x.target === id && x.stage === stage);
    if (k === undefined) return;
    this.#kills = this.#kills.filter((x) => x !== k);
    k.reached();
    await new Promise<never>(() => {});
  }
}

interface Instance {
  id: string;
  group: string;
  image: string;
  host: string;
  port: number;
  createdAt: number;
  bootedAt: number;
}

export interface AppStatus {
  up: boolean;
  /** When the app entered this state. */
  since: number;
  detail: string;
}

type ComputeListener = (env: string, op: string) => void;

export class FakeCompute implements ComputeDriver {
  readonly calls: string[] = [];
  readonly launched: string[] = [];
  readonly kills: KillSwitch;
  readonly bootMs: number;
  readonly #clock: Clock;
  /** env -> group -> instances */
  #envs = new Map<string, Map<string, Instance[]>>();
  #imageHealth = new Map<string, { healthy: boolean; detail: string; since: number }>();
  #failing = new Map<string, { message: string; kind: 'error' | 'bug' }>();
  #listeners: ComputeListener[] = [];
  #nextPort = 20_000;

  constructor(opts: { clock: Clock; bootMs?: number; kills?: KillSwitch }) {
    this.#clock = opts.clock;
    this.bootMs = opts.bootMs ?? 15_000;
    this.kills = opts.kills ?? new KillSwitch();
  }

  async launchGroup(env: string, group: GroupSpec, signal?: AbortSignal): Promise<LaunchedGroup> {
    this.calls.push(`launchGroup ${env} ${group.name}`);
    const id = this.kills.enter('compute.launchGroup');
    await this.kills.checkpoint(id, 'before');
    signal?.throwIfAborted();
    this.launched.push(group.name);
    this.#remove(env, group.name, 'compute.launchGroup');
    const now = this.#clock.now();
    const instances: Instance[] = Array.from({ length: group.instances }, (_, i) => ({
      id: `${group.name}-${i}`,
      group: group.name,
      image: group.image,
      host: '127.0.0.1',
      port: this.#nextPort++,
      createdAt: now,
      bootedAt: now + this.bootMs,
    }));
    this.#groups(env).set(group.name, instances);
    await this.kills.checkpoint(id, 'midway');
    try {
      await this.#clock.sleep(this.bootMs, signal);
      const failure = this.#failing.get(group.image);
      if (failure?.kind === 'bug') throw new Error(failure.message);
      if (failure !== undefined) throw new BakeError('ERR_BAKE_INSTANCE_BOOT', failure.message);
    } catch (e) {
      this.#remove(env, group.name, 'compute.launchGroup');
      throw e;
    }
    await this.kills.checkpoint(id, 'after');
    return { name: group.name, targets: instances.map(toTarget) };
  }

  async destroyGroup(env: string, group: string): Promise<void> {
    this.calls.push(`destroyGroup ${env} ${group}`);
    const id = this.kills.enter('compute.destroyGroup');
    await this.kills.checkpoint(id, 'before');
    this.#remove(env, group, 'compute.destroyGroup');
    await this.kills.checkpoint(id, 'after');
  }

  async listGroups(env: string): Promise<{ name: string; targets: Target[] }[]> {
    this.calls.push(`listGroups ${env}`);
    const id = this.kills.enter('compute.listGroups');
    await this.kills.checkpoint(id, 'before');
    const out = this.groups(env);
    await this.kills.checkpoint(id, 'after');
    return out;
  }

  // ---- for tests and the fake load balancer ----

  /** What listGroups would answer, synchronously and without logging a call. */
  groups(env: string): { name: string; image: string; targets: Target[] }[] {
    return [...this.#groups(env)]
      .filter(([, xs]) => xs.length > 0)
      .map(([name, xs]) => ({ name, image: xs[0]!.image, targets: xs.map(toTarget) }));
  }

  /** Every instance of every environment, as "env/target-id". */
  allInstances(): string[] {
    return [...this.#envs].flatMap(([env, groups]) => [...groups.values()].flat().map((i) => `${env}/${i.id}`));
  }

  makeUnhealthy(image: string, detail = 'HTTP 503'): void {
    this.#imageHealth.set(image, { healthy: false, detail, since: this.#clock.now() });
  }

  makeHealthy(image: string): void {
    this.#imageHealth.set(image, { healthy: true, detail: '', since: this.#clock.now() });
  }

  failLaunch(image: string, message = 'qemu exited with status 1', kind: 'error' | 'bug' = 'error'): void {
    this.#failing.set(image, { message, kind });
  }

  /** What a health check of the instance would see now; undefined when it is gone. */
  appStatus(env: string, targetId: string): AppStatus | undefined {
    const inst = [...this.#groups(env).values()].flat().find((i) => i.id === targetId);
    if (inst === undefined) return undefined;
    if (this.#clock.now() < inst.bootedAt) return { up: false, since: inst.createdAt, detail: 'Connection refused' };
    const flag = this.#imageHealth.get(inst.image);
    const since = Math.max(inst.bootedAt, flag?.since ?? 0);
    return flag && !flag.healthy ? { up: false, since, detail: flag.detail } : { up: true, since, detail: 'HTTP 200' };
  }

  /** Called after instances go away (the load balancer checks its invariant then). */
  onChange(listener: ComputeListener): void {
    this.#listeners.push(listener);
  }

  #groups(env: string): Map<string, Instance[]> {
    let m = this.#envs.get(env);
    if (m === undefined) this.#envs.set(env, (m = new Map()));
    return m;
  }

  #remove(env: string, group: string, op: string): void {
    if (!this.#groups(env).delete(group)) return;
    for (const l of this.#listeners) l(env, op);
  }
}

function toTarget(i: Instance): Target {
  return { id: i.id, host: i.host, port: i.port };
}

interface LbTarget extends Target {
  group: string;
  mode: TargetHealth['mode'];
  /** When health checks (re)started. */
  checksFrom: number;
}

interface LbEnv {
  running: boolean;
  port: number;
  healthCheck?: HealthCheckSpec;
  targets: LbTarget[];
  /** A target has served while healthy since the load balancer was (re)created or forcibly emptied. */
  served: boolean;
  roundRobin: number;
  probeStatus?: number;
}

export interface Violation {
  env: string;
  /** The call, or the step of a cutover, after which no serving target was healthy. */
  op: string;
  at: number;
  targets: string[];
}

const DEFAULT_CHECK: HealthCheckSpec = { path: '/health', intervalMs: 1_000, timeoutMs: 1_000, healthyThreshold: 2, unhealthyThreshold: 2, deadlineMs: 60_000 };

export class FakeLoadBalancer implements LoadBalancerDriver {
  readonly calls: string[] = [];
  readonly violations: Violation[] = [];
  readonly kills: KillSwitch;
  readonly #clock: Clock;
  readonly #compute: FakeCompute;
  #envs = new Map<string, LbEnv>();
  #nextPort = 40_000;

  constructor(opts: { clock: Clock; compute: FakeCompute; kills?: KillSwitch }) {
    this.#clock = opts.clock;
    this.#compute = opts.compute;
    this.kills = opts.kills ?? opts.compute.kills;
    this.#compute.onChange((env, op) => this.#guard(env, op));
  }

  async ensure(env: string, opts: { listenPort: number; healthCheck: HealthCheckSpec; registered: RegisteredGroup[] }): Promise<{ endpoint: string }> {
    this.calls.push(`ensure ${env}`);
    const id = this.kills.enter('lb.ensure');
    await this.kills.checkpoint(id, 'before');
    let lb = this.#envs.get(env);
    if (lb?.running !== true) {
      const port = opts.listenPort || lb?.port || this.#nextPort++;
      const now = this.#clock.now();
      lb = {
        running: true,
        port,
        healthCheck: opts.healthCheck,
        targets: opts.registered.flatMap((r) => r.group.targets.map((t) => ({ ...t, group: r.group.name, mode: r.mode, checksFrom: now }))),
        served: false,
        roundRobin: 0,
      };
      this.#envs.set(env, lb);
    }
    this.#guard(env, 'ensure');
    await this.kills.checkpoint(id, 'after');
    return { endpoint: endpoint(lb.port) };
  }

  async register(env: string, group: LaunchedGroup, healthCheck: HealthCheckSpec): Promise<void> {
    this.calls.push(`register ${env} ${group.name}`);
    const id = this.kills.enter('lb.register');
    await this.kills.checkpoint(id, 'before');
    const lb = this.#running(env);
    lb.healthCheck = healthCheck;
    const now = this.#clock.now();
    for (const t of group.targets) {
      const there = lb.targets.find((x) => x.id === t.id);
      if (there === undefined) lb.targets.push({ ...t, group: group.name, mode: 'standby', checksFrom: now });
      else if (there.mode === 'disabled') Object.assign(there, { mode: 'standby', checksFrom: now });
    }
    this.#guard(env, `register ${group.name}`);
    await this.kills.checkpoint(id, 'after');
  }

  async state(env: string): Promise<LoadBalancerState> {
    this.calls.push(`state ${env}`);
    const id = this.kills.enter('lb.state');
    await this.kills.checkpoint(id, 'before');
    const out = this.snapshot(env);
    this.#guard(env, 'state');
    await this.kills.checkpoint(id, 'after');
    return out;
  }

  async cutover(env: string, to: string, from: readonly string[]): Promise<void> {
    this.calls.push(`cutover ${env} ${to} from ${from.join(',') || '-'}`);
    const id = this.kills.enter('lb.cutover');
    await this.kills.checkpoint(id, 'before');
    const lb = this.#running(env);
    const green = lb.targets.filter((t) => t.group === to);
    const unready = green.map((t) => this.#health(env, t)).filter((h) => h.health !== 'healthy');
    if (green.length === 0 || unready.length > 0) {
      throw new Error(`cannot cut ${env} over to ${to}: ${green.length === 0 ? 'it has no targets' : unready.map((h) => `${h.id} is ${h.health}`).join(', ')}`);
    }
    for (const t of green) {
      t.mode = 'serving';
      this.#guard(env, `cutover ${to}: ${t.id} serves`);
    }
    await this.kills.checkpoint(id, 'midway');
    for (const t of lb.targets.filter((x) => from.includes(x.group) && x.group !== to)) {
      t.mode = 'standby';
      this.#guard(env, `cutover ${to}: ${t.id} drains`);
    }
    await this.kills.checkpoint(id, 'after');
  }

  async disable(env: string, group: string, opts?: { force?: boolean }): Promise<void> {
    this.calls.push(`disable ${env} ${group}${opts?.force ? ' (force)' : ''}`);
    const id = this.kills.enter('lb.disable');
    await this.kills.checkpoint(id, 'before');
    const lb = this.#running(env);
    for (const t of lb.targets.filter((x) => x.group === group)) t.mode = 'disabled';
    this.#guard(env, `disable ${group}`, opts?.force === true);
    await this.kills.checkpoint(id, 'after');
  }

  async deregister(env: string, group: string, opts?: { force?: boolean }): Promise<void> {
    this.calls.push(`deregister ${env} ${group}${opts?.force ? ' (force)' : ''}`);
    const id = this.kills.enter('lb.deregister');
    await this.kills.checkpoint(id, 'before');
    const lb = this.#running(env);
    lb.targets = lb.targets.filter((t) => t.group !== group);
    this.#guard(env, `deregister ${group}`, opts?.force === true);
    await this.kills.checkpoint(id, 'after');
  }

  async probe(env: string, path: string, signal?: AbortSignal): Promise<{ status: number; group?: string }> {
    this.calls.push(`probe ${env} ${path}`);
    const id = this.kills.enter('lb.probe');
    await this.kills.checkpoint(id, 'before');
    signal?.throwIfAborted();
    const lb = this.#running(env);
    const up = lb.targets.filter((t) => t.mode === 'serving' && this.#health(env, t).health === 'healthy');
    this.#guard(env, 'probe');
    await this.kills.checkpoint(id, 'after');
    if (up.length === 0) return { status: 503 };
    const t = up[lb.roundRobin++ % up.length]!;
    return { status: lb.probeStatus ?? 200, group: t.group };
  }

  async destroy(env: string): Promise<void> {
    this.calls.push(`destroy ${env}`);
    const id = this.kills.enter('lb.destroy');
    await this.kills.checkpoint(id, 'before');
    this.#envs.delete(env);
    await this.kills.checkpoint(id, 'after');
  }

  // ---- for tests ----

  /** What state() would answer, synchronously and without logging a call or checking anything. */
  snapshot(env: string): LoadBalancerState {
    const lb = this.#envs.get(env);
    if (lb?.running !== true) return { endpoint: lb ? endpoint(lb.port) : '', running: false, targets: [] };
    return { endpoint: endpoint(lb.port), running: true, targets: lb.targets.map((t) => this.#health(env, t)) };
  }

  /** Groups with at least one serving target. */
  serving(env: string): string[] {
    return [...new Set(this.snapshot(env).targets.filter((t) => t.mode === 'serving').map((t) => t.group))];
  }

  /** Groups with at least one target registered, in any mode. */
  registered(env: string): string[] {
    return [...new Set(this.snapshot(env).targets.map((t) => t.group))];
  }

  failProbes(env: string, status: number | undefined): void {
    const lb = this.#envs.get(env);
    if (lb === undefined) throw new Error(`failProbes: ${env} has no load balancer`);
    if (status === undefined) delete lb.probeStatus;
    else lb.probeStatus = status;
  }

  /** The load balancer goes away by itself (a reboot): it remembers only its port. */
  stop(env: string): void {
    const lb = this.#envs.get(env);
    if (lb) this.#envs.set(env, { running: false, port: lb.port, targets: [], served: false, roundRobin: 0 });
  }

  #running(env: string): LbEnv {
    const lb = this.#envs.get(env);
    if (lb?.running !== true) throw new Error(`connect ECONNREFUSED: ${env} has no load balancer running`);
    return lb;
  }

  #health(env: string, t: LbTarget): TargetHealth {
    const base = { id: t.id, group: t.group, mode: t.mode };
    if (t.mode === 'disabled') return { ...base, health: 'unknown', detail: 'checks stopped' };
    const app = this.#compute.appStatus(env, t.id);
    if (app === undefined) return { ...base, health: 'unhealthy', detail: 'Connection refused' };
    const hc = this.#envs.get(env)?.healthCheck ?? DEFAULT_CHECK;
    const held = this.#clock.now() - Math.max(t.checksFrom, app.since);
    const needed = (app.up ? hc.healthyThreshold : hc.unhealthyThreshold) * hc.intervalMs;
    if (held < needed) return { ...base, health: 'unknown', detail: 'no check finished yet' };
    return { ...base, health: app.up ? 'healthy' : 'unhealthy', detail: app.detail };
  }

  /** The traffic invariant (see the top comment). */
  #guard(env: string, op: string, exempt = false): void {
    const lb = this.#envs.get(env);
    if (lb?.running !== true) return;
    const ok = lb.targets.some((t) => t.mode === 'serving' && this.#health(env, t).health === 'healthy');
    if (ok) {
      lb.served = true;
    } else if (exempt) {
      lb.served = false;
    } else if (lb.served) {
      this.violations.push({
        env,
        op,
        at: this.#clock.now(),
        targets: lb.targets.map((t) => {
          const h = this.#health(env, t);
          return `${t.id} ${h.mode} ${h.health}`;
        }),
      });
    }
  }
}

function endpoint(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/**
 * The local load balancer driver: one HAProxy per environment (Debian's haproxy), started by bake
 * on 127.0.0.1, left running between bake invocations, and driven through its runtime API on a
 * unix socket. Servers are added, readied, drained and deleted at run time; HAProxy is never
 * restarted while it runs, so connections in flight survive every cutover. Only a new health check
 * (the pipeline's changed) takes a new configuration, applied by a seamless reload at the next
 * register.
 *
 * Target modes map to HAProxy server states:
 *   serving   state ready, checks on
 *   standby   state drain: checks on, no new traffic
 *   disabled  state maint: no checks, no traffic (kept for a rollback)
 * A new server is added in standby with its health forced down, so it must pass `rise` checks in
 * a row before it counts as healthy (HAProxy would otherwise assume a new server up).
 *
 * Files, under the environment's directory: lb/haproxy.cfg, lb/haproxy.pid, lb/lb.json (the
 * port, the health check and which group each server belongs to) and lb/servers.state (written
 * for a reload); the admin socket is run/lb.sock.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { localPortAllocator, type PortAllocator } from '../../../builders/local/ports.js';
import type { ProcessRunner } from '../../../builders/local/process.js';
import { linuxProcTable, type ProcTable } from '../../../builders/local/vm-state.js';
import { BakeError } from '../../../errors.js';
import type { HealthCheckSpec } from '../../../pipeline/model.js';
import type { Clock } from '../../../runtime/clock.js';
import { environmentPaths } from '../../paths.js';
import type { LaunchedGroup, LoadBalancerDriver, LoadBalancerState, RegisteredGroup, TargetHealth } from '../driver.js';
import { adminAction, adminCommand, serverHealth, serverMode, serverName, showServers, type ServerView } from './haproxy-admin.js';
import { haproxyConfig, SERVER_HEADER, serverChecks } from './haproxy-config.js';

export interface LocalLoadBalancerDeps {
  home: string;
  clock: Clock;
  runner: ProcessRunner;
  proc?: ProcTable;
  ports?: PortAllocator;
}

const HAPROXY = 'haproxy';

const serverRecord = z.object({ group: z.string(), host: z.string(), port: z.number().int() });
/** The health check HAProxy runs: what a change of needs a reload (the deadline is bake's alone). */
const checksRecord = z.object({
  path: z.string(),
  intervalMs: z.number(),
  timeoutMs: z.number(),
  healthyThreshold: z.number(),
  unhealthyThreshold: z.number(),
});
const lbRecord = z.object({
  version: z.literal(1),
  port: z.number().int().positive(),
  servers: z.record(z.string(), serverRecord),
  /** Absent in records of bake versions that did not keep it: the next register reloads. */
  checks: checksRecord.optional(),
});
type ChecksRecord = z.infer<typeof checksRecord>;
type LbRecord = z.infer<typeof lbRecord>;

interface LbFiles {
  dir: string;
  config: string;
  pidFile: string;
  record: string;
  socket: string;
}

export class LocalLoadBalancer implements LoadBalancerDriver {
  constructor(private readonly deps: LocalLoadBalancerDeps) {}

  async ensure(env: string, opts: { listenPort: number; healthCheck: HealthCheckSpec; registered: RegisteredGroup[] }): Promise<{ endpoint: string }> {
    const files = this.files(env);
    const record = readRecord(files);
    if (record && (await this.running(files))) return { endpoint: endpoint(record.port) };

    await this.stopProcess(files);
    mkdirSync(files.dir, { recursive: true });
    mkdirSync(path.dirname(files.socket), { recursive: true });
    // The port is the environment's for its life: the one asked for, else the one it had, else a free one.
    const fixed = opts.listenPort > 0 ? opts.listenPort : record?.port;
    const port = await this.start(files, opts.healthCheck, fixed);
    const fresh: LbRecord = { version: 1, port, servers: {}, checks: checksOf(opts.healthCheck) };
    writeRecord(files, fresh);
    for (const { group, mode } of opts.registered) await this.addGroup(files, fresh, group, opts.healthCheck, mode);
    return { endpoint: endpoint(port) };
  }

  /** A health check other than the running one (the pipeline changed) is applied first, by a seamless reload. */
  async register(env: string, group: LaunchedGroup, healthCheck: HealthCheckSpec): Promise<void> {
    const files = this.files(env);
    let record = await this.live(files, env);
    if (!sameChecks(record.checks, checksOf(healthCheck))) record = await this.reload(files, record, healthCheck);
    await this.addGroup(files, record, group, healthCheck, 'standby');
  }

  async state(env: string): Promise<LoadBalancerState> {
    const files = this.files(env);
    const record = readRecord(files);
    if (record === undefined) return { endpoint: '', running: false, targets: [] };
    if (!(await this.running(files))) return { endpoint: endpoint(record.port), running: false, targets: [] };
    const servers = await showServers(files.socket);
    return { endpoint: endpoint(record.port), running: true, targets: servers.map((s) => targetHealth(s, record)) };
  }

  async cutover(env: string, to: string, from: readonly string[]): Promise<void> {
    const files = this.files(env);
    const record = await this.live(files, env);
    const ids = (g: string) => Object.keys(record.servers).filter((id) => record.servers[id]!.group === g);
    const green = ids(to);
    if (green.length === 0) throw new BakeError('ERR_BAKE_LB_CUTOVER', `${to} has no targets on the ${env} load balancer`, { source: 'toolkit' });
    // Refuse before changing anything: readying an unhealthy group would leave nothing healthy to serve.
    const unready = (await this.targets(files, record)).filter((t) => t.group === to && t.health !== 'healthy');
    if (unready.length > 0) {
      throw new BakeError('ERR_BAKE_LB_CUTOVER', `${to} is not healthy on the ${env} load balancer: ${unready.map((t) => `${t.id} ${t.health} (${t.detail})`).join(', ')}`, {
        source: 'toolkit',
      });
    }
    // Green serves first, then blue drains: both serve for a moment, never neither.
    for (const id of green) await adminAction(files.socket, `set server ${serverName(id)} state ready`);
    for (const g of from) for (const id of ids(g)) await adminAction(files.socket, `set server ${serverName(id)} state drain`);
  }

  async disable(env: string, group: string, opts: { force?: boolean } = {}): Promise<void> {
    const files = this.files(env);
    const record = await this.live(files, env);
    const ids = Object.keys(record.servers).filter((id) => record.servers[id]!.group === group);
    if (!opts.force) await this.guard(files, record, group, 'disable');
    for (const id of ids) {
      await adminAction(files.socket, `set server ${serverName(id)} state maint`);
      await adminAction(files.socket, `disable health ${serverName(id)}`);
    }
  }

  async deregister(env: string, group: string, opts: { force?: boolean } = {}): Promise<void> {
    const files = this.files(env);
    const record = readRecord(files);
    if (record === undefined || !(await this.running(files))) return; // nothing registered anywhere
    const ids = Object.keys(record.servers).filter((id) => record.servers[id]!.group === group);
    if (ids.length === 0) return;
    if (!opts.force) await this.guard(files, record, group, 'deregister');
    const present = new Set((await showServers(files.socket)).map((s) => s.name));
    for (const id of ids) {
      if (present.has(id)) await this.deleteServer(files, id);
      delete record.servers[id];
      writeRecord(files, record);
    }
  }

  async probe(env: string, urlPath: string, signal?: AbortSignal): Promise<{ status: number; group?: string }> {
    const record = readRecord(this.files(env));
    if (record === undefined) throw new BakeError('ERR_BAKE_LB_DOWN', `${env} has no load balancer`, { source: 'toolkit' });
    const { status, server } = await httpGet(record.port, urlPath, signal);
    const group = server === undefined ? undefined : record.servers[server]?.group;
    return { status, ...(group === undefined ? {} : { group }) };
  }

  async destroy(env: string): Promise<void> {
    const files = this.files(env);
    await this.stopProcess(files);
    rmSync(files.dir, { recursive: true, force: true });
    rmSync(files.socket, { force: true });
  }

  // ---------------------------------------------------------------------------------------------

  private files(env: string): LbFiles {
    const paths = environmentPaths(this.deps.home, env);
    const dir = path.join(paths.dir, 'lb');
    const socket = path.join(paths.run, 'lb.sock');
    if (Buffer.byteLength(socket) > 107) {
      throw new BakeError('ERR_BAKE_PATH_TOO_LONG', `The load balancer's socket path is too long for a unix socket: ${socket}`, {
        hint: 'Set BAKE_HOME to a shorter directory.',
      });
    }
    return { dir, config: path.join(dir, 'haproxy.cfg'), pidFile: path.join(dir, 'haproxy.pid'), record: path.join(dir, 'lb.json'), socket };
  }

  /** The record of a running load balancer, or an error saying there is none. */
  private async live(files: LbFiles, env: string): Promise<LbRecord> {
    const record = readRecord(files);
    if (record === undefined || !(await this.running(files))) {
      throw new BakeError('ERR_BAKE_LB_DOWN', `The ${env} load balancer is not running`, {
        hint: 'The next `bake promote` or `bake status` starts it again with the registered groups.',
        source: 'toolkit',
      });
    }
    return record;
  }

  /** The HAProxy of the pid file is alive, is ours (its argv names our config) and answers. */
  private async running(files: LbFiles): Promise<boolean> {
    const pid = await this.pid(files);
    if (pid === undefined) return false;
    return adminCommand(files.socket, 'show info', 2_000).then(
      (info) => /^Name: HAProxy/m.test(info),
      () => false,
    );
  }

  private async pid(files: LbFiles): Promise<number | undefined> {
    let pid: number;
    try {
      pid = Number.parseInt(readFileSync(files.pidFile, 'utf8').trim(), 10);
    } catch {
      return undefined;
    }
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const argv = await (this.deps.proc ?? linuxProcTable).cmdline(pid);
    return argv?.some((a) => a.endsWith('haproxy') || a === HAPROXY) && argv.includes(files.config) ? pid : undefined;
  }

  /** Starts HAProxy and returns its port; retries with another port when a free one was taken meanwhile. */
  private async start(files: LbFiles, healthCheck: HealthCheckSpec, fixedPort: number | undefined): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const port = fixedPort ?? (await (this.deps.ports ?? localPortAllocator).allocate(1))[0]!;
      const tmp = `${files.config}.${randomUUID()}.tmp`;
      writeFileSync(tmp, haproxyConfig({ port, socket: files.socket, pidFile: files.pidFile, healthCheck }));
      renameSync(tmp, files.config);
      rmSync(files.socket, { force: true });
      const result = await this.deps.runner.run(HAPROXY, ['-D', '-f', files.config], { timeoutMs: 30_000 });
      if (result.outcome.kind === 'exited' && result.outcome.exitCode === 0) {
        await this.waitForSocket(files);
        return port;
      }
      const stderr = result.stderr.trim();
      const taken = /cannot bind socket|address already in use/i.test(stderr);
      if (taken && fixedPort === undefined && attempt < 4) continue;
      throw new BakeError('ERR_BAKE_LB_START', `HAProxy did not start on 127.0.0.1:${port}: ${lastLines(stderr) || 'no output'}`, {
        hint: taken ? `Port ${port} is in use: free it, or set listen_port to another port (0 picks a free one).` : 'Is haproxy installed (bin/setup)?',
      });
    }
  }

  private async waitForSocket(files: LbFiles): Promise<void> {
    const until = this.deps.clock.now() + 10_000;
    while (!(await this.running(files))) {
      if (this.deps.clock.now() > until) throw new BakeError('ERR_BAKE_LB_START', `HAProxy started but its admin socket ${files.socket} does not answer`);
      await this.deps.clock.sleep(50);
    }
  }

  private async stopProcess(files: LbFiles): Promise<void> {
    const pid = await this.pid(files);
    if (pid === undefined) return;
    const proc = this.deps.proc ?? linuxProcTable;
    proc.signal(pid, 'SIGTERM');
    const until = this.deps.clock.now() + 5_000;
    while ((await this.pid(files)) !== undefined) {
      if (this.deps.clock.now() > until) {
        proc.signal(pid, 'SIGKILL');
        break;
      }
      await this.deps.clock.sleep(50);
    }
    rmSync(files.pidFile, { force: true });
  }

  /**
   * A new HAProxy process with the new health check takes over from the running one without a
   * failed request: the servers running now become static servers of the new configuration, with
   * their states (ready, drain, maintenance, health) carried over through a server-state file; the
   * new process takes the listening socket over from the old one (-x), and the old one (-sf)
   * finishes its connections and exits.
   */
  private async reload(files: LbFiles, record: LbRecord, healthCheck: HealthCheckSpec): Promise<LbRecord> {
    const oldPid = await this.pid(files);
    if (oldPid === undefined) throw new BakeError('ERR_BAKE_LB_DOWN', 'The load balancer stopped before it could be reloaded', { source: 'toolkit' });
    const live = await showServers(files.socket);
    const servers = live.flatMap((s) => {
      const r = record.servers[s.name];
      return r === undefined ? [] : [{ id: s.name, host: r.host, port: r.port }];
    });
    const stateFile = path.join(files.dir, 'servers.state');
    writeFileSync(stateFile, await adminCommand(files.socket, 'show servers state'));
    const tmp = `${files.config}.${randomUUID()}.tmp`;
    writeFileSync(tmp, haproxyConfig({ port: record.port, socket: files.socket, pidFile: files.pidFile, healthCheck, reload: { servers, stateFile } }));
    renameSync(tmp, files.config);
    const result = await this.deps.runner.run(HAPROXY, ['-D', '-f', files.config, '-x', files.socket, '-sf', String(oldPid)], { timeoutMs: 30_000 });
    if (!(result.outcome.kind === 'exited' && result.outcome.exitCode === 0)) {
      throw new BakeError('ERR_BAKE_LB_START', `HAProxy did not reload with the new health check: ${lastLines(result.stderr.trim()) || 'no output'}`, {
        hint: 'The running load balancer keeps serving with the previous health check.',
        source: 'toolkit',
      });
    }
    await this.waitForSocket(files);
    // Checks stopped on disabled servers stay stopped (the state file keeps their maintenance).
    for (const s of await showServers(files.socket)) if (serverMode(s) === 'disabled') await adminAction(files.socket, `disable health ${serverName(s.name)}`);
    const next: LbRecord = { ...record, servers: Object.fromEntries(servers.map((s) => [s.id, record.servers[s.id]!])), checks: checksOf(healthCheck) };
    writeRecord(files, next);
    return next;
  }

  private async addGroup(files: LbFiles, record: LbRecord, group: LaunchedGroup, hc: HealthCheckSpec, mode: RegisteredGroup['mode']): Promise<void> {
    const present = new Map((await showServers(files.socket)).map((s) => [s.name, s]));
    for (const t of group.targets) {
      const name = serverName(t.id);
      const existing = present.get(t.id);
      if (existing && serverMode(existing) !== 'disabled') continue; // registered already: kept as it is
      if (existing === undefined) {
        const added = (await adminCommand(files.socket, `add server ${name} ${t.host}:${t.port} ${serverChecks(hc)}`)).trim();
        if (!/New server registered/.test(added)) throw new BakeError('ERR_BAKE_LB_COMMAND', `HAProxy refused to add ${t.id}: ${added}`, { source: 'toolkit' });
        record.servers[t.id] = { group: group.name, host: t.host, port: t.port };
        writeRecord(files, record);
      }
      // Added servers start in maintenance. Ready ones were serving before the load balancer was
      // recreated and start as up; standby ones must prove themselves: health down, then `rise` passes.
      if (mode === 'disabled') continue;
      await adminAction(files.socket, `enable health ${name}`);
      if (mode === 'serving') {
        await adminAction(files.socket, `set server ${name} state ready`);
      } else {
        await adminAction(files.socket, `set server ${name} state drain`);
        await adminAction(files.socket, `set server ${name} health down`);
      }
    }
  }

  private async targets(files: LbFiles, record: LbRecord): Promise<TargetHealth[]> {
    return (await showServers(files.socket)).map((s) => targetHealth(s, record));
  }

  /** The traffic guard: refuses to take away the last healthy serving target. */
  private async guard(files: LbFiles, record: LbRecord, group: string, action: string): Promise<void> {
    const healthyServing = (await this.targets(files, record)).filter((t) => t.health === 'healthy' && t.mode === 'serving');
    const mine = healthyServing.filter((t) => t.group === group);
    if (mine.length > 0 && mine.length === healthyServing.length) {
      throw new BakeError('ERR_BAKE_TRAFFIC_GUARD', `Refusing to ${action} ${group}: it has the last healthy servers taking traffic`, {
        hint: 'Cut over to another healthy group first, or force it (bake down --force) to take the environment down.',
      });
    }
  }

  /** HAProxy deletes a server only in maintenance and once its sessions are gone. */
  private async deleteServer(files: LbFiles, id: string): Promise<void> {
    const name = serverName(id);
    await adminAction(files.socket, `set server ${name} state maint`);
    await adminCommand(files.socket, `shutdown sessions server ${name}`);
    let answer = '';
    for (let i = 0; i < 50; i++) {
      answer = (await adminCommand(files.socket, `del server ${name}`)).trim();
      if (/Server deleted|No such server/i.test(answer)) return;
      await this.deps.clock.sleep(100);
    }
    throw new BakeError('ERR_BAKE_LB_COMMAND', `HAProxy did not delete ${id}: ${answer}`, { source: 'toolkit' });
  }
}

function targetHealth(s: ServerView, record: LbRecord): TargetHealth {
  const { health, detail } = serverHealth(s);
  return { id: s.name, group: record.servers[s.name]?.group ?? '', health, mode: serverMode(s), detail };
}

function checksOf(hc: HealthCheckSpec): ChecksRecord {
  return { path: hc.path, intervalMs: hc.intervalMs, timeoutMs: hc.timeoutMs, healthyThreshold: hc.healthyThreshold, unhealthyThreshold: hc.unhealthyThreshold };
}

function sameChecks(a: ChecksRecord | undefined, b: ChecksRecord): boolean {
  return a !== undefined && (Object.keys(b) as (keyof ChecksRecord)[]).every((k) => a[k] === b[k]);
}

function endpoint(port: number): string {
  return `http://127.0.0.1:${port}`;
}

function readRecord(files: LbFiles): LbRecord | undefined {
  let text: string;
  try {
    text = readFileSync(files.record, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = lbRecord.safeParse(safeJson(text));
  return parsed.success ? parsed.data : undefined;
}

function writeRecord(files: LbFiles, record: LbRecord): void {
  const tmp = `${files.record}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, files.record);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function lastLines(text: string, n = 5): string {
  return text.split('\n').slice(-n).join('\n');
}

/** One GET through the load balancer: the status and which server answered. */
function httpGet(port: number, urlPath: string, signal?: AbortSignal): Promise<{ status: number; server?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 5_000, ...(signal ? { signal } : {}) }, (res) => {
      res.resume();
      res.on('end', () => {
        const server = res.headers[SERVER_HEADER.toLowerCase()];
        resolve({ status: res.statusCode ?? 0, ...(typeof server === 'string' ? { server } : {}) });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${urlPath} through the load balancer timed out`)));
    req.on('error', reject);
  });
}

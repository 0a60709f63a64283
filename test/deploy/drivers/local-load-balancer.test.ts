/**
 * The local load balancer driver against a real HAProxy (Debian's haproxy, installed by
 * bin/setup), with small HTTP servers of this process standing in for instances: each answers
 * its health path with a status the test sets, and every other path with its own name.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeProcessRunner } from '../../../src/builders/local/process.js';
import type { LaunchedGroup } from '../../../src/deploy/drivers/driver.js';
import { LocalLoadBalancer } from '../../../src/deploy/drivers/local/load-balancer.js';
import type { HealthCheckSpec } from '../../../src/pipeline/model.js';
import { systemClock } from '../../../src/runtime/clock.js';

const hasHaproxy = (() => {
  try {
    execFileSync('haproxy', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const HC: HealthCheckSpec = { path: '/health', intervalMs: 200, timeoutMs: 200, healthyThreshold: 2, unhealthyThreshold: 2, deadlineMs: 30_000 };
const ENV = 'staging';

class App {
  healthStatus = 200;
  /** Every path asked for, health checks included. */
  readonly paths = new Set<string>();
  readonly server: http.Server;
  constructor(readonly name: string) {
    this.server = http.createServer((req, res) => {
      this.paths.add(req.url ?? '');
      if (req.url === '/health') {
        res.writeHead(this.healthStatus).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(this.name);
    });
  }
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const apps: App[] = [];
async function group(name: string, count: number, healthStatus = 200): Promise<{ group: LaunchedGroup; apps: App[] }> {
  const mine: App[] = [];
  const targets = [];
  for (let i = 0; i < count; i++) {
    const app = new App(`${name}-${i}`);
    app.healthStatus = healthStatus;
    apps.push(app);
    mine.push(app);
    targets.push({ id: `${name}-${i}`, host: '127.0.0.1', port: await app.listen() });
  }
  return { group: { name, targets }, apps: mine };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function get(endpoint: string, p = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${endpoint}${p}`, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** Runs `change` while three loops GET through the load balancer (from 300 ms before to 300 ms after); what failed. */
async function underLoad(endpoint: string, change: () => Promise<void>): Promise<{ failures: string[]; count: number }> {
  let stop = false;
  const failures: string[] = [];
  let count = 0;
  const loop = async () => {
    while (!stop) {
      const r = await get(endpoint).catch((e: Error) => ({ status: 0, body: e.message }));
      count++;
      if (r.status !== 200) failures.push(`${r.status} ${r.body}`);
    }
  };
  const loops = [loop(), loop(), loop()];
  await new Promise((r) => setTimeout(r, 300));
  try {
    await change();
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    stop = true;
    await Promise.all(loops);
  }
  return { failures, count };
}

describe.skipIf(!hasHaproxy)('LocalLoadBalancer with a real HAProxy', () => {
  let home: string;
  let lb: LocalLoadBalancer;
  const newDriver = () => new LocalLoadBalancer({ home, clock: systemClock, runner: createNodeProcessRunner({ clock: systemClock }) });
  const pidOf = () => Number(readFileSync(path.join(home, 'deploy', ENV, 'lb', 'haproxy.pid'), 'utf8'));
  const healthOf = async (g: string) => (await lb.state(ENV)).targets.filter((t) => t.group === g);
  const healthy = (g: string, n: number) =>
    until(`${g} healthy`, async () => {
      const ts = await healthOf(g);
      return ts.length === n && ts.every((t) => t.health === 'healthy') ? ts : undefined;
    });

  beforeEach(() => {
    home = mkdtempSync(path.join(tmpdir(), 'bake-lb-'));
    lb = newDriver();
  });
  afterEach(async () => {
    await lb.destroy(ENV).catch(() => {});
    rmSync(home, { recursive: true, force: true });
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
  });

  it('starts once per environment, keeps running for the next bake, and answers 503 with no servers', async () => {
    const { endpoint } = await lb.ensure(ENV, { listenPort: 0, healthCheck: HC, registered: [] });
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const pid = pidOf();
    expect((await get(endpoint)).status).toBe(503);
    // Another bake process: same HAProxy, same port.
    const again = await newDriver().ensure(ENV, { listenPort: 0, healthCheck: HC, registered: [] });
    expect(again.endpoint).toBe(endpoint);
    expect(pidOf()).toBe(pid);
    expect(readFileSync(path.join(home, 'deploy', ENV, 'lb', 'haproxy.cfg'), 'utf8')).toContain("http-check send meth GET uri '/health'");
  });

  it('registers a group in standby, health-checked, and serves it only after the cutover', async () => {
    const { endpoint } = await lb.ensure(ENV, { listenPort: 0, healthCheck: HC, registered: [] });
    const blue = await group('web-staging-v001', 2);
    await lb.register(ENV, blue.group, HC);
    const first = await healthOf('web-staging-v001');
    // Forced down on registration: not healthy before `rise` checks have passed.
    expect(first.map((t) => t.health)).not.toContain('healthy');
    expect(first.map((t) => t.mode)).toEqual(['standby', 'standby']);
    await healthy('web-staging-v001', 2);
    expect((await get(endpoint)).status).toBe(503);

    await lb.cutover(ENV, 'web-staging-v001', []);
    const answers = new Set<string>();
    for (let i = 0; i < 6; i++) answers.add((await get(endpoint)).body);
    expect([...answers].sort()).toEqual(['web-staging-v001-0', 'web-staging-v001-1']);
    expect(await lb.probe(ENV, '/')).toEqual({ status: 200, group: 'web-staging-v001' });
    expect((await healthOf('web-staging-v001')).map((t) => t.mode)).toEqual(['serving', 'serving']);
  });

  it('refuses to cut over to an unhealthy group, then moves all traffic from blue to green with no failed request', async () => {
    const { endpoint } = await lb.ensure(ENV, { listenPort: 0, healthCheck: HC, registered: [] });
    const blue = await group('web-staging-v001', 1);
    await lb.register(ENV, blue.group, HC);
    await healthy('web-staging-v001', 1);
    await lb.cutover(ENV, 'web-staging-v001', []);

    const green = await group('web-staging-v002', 2, 503);
    await lb.register(ENV, green.group, HC);
    const failing = await until('green checked and failing', async () => {
      const ts = await healthOf('web-staging-v002');
      return ts.length === 2 && ts.every((t) => t.health === 'unhealthy') ? ts : undefined;
    });
    expect(failing[0]!.detail).toMatch(/HTTP 503/);
    await expect(lb.cutover(ENV, 'web-staging-v002', ['web-staging-v001'])).rejects.toThrow(/web-staging-v002 is not healthy/);
    expect((await lb.probe(ENV, '/')).group).toBe('web-staging-v001');

    for (const a of green.apps) a.healthStatus = 200;
    await healthy('web-staging-v002', 2);
    // Load through the load balancer while it switches.
    const load = await underLoad(endpoint, () => lb.cutover(ENV, 'web-staging-v002', ['web-staging-v001']));
    expect(load.failures).toEqual([]);
    expect(load.count).toBeGreaterThan(10);

    const bodies = new Set<string>();
    for (let i = 0; i < 6; i++) bodies.add((await get(endpoint)).body);
    expect([...bodies].sort()).toEqual(['web-staging-v002-0', 'web-staging-v002-1']);
    // Blue: no traffic, still checked (a rollback needs no boot).
    const b = await healthOf('web-staging-v001');
    expect(b.map((t) => [t.mode, t.health])).toEqual([['standby', 'healthy']]);
  });

  it('applies a new health check with a seamless reload: servers and their states kept, no failed request', async () => {
    const { endpoint } = await lb.ensure(ENV, { listenPort: 0, healthCheck: HC, registered: [] });
    const old = await group('web-staging-v001', 1);
    const blue = await group('web-staging-v002', 2);
    await lb.register(ENV, old.group, HC);
    await healthy('web-staging-v001', 1);
    await lb.cutover(ENV, 'web-staging-v001', []);
    await lb.register(ENV, blue.group, HC);
    await healthy('web-staging-v002', 2);
    await lb.cutover(ENV, 'web-staging-v002', ['web-staging-v001']);
    await lb.disable(ENV, 'web-staging-v001');
    const before = (await lb.state(ENV)).targets.map((t) => [t.id, t.mode]);
    const pid = pidOf();

    // The pipeline now checks /ready: the next group registered brings it in.
    const ready: HealthCheckSpec = { ...HC, path: '/ready', timeoutMs: 300 };
    const green = await group('web-staging-v003', 1);
    const load = await underLoad(endpoint, () => lb.register(ENV, green.group, ready));
    expect(load.failures).toEqual([]);
    expect(load.count).toBeGreaterThan(10);

    expect(pidOf()).not.toBe(pid);
    const config = readFileSync(path.join(home, 'deploy', ENV, 'lb', 'haproxy.cfg'), 'utf8');
    expect(config).toContain("http-check send meth GET uri '/ready'");
    expect(config).toContain('timeout check 300ms');
    const after = (await lb.state(ENV)).targets;
    expect(after.filter((t) => t.group !== 'web-staging-v003').map((t) => [t.id, t.mode])).toEqual(before);
    expect(after.filter((t) => t.group === 'web-staging-v003').map((t) => t.mode)).toEqual(['standby']);
    // Checks now ask /ready: blue keeps passing though its /health fails, and green rises on it.
    for (const a of blue.apps) a.healthStatus = 503;
    await healthy('web-staging-v003', 1);
    expect((await healthOf('web-staging-v002')).map((t) => t.health)).toEqual(['healthy', 'healthy']);
    expect(green.apps[0]!.paths).toContain('/ready');
    expect(green.apps[0]!.paths).not.toContain('/health');
    expect((await lb.probe(ENV, '/')).group).toBe('web-staging-v002');
    // The old process has handed over and gone.
    await until('the old HAProxy to exit', async () => (existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ') ? undefined : true));
    // Another register with the same check changes nothing.
    const reloaded = pidOf();
    await lb.register(ENV, green.group, ready);
    expect(pidOf()).toBe(reloaded);
  });

  it('guards the last healthy serving group, and disables and deregisters others', async () => {
    await lb.ensure(ENV, { listenPort: 0, healthCheck: HC, registered: [] });
    const blue = await group('web-staging-v001', 1);
    const green = await group('web-staging-v002', 1);
    await lb.register(ENV, blue.group, HC);
    await healthy('web-staging-v001', 1);
    await lb.cutover(ENV, 'web-staging-v001', []);
    await lb.register(ENV, green.group, HC);

    await expect(lb.disable(ENV, 'web-staging-v001')).rejects.toThrow(/last healthy servers/);
    await expect(lb.deregister(ENV, 'web-staging-v001')).rejects.toThrow(/last healthy servers/);
    expect((await lb.probe(ENV, '/')).group).toBe('web-staging-v001');

    await lb.disable(ENV, 'web-staging-v002');
    expect((await healthOf('web-staging-v002')).map((t) => [t.mode, t.health, t.detail])).toEqual([['disabled', 'unknown', 'checks stopped']]);
    // Registering a disabled group again brings it back to standby, checked from scratch.
    await lb.register(ENV, green.group, HC);
    expect((await healthOf('web-staging-v002'))[0]!.mode).toBe('standby');
    await healthy('web-staging-v002', 1);

    await lb.deregister(ENV, 'web-staging-v002');
    await lb.deregister(ENV, 'web-staging-v002'); // idempotent
    expect((await lb.state(ENV)).targets.map((t) => t.id)).toEqual(['web-staging-v001-0']);
    await lb.deregister(ENV, 'web-staging-v001', { force: true });
    expect((await lb.state(ENV)).targets).toEqual([]);
  });

  it('is started again from the registered groups after it went away, on the same port', async () => {
    const { endpoint } = await lb.ensure(ENV, { listenPort: 0, healthCheck: HC, registered: [] });
    const blue = await group('web-staging-v001', 1);
    const old = await group('web-staging-v000', 1);
    await lb.register(ENV, blue.group, HC);
    await healthy('web-staging-v001', 1);
    await lb.cutover(ENV, 'web-staging-v001', []);
    process.kill(pidOf(), 'SIGKILL');
    await until('HAProxy gone', async () => ((await lb.state(ENV)).running ? undefined : true));
    await expect(lb.cutover(ENV, 'web-staging-v001', [])).rejects.toThrow(/not running/);

    const again = await newDriver().ensure(ENV, {
      listenPort: 0,
      healthCheck: HC,
      registered: [
        { group: blue.group, mode: 'serving' },
        { group: old.group, mode: 'disabled' },
      ],
    });
    expect(again.endpoint).toBe(endpoint);
    // A group that was serving serves at once; it is not held back until it passes `rise` checks again.
    expect((await get(endpoint)).body).toBe('web-staging-v001-0');
    const modes = Object.fromEntries((await lb.state(ENV)).targets.map((t) => [t.id, t.mode]));
    expect(modes).toEqual({ 'web-staging-v001-0': 'serving', 'web-staging-v000-0': 'disabled' });
  });

  it('reports instances that stop answering as unhealthy, with the reason', async () => {
    await lb.ensure(ENV, { listenPort: 0, healthCheck: HC, registered: [] });
    const blue = await group('web-staging-v001', 1);
    await lb.register(ENV, blue.group, HC);
    await healthy('web-staging-v001', 1);
    await blue.apps[0]!.close();
    const down = await until('unhealthy', async () => {
      const [t] = await healthOf('web-staging-v001');
      return t?.health === 'unhealthy' ? t : undefined;
    });
    expect(down.detail).toMatch(/connection|refused/i);
  });

  it('destroy stops HAProxy and removes its files', async () => {
    await lb.ensure(ENV, { listenPort: 0, healthCheck: HC, registered: [] });
    const pid = pidOf();
    await lb.destroy(ENV);
    // Gone, or a zombie its new parent has not reaped yet (no argv, state Z).
    const stat = existsSync(`/proc/${pid}`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : undefined;
    expect(stat === undefined || / Z /.test(stat)).toBe(true);
    expect(existsSync(path.join(home, 'deploy', ENV, 'lb'))).toBe(false);
    expect(await lb.state(ENV)).toEqual({ endpoint: '', running: false, targets: [] });
    await lb.destroy(ENV); // idempotent
  });
});

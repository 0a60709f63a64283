/**
 * `bake promote` end to end with the real parts: images built by the real CLI (a tiny Debian base
 * with busybox, and app layers whose httpd serves their version and, when healthy, /health), qemu
 * instances, and HAProxy driven through its runtime API. In order: a first deploy, a cutover under
 * a load loop with no failed request, a cutover to an image that fails its health checks (blue
 * keeps serving), a rollback to the kept group, the approval gate, a concurrent promote refused,
 * a promote killed with -9 and recovered by the next `bake status`, and `bake down`. Nothing may
 * be left running.
 *
 * Needs root, qemu, mmdebstrap, haproxy and a Debian mirror; skipped otherwise and with
 * BAKE_SKIP_VM_TESTS=1. Slow: one bootstrap (1-2 min), three layer builds and five instance boots
 * (15-60 s each under TCG), and one health-check deadline.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bakeBin, runCli } from '../_helpers/cli.js';

const TOOLS = ['qemu-system-x86_64', 'qemu-img', 'mmdebstrap', 'mkfs.ext4', 'pgrep', 'haproxy'];
const missing = TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const skipReason =
  process.env.BAKE_SKIP_VM_TESTS === '1' ? 'BAKE_SKIP_VM_TESTS=1' : process.getuid?.() !== 0 ? 'not root' : missing.length > 0 ? `missing ${missing.join(', ')}` : undefined;
if (skipReason) console.warn(`bake promote e2e tests skipped: ${skipReason}`);

const MINUTE = 60_000;
const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures');

interface Status {
  endpoint: string | null;
  image: string | null;
  live?: string;
  groups: { name: string; status: string; image: string; targets: { id: string; health: string; mode: string }[] }[];
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** qemu and haproxy processes whose command line mentions the directory. */
function processesUnder(dir: string): string[] {
  const r = spawnSync('pgrep', ['-af', dir], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.trim() !== '' && !l.includes('pgrep') && /qemu|haproxy/.test(l));
}

describe.skipIf(skipReason !== undefined)('bake promote with real qemu and HAProxy', () => {
  let work: string;
  let home: string;
  const images: Record<'v1' | 'v2' | 'bad', string> = { v1: '', v2: '', bad: '' };
  const env = () => ({ BAKE_HOME: home, CI: 'true', BAKE_ACTOR: 'e2e-test' });
  const bake = async (args: string[], expectCode = 0) => {
    const r = await runCli(args, { cwd: work, env: env() });
    if (r.code !== expectCode) throw new Error(`bake ${args.join(' ')} exited ${r.code}, expected ${expectCode}\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  const status = async () => JSON.parse((await bake(['status', '--env', 'staging', '--json'])).stdout) as Status;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'bake-deploy-e2e-'));
    home = path.join(work, '.bake');
    cpSync(FIXTURES, work, { recursive: true });
    const build = async (vars: string[]) => {
      const r = await bake(['build', '--json', ...vars.flatMap((v) => ['-var', v]), 'tiny-app.pkr.hcl']);
      return (JSON.parse(r.stdout) as { layers: { name: string; id: string }[] }).layers.find((l) => l.name === 'tiny-app')!.id;
    };
    images.v1 = await build(['app_version=1']);
    images.v2 = await build(['app_version=2']);
    images.bad = await build(['app_version=3', 'healthy=false']);
  }, 20 * MINUTE);

  afterAll(async () => {
    if (!work) return;
    await runCli(['down', '--env', 'staging', '--force'], { cwd: work, env: env() }).catch(() => undefined);
    const left = processesUnder(work);
    rmSync(work, { recursive: true, force: true });
    expect(left).toEqual([]);
  }, 5 * MINUTE);

  it('prints the plan of a dry run and changes nothing', async () => {
    const r = await bake(['promote', '--to', 'staging', '--dry-run']);
    expect(r.stdout).toContain('tiny-staging-v001');
    expect(r.stdout).toContain('dry run: nothing was changed');
    // Without IMAGE the first environment takes the newest image of the pipeline's template.
    expect(r.stdout).toContain(images.bad);
    expect(existsSync(path.join(home, 'deploy', 'staging', 'state.json'))).toBe(false);
  });

  it('deploys a first image: the load balancer serves it', async () => {
    await bake(['promote', '--to', 'staging', images.v1]);
    const s = await status();
    expect(s.image).toBe(images.v1);
    expect(s.live).toBe('tiny-staging-v001');
    expect((await get(`${s.endpoint}/`)).body).toBe('tiny-app 1\n');
    // The instance is named after itself, as a cloud instance gets its own hostname.
    const serial = readFileSync(path.join(home, 'deploy', 'staging', 'run', 'tiny-staging-v001-0.serial.log'), 'latin1');
    expect(serial).toContain('Hostname set to <tiny-staging-v001-0>');
  }, 10 * MINUTE);

  it('cuts over to a new image with no failed request under a load loop', async () => {
    const { endpoint } = await status();
    let stop = false;
    const answers: string[] = [];
    const failures: string[] = [];
    const loop = async () => {
      while (!stop) {
        try {
          const r = await get(`${endpoint}/`);
          if (r.status === 200) answers.push(r.body.trim());
          else failures.push(`HTTP ${r.status}`);
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
    };
    const loops = [loop(), loop(), loop(), loop()];
    try {
      const r = await bake(['promote', '--to', 'staging', '--json', images.v2]);
      expect(JSON.parse(r.stdout)).toMatchObject({ result: 'succeeded', group: 'tiny-staging-v002', from: 'tiny-staging-v001' });
    } finally {
      stop = true;
      await Promise.all(loops);
    }
    expect(failures).toEqual([]);
    expect(answers[0]).toBe('tiny-app 1');
    expect(answers.at(-1)).toBe('tiny-app 2');
    const s = await status();
    expect(s.image).toBe(images.v2);
    // The previous group is kept in standby for a rollback.
    expect(s.groups.find((g) => g.name === 'tiny-staging-v001')).toMatchObject({ status: 'previous' });
  }, 10 * MINUTE);

  it('leaves blue serving when green fails its health checks, and destroys green', async () => {
    const r = await bake(['promote', '--to', 'staging', images.bad], 1);
    expect(r.stderr).toContain('failed in health');
    expect(r.stderr).toContain('tiny-staging-v003-0');
    const s = await status();
    expect(s.image).toBe(images.v2);
    expect(s.groups.map((g) => g.name).sort()).toEqual(['tiny-staging-v001', 'tiny-staging-v002']);
    expect((await get(`${s.endpoint}/`)).body).toBe('tiny-app 2\n');
    expect(processesUnder(work).filter((l) => l.includes('tiny-staging-v003'))).toEqual([]);
  }, 10 * MINUTE);

  it('rolls back to the kept group and destroys the current one', async () => {
    await bake(['rollback', '--env', 'staging']);
    const s = await status();
    expect(s.image).toBe(images.v1);
    expect(s.groups.map((g) => g.name)).toEqual(['tiny-staging-v001']);
    expect((await get(`${s.endpoint}/`)).body).toBe('tiny-app 1\n');
  }, 10 * MINUTE);

  it('refuses to promote to an environment behind an approval', async () => {
    const r = await bake(['promote', '--to', 'prod'], 1);
    expect(r.stderr).toContain('approval');
    expect(r.stderr).toContain('not implement');
  });

  it('refuses a concurrent promote, then recovers a promote killed with -9', async () => {
    const child: ChildProcess = spawn(process.execPath, [bakeBin, 'promote', '--to', 'staging', images.v2], {
      cwd: work,
      env: { ...process.env, ...env() },
      stdio: 'ignore',
    });
    try {
      // Wait until it is launching its group: the journal says so in the state file.
      const stateFile = path.join(home, 'deploy', 'staging', 'state.json');
      const deadline = Date.now() + 2 * MINUTE;
      for (;;) {
        const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { deployment?: { phase: string } };
        if (state.deployment?.phase === 'launch' && processesUnder(work).some((l) => l.includes('tiny-staging-v004'))) break;
        if (Date.now() > deadline) throw new Error('the promote never started launching');
        await new Promise((r) => setTimeout(r, 200));
      }
      const second = await bake(['promote', '--to', 'staging', images.v2], 1);
      expect(second.stderr).toContain(`being changed by process ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    const s = await status();
    expect(s.image).toBe(images.v1);
    expect(s.groups.map((g) => g.name)).toEqual(['tiny-staging-v001']);
    expect(processesUnder(work).filter((l) => l.includes('tiny-staging-v004'))).toEqual([]);
    expect((await get(`${s.endpoint}/`)).body).toBe('tiny-app 1\n');
  }, 10 * MINUTE);

  it('takes the environment down only with --force, leaving nothing running', async () => {
    const refused = await bake(['down', '--env', 'staging'], 1);
    expect(refused.stderr).toContain('--force');
    await bake(['down', '--env', 'staging', '--force']);
    expect(processesUnder(work)).toEqual([]);
    const history = readFileSync(path.join(home, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; result: string; actor: string });
    expect(history.every((h) => h.actor === 'e2e-test')).toBe(true);
    // The base and the three app layers were built, then deployed.
    expect(history.filter((h) => h.action === 'build').map((h) => h.result)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(history.filter((h) => h.action !== 'build').map((h) => `${h.action}:${h.result}`)).toEqual([
      'promote:succeeded',
      'promote:succeeded',
      'promote:failed',
      'rollback:succeeded',
      'promote:failed',
      'down:succeeded',
    ]);
  }, 5 * MINUTE);
});

/**
 * The local builder's pieces against the real tools: mmdebstrap makes a Debian 12 base, qemu boots
 * it (under whatever the accelerator probe says: TCG on hosts where KVM hangs), the system ssh
 * client logs in with a key made for this test, QMP powers it down, and a qcow2 overlay on it boots
 * as a layer whose writes stay in the overlay.
 *
 * Needs root (mmdebstrap, mkfs.ext4 -d keeping owners), qemu-system-x86, qemu-utils, mmdebstrap,
 * e2fsprogs and openssh-client, and a reachable Debian mirror; skipped otherwise. Slow: making
 * the base takes 1-2 minutes, each boot to SSH 15-60 s under TCG depending on how busy the host
 * is. BAKE_TEST_BASE_IMAGE=DIR caches the base between runs (base-image-fixture.ts);
 * BAKE_SKIP_VM_TESTS=1 skips this file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvmProbeArgs, PROBE_PANIC, probeAccelerator, type AcceleratorChoice } from '../../../src/builders/local/accelerator.js';
import { checkSucceeded, createNodeProcessRunner } from '../../../src/builders/local/process.js';
import { createOverlay, imageInfo } from '../../../src/builders/local/qemu-img.js';
import { launchVm, type LaunchVmOptions, type Vm } from '../../../src/builders/local/vm.js';
import { findOrphans, reapOrphan } from '../../../src/builders/local/vm-state.js';
import { systemClock } from '../../../src/runtime/clock.js';
import { baseImageForTest, describeCache, type TestBaseImage } from './base-image-fixture.js';

const TOOLS = ['qemu-system-x86_64', 'qemu-img', 'mmdebstrap', 'mkfs.ext4', 'debugfs', 'ssh', 'ssh-keygen', 'setpriv', 'pgrep'];
const missing = TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const isRoot = process.getuid?.() === 0;
const skipReason =
  process.env.BAKE_SKIP_VM_TESTS === '1'
    ? 'BAKE_SKIP_VM_TESTS=1'
    : !isRoot
      ? 'not root'
      : missing.length > 0
        ? `missing ${missing.join(', ')}`
        : undefined;
if (skipReason) console.warn(`local VM integration tests skipped: ${skipReason}`);

const MINUTE = 60_000;
/** Boot to SSH under TCG: ~16 s on an idle host, ~45-60 s while other builds share the CPU. */
const BOOT_TIMEOUT_MS = 5 * MINUTE;

const clock = systemClock;
const runner = createNodeProcessRunner({ clock });
/** Every VM this file starts has a name with this prefix, so no qemu of ours can hide from pgrep. */
const PREFIX = `bake-it-${process.pid}`;

describe.skipIf(skipReason !== undefined)('the local builder with real qemu and mmdebstrap', () => {
  let work: string;
  let base: TestBaseImage;
  let accel: AcceleratorChoice;
  let publicKey: string;
  let privateKey: string;
  const vms: Vm[] = [];
  const timings: Record<string, number | string> = {};

  const launch = async (name: string, disk: string, extra: Partial<LaunchVmOptions> = {}): Promise<Vm> => {
    const vm = await launchVm(
      { runner, clock },
      {
        name: `${PREFIX}-${name}`,
        disk,
        kernel: base.kernel,
        initrd: base.initrd,
        accelerator: accel.accelerator,
        sshPublicKey: publicKey,
        runDir: path.join(work, 'run'),
        stateDir: path.join(work, 'state'),
        ...extra,
      },
    );
    vms.push(vm);
    return vm;
  };

  const ssh = async (vm: Vm, command: string): Promise<string> => {
    const result = await runner.run(
      'ssh',
      [
        '-i', privateKey,
        '-p', String(vm.sshPort),
        '-o', 'StrictHostKeyChecking=no',
        '-o', 'UserKnownHostsFile=/dev/null',
        '-o', 'BatchMode=yes',
        '-o', 'IdentitiesOnly=yes',
        '-o', 'ConnectTimeout=30',
        '-o', 'LogLevel=ERROR',
        'root@127.0.0.1',
        command,
      ],
      { timeoutMs: 2 * MINUTE },
    );
    return checkSucceeded(result).stdout;
  };

  const bootToSsh = async (vm: Vm, label: string) => {
    const outcome = await vm.waitForSsh(BOOT_TIMEOUT_MS);
    if (outcome.kind !== 'ready') {
      const serial = await readFile(vm.serialLog, 'utf8').catch(() => '');
      throw new Error(`${label} did not come up: ${JSON.stringify(outcome).slice(0, 500)}\n--- serial log tail ---\n${serial.slice(-3000)}`);
    }
    timings[`${label}: boot to SSH banner`] = `${outcome.afterMs} ms`;
  };

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'bake-it-'));
    const cache = process.env.BAKE_TEST_BASE_IMAGE;
    timings.base = await describeCache(cache);
    base = await baseImageForTest({ runner, clock }, work, cache);
    if (base.made) {
      const t = base.made.timings;
      Object.assign(timings, {
        mmdebstrap: `${t.bootstrapMs} ms`,
        'configure rootfs': `${t.configureMs} ms`,
        'mkfs.ext4 -d': `${t.mkfsMs} ms`,
        'qemu-img convert raw to qcow2': `${t.convertMs} ms`,
        'rootfs size': `${Math.round(base.made.rootfsBytes / 2 ** 20)} MiB`,
      });
    }
    const keyDir = path.join(work, 'key');
    await mkdir(keyDir);
    privateKey = path.join(keyDir, 'id_ed25519');
    checkSucceeded(await runner.run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${PREFIX}@bake-test`, '-f', privateKey]));
    publicKey = await readFile(`${privateKey}.pub`, 'utf8');
  }, 20 * MINUTE);

  afterAll(async () => {
    for (const vm of vms) await vm.kill();
    const left = spawnSync('pgrep', ['-f', '--', `-name ${PREFIX}`], { encoding: 'utf8' });
    console.info(`local VM integration timings:\n${Object.entries(timings).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
    if (work) await rm(work, { recursive: true, force: true });
    expect(left.stdout.trim()).toBe(''); // no qemu of ours outlives the tests
  }, 2 * MINUTE);

  it('probes the accelerator with a test guest that leaves nothing behind', async () => {
    const tempRoot = await mkdtemp(path.join(work, 'probe-'));
    const started = clock.now();
    accel = await probeAccelerator({ runner, clock, tempRoot }, { kernel: base.kernel });
    timings[`accelerator probe (${accel.accelerator}: ${accel.reason})`] = `${clock.now() - started} ms`;
    expect(['kvm', 'tcg']).toContain(accel.accelerator);
    expect(accel.probeMs).toBeLessThan(15_000);
    expect(spawnSync('pgrep', ['-f', tempRoot]).status).toBe(1); // the probe's qemu named files in there
    expect(spawnSync('ls', ['-A', tempRoot], { encoding: 'utf8' }).stdout).toBe('');
  }, MINUTE);

  it("the probe's kernel really reaches its panic and makes qemu exit (under TCG, which works everywhere)", async () => {
    const dir = await mkdtemp(path.join(work, 'probe-'));
    const serial = path.join(dir, 'serial.log');
    const args = kvmProbeArgs(base.kernel, serial);
    args[args.indexOf('kvm')] = 'tcg';
    const run = await runner.run('qemu-system-x86_64', args, { timeoutMs: 60_000 });
    expect(run.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(await readFile(serial, 'latin1')).toContain(PROBE_PANIC);
  }, MINUTE);

  let baseHostKey = '';
  it('boots the base image and lets the per-test key in over SSH', async () => {
    const started = clock.now();
    const vm = await launch('base', base.disk);
    timings['base: qemu started, QMP answering'] = `${clock.now() - started} ms`;
    await bootToSsh(vm, 'base');
    const osRelease = await ssh(vm, 'cat /etc/os-release');
    expect(osRelease).toContain('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"');
    expect(await ssh(vm, 'hostname')).toBe('bake-test-base\n');
    // The key lives on the tmpfs, not on the disk.
    expect(await ssh(vm, 'ls /run/bake/ssh; test ! -e /root/.ssh/authorized_keys && echo not-on-disk')).toBe('root\nnot-on-disk\n');
    baseHostKey = await ssh(vm, 'cat /etc/ssh/ssh_host_ed25519_key.pub');
    expect(baseHostKey).toMatch(/^ssh-ed25519 /);
  }, BOOT_TIMEOUT_MS + 2 * MINUTE);

  it('powers the base down cleanly through QMP', async () => {
    const vm = vms.at(-1)!;
    const outcome = await vm.powerdown(2 * MINUTE);
    timings['base: QMP powerdown to qemu exit'] = `${outcome.kind === 'already-exited' ? 0 : outcome.afterMs} ms (${outcome.kind})`;
    expect(outcome.kind).toBe('powered-off');
    if (outcome.kind === 'powered-off') expect(outcome.result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(await findOrphans(path.join(work, 'state'))).toEqual([]);
  }, 3 * MINUTE);

  it('boots a layer on a qcow2 overlay: its writes stay in a small overlay and the parent is unchanged', async () => {
    const parentBefore = await sha256(base.disk);
    const parentInfo = await imageInfo(runner, base.disk);
    const layerDir = path.join(work, 'layer');
    await mkdir(layerDir);
    const layer = path.join(layerDir, 'disk.qcow2');
    let started = clock.now();
    await createOverlay(runner, { parent: base.disk, child: layer });
    timings['qemu-img create overlay'] = `${clock.now() - started} ms`;

    const vm = await launch('layer', layer);
    await bootToSsh(vm, 'layer');
    await ssh(vm, 'echo written-by-the-layer > /root/layer-marker && sync');
    // A new VM makes its own host keys instead of serving its parent's.
    const layerHostKey = await ssh(vm, 'cat /etc/ssh/ssh_host_ed25519_key.pub');
    expect(layerHostKey).not.toBe(baseHostKey);
    started = clock.now();
    const outcome = await vm.powerdown(2 * MINUTE);
    timings['layer: QMP powerdown to qemu exit'] = `${clock.now() - started} ms (${outcome.kind})`;
    expect(outcome.kind).toBe('powered-off');

    const info = await imageInfo(runner, layer);
    timings['layer overlay actual size'] = `${(info.actualSize / 2 ** 20).toFixed(1)} MiB (parent ${(parentInfo.actualSize / 2 ** 20).toFixed(1)} MiB)`;
    expect(info.backingFile).toBe('../base/disk.qcow2');
    expect(info.chain.map((i) => i.filename)).toEqual([layer, base.disk]);
    expect(info.virtualSize).toBe(parentInfo.virtualSize);
    expect(info.actualSize).toBeLessThan(64 * 2 ** 20); // a delta, not a copy of the ~400 MB parent
    expect(info.actualSize).toBeLessThan(parentInfo.actualSize / 4);
    expect(await sha256(base.disk)).toBe(parentBefore);

    // The file is in the layer's filesystem, read offline; no build key reached the disk.
    const raw = path.join(layerDir, 'flat.raw');
    checkSucceeded(await runner.run('qemu-img', ['convert', '-q', '-O', 'raw', layer, raw]));
    const cat = await runner.run('debugfs', ['-R', 'cat /root/layer-marker', raw]);
    expect(cat.stdout).toBe('written-by-the-layer\n');
    const keys = await runner.run('debugfs', ['-R', 'ls -l /root/.ssh', raw]);
    expect(keys.stdout).not.toContain('authorized_keys');
    await rm(raw);
  }, BOOT_TIMEOUT_MS + 5 * MINUTE);

  it('finds and stops a VM whose bake was killed with SIGKILL', async () => {
    // A separate "bake" launches a VM without the parent-death tie (as a deploy would) and is killed.
    const overlay = path.join(work, 'orphan.qcow2');
    await createOverlay(runner, { parent: base.disk, child: overlay });
    const name = `${PREFIX}-orphan`;
    const helper = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('./launch-vm-helper.ts', import.meta.url).pathname],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    helper.stdin.end(
      JSON.stringify({
        name,
        disk: overlay,
        kernel: base.kernel,
        initrd: base.initrd,
        accelerator: accel.accelerator,
        sshPublicKey: publicKey,
        runDir: path.join(work, 'run'),
        stateDir: path.join(work, 'state'),
        dieWithParent: false,
      }),
    );
    const pid = await new Promise<number>((resolve, reject) => {
      helper.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
      helper.once('exit', (code) => reject(new Error(`launch helper exited with ${code}`)));
    });
    helper.kill('SIGKILL');
    await new Promise((r) => helper.once('exit', r));

    const found = await findOrphans(path.join(work, 'state'));
    expect(found).toMatchObject([{ kind: 'orphan', pid, record: { name } }]);
    const reaped = await reapOrphan(found[0]!, { clock });
    expect(reaped).toEqual({ kind: 'stopped', pid, signal: 'SIGTERM' });
    expect(spawnSync('pgrep', ['-f', '--', `-name ${name}`]).status).toBe(1);
    expect(await findOrphans(path.join(work, 'state'))).toEqual([]);
  }, 2 * MINUTE);
});

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../_helpers/cli.js';
import {
  kvmProbeArgs,
  PROBE_PANIC,
  probeAccelerator as probe,
  type AcceleratorProbeDeps,
  type AcceleratorProbeOptions,
} from '../../../src/builders/local/accelerator.js';
import { fastClock } from './fast-clock.js';
import { fakeProcessRunner, type FakeScript } from './fake-process-runner.js';

const VERSION = 'QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright (c) 2003-2022\n';

/** A host with an openable "/dev/kvm" (a plain file) and a boot id, and qemu behaving as `onProbe` says. */
function host(onProbe: FakeScript, opts: { kvm?: 'openable' | 'missing'; bootId?: string } = {}) {
  const dir = testdir();
  const tempRoot = path.join(dir, 'tmp');
  mkdirSync(tempRoot);
  const kvmDevice = path.join(dir, 'kvm');
  if (opts.kvm !== 'missing') writeFileSync(kvmDevice, '');
  const bootIdFile = path.join(dir, 'boot_id');
  writeFileSync(bootIdFile, `${opts.bootId ?? 'boot-1'}\n`);
  const runner = fakeProcessRunner((p) => (p.args[0] === '--version' ? { stdout: VERSION } : onProbe(p)));
  const deps: AcceleratorProbeDeps = { runner, clock: fastClock(), tempRoot, kvmDevice, bootIdFile };
  return { deps, runner, tempRoot };
}

/** The probe guest's serial file, from the probe's arguments. */
const serialOf = (args: readonly string[]) => args[args.indexOf('-serial') + 1]!.replace(/^file:/, '');

const KERNEL = '/images/img-1/vmlinuz';
/** The probe with the kernel a build would pass. */
const probeAccelerator = (deps: AcceleratorProbeDeps, opts: Omit<AcceleratorProbeOptions, 'kernel'> = {}) => probe(deps, { kernel: KERNEL, ...opts });

/** What a Debian cloud kernel prints last when booted with no root file system. */
const PANIC_OUTPUT = '[    0.912345] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\r\n';

describe('probeAccelerator', () => {
  it('takes the template setting without probing', async () => {
    const { deps, runner } = host(() => undefined);
    expect(await probeAccelerator(deps, { setting: 'kvm' })).toEqual({ accelerator: 'kvm', reason: 'accelerator = "kvm" in the template', source: 'setting' });
    expect((await probeAccelerator(deps, { setting: 'tcg' })).accelerator).toBe('tcg');
    expect(await probeAccelerator(deps, { setting: 'none' })).toMatchObject({ accelerator: 'tcg', source: 'setting' });
    expect(runner.calls).toEqual([]);
  });

  it('falls back to TCG without starting a guest when /dev/kvm cannot be opened', async () => {
    const { deps, runner } = host(() => undefined, { kvm: 'missing' });
    const choice = await probeAccelerator(deps);
    expect(choice).toMatchObject({ accelerator: 'tcg', source: 'probe' });
    expect(choice.reason).toMatch(/kvm cannot be opened \(ENOENT\)$/);
    expect(runner.calls.map((c) => c.args[0])).toEqual(['--version']);
  });

  it('chooses KVM when the kernel boots to its panic under KVM, and removes its files', async () => {
    const { deps, runner, tempRoot } = host((p) => {
      writeFileSync(serialOf(p.args), PANIC_OUTPUT);
      return { exitCode: 0 };
    });
    const choice = await probeAccelerator(deps, { deadlineMs: 2_500 });
    expect(choice).toMatchObject({ accelerator: 'kvm', source: 'probe' });
    const probe = runner.calls[1]!;
    expect(probe.command).toBe('qemu-system-x86_64');
    expect(probe.args.slice(0, 2)).toEqual(['-accel', 'kvm']);
    expect(probe.args[probe.args.indexOf('-kernel') + 1]).toBe(KERNEL);
    expect(probe.opts).toMatchObject({ timeoutMs: 2_500, dieWithParent: true });
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('falls back to TCG when the kernel stays silent until the deadline (KVM opens but guests hang)', async () => {
    const { deps, tempRoot } = host(() => ({ outcome: { kind: 'timed-out', afterMs: 8_000 } }));
    const choice = await probeAccelerator(deps);
    expect(choice).toMatchObject({ accelerator: 'tcg', source: 'probe' });
    expect(choice.reason).toBe(`${deps.kvmDevice!} opens, but a Linux kernel under KVM did not finish booting within 8000 ms (it printed nothing)`);
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('falls back to TCG when the kernel starts under KVM but hangs before its panic', async () => {
    const { deps } = host((p) => {
      writeFileSync(serialOf(p.args), '[    0.000000] Linux version 6.1.0-57-cloud-amd64\r\n');
      return { outcome: { kind: 'timed-out', afterMs: 8_000 } };
    });
    const choice = await probeAccelerator(deps);
    expect(choice.accelerator).toBe('tcg');
    expect(choice.reason).toMatch(/did not finish booting within 8000 ms$/);
  });

  it('wants the kernel to probe with, unless the setting or the cache decides', async () => {
    const { deps } = host(() => undefined);
    await expect(probe(deps, {})).rejects.toThrow('a kernel is needed');
    expect((await probe(deps, { setting: 'tcg' })).accelerator).toBe('tcg');
  });

  it("falls back to TCG with qemu's own words when qemu cannot use KVM", async () => {
    const { deps } = host(() => ({ exitCode: 1, stderr: 'qemu-system-x86_64: failed to initialize kvm: Permission denied\n' }));
    const choice = await probeAccelerator(deps);
    expect(choice.reason).toBe('qemu -accel kvm exited with status 1: qemu-system-x86_64: failed to initialize kvm: Permission denied');
  });

  it('removes its files and rethrows when aborted mid-probe', async () => {
    const ac = new AbortController();
    const { deps, runner, tempRoot } = host(() => {
      setImmediate(() => ac.abort(new Error('build cancelled')));
      return { keepRunning: true };
    });
    await expect(probeAccelerator(deps, { signal: ac.signal })).rejects.toThrow('build cancelled');
    expect(runner.running()).toEqual([]);
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('reuses a stored choice while the boot id and qemu version are the same, and probes again after a reboot', async () => {
    const first = host(() => ({ outcome: { kind: 'timed-out', afterMs: 3_000 } }));
    const stored = await probeAccelerator(first.deps);
    expect(stored.cacheKey).toBe('linux-panic/boot-1/QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)');

    const again = host(() => ({ outcome: { kind: 'timed-out', afterMs: 3_000 } }));
    expect(await probeAccelerator(again.deps, { cached: stored })).toEqual({ ...stored, source: 'cache' });
    expect(again.runner.callsOf('qemu-system-x86_64').map((c) => c.args[0])).toEqual(['--version']);

    const rebooted = host(() => ({ outcome: { kind: 'timed-out', afterMs: 3_000 } }), { bootId: 'boot-2' });
    expect((await probeAccelerator(rebooted.deps, { cached: stored })).source).toBe('probe');
  });
});

describe('the probe guest', () => {
  it('is the kernel alone, no disk, no initrd and no network, its console on the serial file, exiting at its panic', () => {
    expect(kvmProbeArgs('/i/vmlinuz', '/t/a,b/serial.log')).toEqual([
      '-accel', 'kvm', '-nodefaults', '-display', 'none', '-monitor', 'none', '-m', '256', '-no-reboot',
      '-kernel', '/i/vmlinuz',
      '-append', 'console=ttyS0 loglevel=1 panic=-1',
      '-serial', 'file:/t/a,b/serial.log',
    ]);
  });

  it('looks for the words every Linux panic prints', () => {
    expect(PANIC_OUTPUT).toContain(PROBE_PANIC);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../_helpers/cli.js';
import {
  kvmProbeArgs,
  PROBE_MARKER,
  probeAccelerator,
  probeBootSector,
  type AcceleratorProbeDeps,
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

  it('chooses KVM when the test guest prints its marker, and removes its files', async () => {
    const { deps, runner, tempRoot } = host((p) => {
      writeFileSync(serialOf(p.args), `${PROBE_MARKER}\r\n`);
      return { exitCode: 33 };
    });
    const choice = await probeAccelerator(deps, { deadlineMs: 2_500 });
    expect(choice).toMatchObject({ accelerator: 'kvm', source: 'probe' });
    const probe = runner.calls[1]!;
    expect(probe.command).toBe('qemu-system-x86_64');
    expect(probe.args.slice(0, 2)).toEqual(['-accel', 'kvm']);
    expect(probe.opts).toMatchObject({ timeoutMs: 2_500, dieWithParent: true });
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('falls back to TCG when the KVM guest stays silent until the deadline (KVM opens but guests hang)', async () => {
    const { deps, tempRoot } = host(() => ({ outcome: { kind: 'timed-out', afterMs: 3_000 } }));
    const choice = await probeAccelerator(deps);
    expect(choice).toMatchObject({ accelerator: 'tcg', source: 'probe' });
    expect(choice.reason).toBe('/dev/kvm opens, but a KVM test guest printed nothing within 3000 ms'.replace('/dev/kvm', deps.kvmDevice!));
    expect(readdirSync(tempRoot)).toEqual([]);
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
    expect(stored.cacheKey).toBe('boot-1/QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)');

    const again = host(() => ({ outcome: { kind: 'timed-out', afterMs: 3_000 } }));
    expect(await probeAccelerator(again.deps, { cached: stored })).toEqual({ ...stored, source: 'cache' });
    expect(again.runner.callsOf('qemu-system-x86_64').map((c) => c.args[0])).toEqual(['--version']);

    const rebooted = host(() => ({ outcome: { kind: 'timed-out', afterMs: 3_000 } }), { bootId: 'boot-2' });
    expect((await probeAccelerator(rebooted.deps, { cached: stored })).source).toBe('probe');
  });
});

describe('the probe guest', () => {
  it('is a 512-byte boot sector whose message pointer points at the marker', () => {
    const sector = probeBootSector(PROBE_MARKER);
    expect(sector.length).toBe(512);
    expect([sector[510], sector[511]]).toEqual([0x55, 0xaa]);
    expect(sector.readUInt16LE(6) - 0x7c00).toBe(sector.indexOf(PROBE_MARKER));
  });

  it('boots no devices but its disk, the serial file and the exit port', () => {
    expect(kvmProbeArgs('/t/boot.img', '/t/a,b/serial.log')).toEqual([
      '-accel', 'kvm', '-nodefaults', '-display', 'none', '-monitor', 'none', '-m', '16', '-no-reboot',
      '-drive', 'format=raw,file=/t/boot.img',
      '-serial', 'file:/t/a,b/serial.log',
      '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
    ]);
  });

  const hasQemu = spawnSync('qemu-system-x86_64', ['--version']).status === 0;
  it.skipIf(!hasQemu)('really prints its marker and exits when booted (under TCG, which works everywhere)', () => {
    const dir = testdir();
    const image = path.join(dir, 'boot.img');
    const serial = path.join(dir, 'serial.log');
    writeFileSync(image, probeBootSector(PROBE_MARKER));
    const args = kvmProbeArgs(image, serial);
    args[1] = 'tcg';
    const run = spawnSync('qemu-system-x86_64', args, { timeout: 20_000 });
    expect(run.status).toBe(33); // isa-debug-exit: (0x10 << 1) | 1
    expect(readFileSync(serial, 'latin1')).toBe(`${PROBE_MARKER}\r\n`);
  });
});

/**
 * Chooses between KVM and TCG (software emulation) for the VMs a build boots.
 *
 * `/dev/kvm` being there and openable is not enough: on some hosts (nested virtualization without
 * the right CPU features) KVM creates VMs whose guests hang. Running a few real-mode instructions
 * is not enough either: on such a host a BIOS boot sector under KVM prints to the serial port, and
 * a Linux kernel under KVM still prints nothing, ever. So `auto` boots the Linux kernel that the
 * VM will boot (no disk, no initrd) under KVM and trusts KVM only if the kernel gets all the way to
 * its panic for lack of a root file system within a short deadline: `panic=-1` and `-no-reboot`
 * make qemu exit right there (a working KVM takes well under a second). The probe's qemu is killed
 * and its files removed on every path.
 *
 * The answer cannot change until the host reboots or qemu changes, so the choice carries a
 * `cacheKey` (probe kind + boot id + qemu version) and the caller may store it and pass it back as
 * `cached`.
 */
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../runtime/clock.js';
import { checkSucceeded, describeOutcome, type ProcessRunner } from './process.js';

export type Accelerator = 'kvm' | 'tcg';
/** The template's `accelerator` attribute; "none" is Packer's name for qemu's default, TCG. */
export type AcceleratorSetting = 'auto' | 'kvm' | 'tcg' | 'none';

export interface AcceleratorChoice {
  readonly accelerator: Accelerator;
  /** One line for the build log saying why. */
  readonly reason: string;
  /** 'setting': the template chose; 'probe': measured just now; 'cache': a stored probe still valid. */
  readonly source: 'setting' | 'probe' | 'cache';
  /** Present for probes: store the choice under it and pass it back as `cached`. */
  readonly cacheKey?: string;
  readonly probeMs?: number;
}

export interface AcceleratorProbeDeps {
  runner: ProcessRunner;
  clock: Clock;
  /** The probe's serial log goes in a directory made (and removed) under here. */
  tempRoot: string;
  /** Defaults to /dev/kvm; tests point it elsewhere. */
  kvmDevice?: string;
  /** Defaults to /proc/sys/kernel/random/boot_id. */
  bootIdFile?: string;
}

export interface AcceleratorProbeOptions {
  setting?: AcceleratorSetting;
  /** The Linux kernel the probe boots under KVM: the one the VM will boot. Needed unless `setting` decides or `cached` holds. */
  kernel?: string;
  /** A choice stored from an earlier probe; used when its cacheKey still matches. */
  cached?: AcceleratorChoice;
  /** How long the kernel gets to reach its panic under KVM. A working KVM needs well under 1 s. */
  deadlineMs?: number;
  signal?: AbortSignal;
}

export const QEMU_SYSTEM = 'qemu-system-x86_64';
const DEFAULT_DEADLINE_MS = 8_000;
/** What the kernel prints last when it finds no root file system (KERN_EMERG: shown at any loglevel). */
export const PROBE_PANIC = 'Kernel panic';
/** Part of the cache key: a choice made by another kind of probe is not reused. */
const PROBE_KIND = 'linux-panic';

export async function probeAccelerator(
  deps: AcceleratorProbeDeps,
  opts: AcceleratorProbeOptions = {},
): Promise<AcceleratorChoice> {
  const setting = opts.setting ?? 'auto';
  if (setting !== 'auto') {
    const accelerator: Accelerator = setting === 'kvm' ? 'kvm' : 'tcg';
    const reason =
      setting === 'none' ? 'accelerator = "none" in the template: qemu\'s default, TCG' : `accelerator = "${setting}" in the template`;
    return { accelerator, reason, source: 'setting' };
  }

  const cacheKey = await acceleratorCacheKey(deps, opts.signal);
  if (opts.cached?.cacheKey === cacheKey) return { ...opts.cached, source: 'cache' };

  const started = deps.clock.now();
  const done = (accelerator: Accelerator, reason: string): AcceleratorChoice => ({
    accelerator,
    reason,
    source: 'probe',
    cacheKey,
    probeMs: deps.clock.now() - started,
  });

  const device = deps.kvmDevice ?? '/dev/kvm';
  try {
    await (await open(device, 'r+')).close();
  } catch (e) {
    return done('tcg', `${device} cannot be opened (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }

  if (opts.kernel === undefined) throw new Error('probeAccelerator: a kernel is needed to probe KVM');
  const dir = await mkdtemp(path.join(deps.tempRoot, 'bake-kvm-probe-'));
  try {
    const serial = path.join(dir, 'serial.log');
    const deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const result = await deps.runner.run(QEMU_SYSTEM, kvmProbeArgs(opts.kernel, serial), {
      timeoutMs: deadlineMs,
      killGraceMs: 1_000,
      dieWithParent: true,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (result.outcome.kind === 'aborted') throw result.outcome.reason;
    const printed = await readFile(serial, 'latin1').catch(() => '');
    if (printed.includes(PROBE_PANIC)) return done('kvm', `a Linux kernel booted under KVM (${deps.clock.now() - started} ms)`);
    if (result.outcome.kind === 'timed-out') {
      return done('tcg', `${device} opens, but a Linux kernel under KVM did not finish booting within ${deadlineMs} ms${printed.trim() === '' ? ' (it printed nothing)' : ''}`);
    }
    const why = result.stderr.trim().split('\n').pop() ?? '';
    return done('tcg', `qemu -accel kvm ${describeOutcome(result.outcome)}${why ? `: ${why}` : ''}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The probe's qemu: the kernel alone, no disk and no network, its console on the serial file. */
export function kvmProbeArgs(kernel: string, serialLog: string): string[] {
  return [
    '-accel', 'kvm',
    '-nodefaults',
    '-display', 'none',
    '-monitor', 'none',
    '-m', '256',
    '-no-reboot',
    '-kernel', kernel,
    '-append', 'console=ttyS0 loglevel=1 panic=-1',
    // "file:" takes the rest of the value as the path, commas included (qemu_chr_parse_compat).
    '-serial', `file:${serialLog}`,
  ];
}

/** What a probe result may be cached under: it holds until the host reboots or qemu changes. */
export async function acceleratorCacheKey(
  deps: Pick<AcceleratorProbeDeps, 'runner' | 'bootIdFile'>,
  signal?: AbortSignal,
): Promise<string> {
  const bootId = (await readFile(deps.bootIdFile ?? '/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  const version = checkSucceeded(await deps.runner.run(QEMU_SYSTEM, ['--version'], signal ? { signal } : {}));
  return `${PROBE_KIND}/${bootId}/${version.stdout.split('\n')[0]?.trim() ?? ''}`;
}

/**
 * Chooses between KVM and TCG (software emulation) for the VMs a build boots.
 *
 * `/dev/kvm` being there and openable is not enough: on some hosts (nested virtualization without
 * the right CPU features) KVM creates VMs whose guests never run a single instruction visibly. So
 * `auto` boots a 512-byte guest under KVM that writes a marker to the serial port, and trusts KVM
 * only if the marker shows up within a short deadline. The probe's qemu is killed and its files
 * removed on every path.
 *
 * The answer cannot change until the host reboots or qemu changes, so the choice carries a
 * `cacheKey` (boot id + qemu version) and the caller may store it and pass it back as `cached`.
 */
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../runtime/clock.js';
import { checkSucceeded, describeOutcome, type ProcessRunner } from './process.js';
import { qemuOptionValue } from './qemu-option.js';

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
  /** The probe's boot sector and serial log go in a directory made (and removed) under here. */
  tempRoot: string;
  /** Defaults to /dev/kvm; tests point it elsewhere. */
  kvmDevice?: string;
  /** Defaults to /proc/sys/kernel/random/boot_id. */
  bootIdFile?: string;
}

export interface AcceleratorProbeOptions {
  setting?: AcceleratorSetting;
  /** A choice stored from an earlier probe; used when its cacheKey still matches. */
  cached?: AcceleratorChoice;
  /** How long the KVM guest gets to print its marker. A working KVM needs well under 1 s. */
  deadlineMs?: number;
  signal?: AbortSignal;
}

export const QEMU_SYSTEM = 'qemu-system-x86_64';
const DEFAULT_DEADLINE_MS = 3_000;
export const PROBE_MARKER = 'BAKE-KVM-PROBE-OK';
/** The probe guest writes 0x10 to isa-debug-exit, so qemu exits (0x10 << 1) | 1 as soon as it printed. */
const PROBE_EXIT_PORT = 0xf4;

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

  const dir = await mkdtemp(path.join(deps.tempRoot, 'bake-kvm-probe-'));
  try {
    const image = path.join(dir, 'boot.img');
    const serial = path.join(dir, 'serial.log');
    await writeFile(image, probeBootSector(PROBE_MARKER));
    const deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const result = await deps.runner.run(QEMU_SYSTEM, kvmProbeArgs(image, serial), {
      timeoutMs: deadlineMs,
      killGraceMs: 1_000,
      dieWithParent: true,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (result.outcome.kind === 'aborted') throw result.outcome.reason;
    const printed = await readFile(serial, 'latin1').catch(() => '');
    if (printed.includes(PROBE_MARKER)) return done('kvm', `a KVM test guest ran (${deps.clock.now() - started} ms)`);
    if (result.outcome.kind === 'timed-out') {
      return done('tcg', `${device} opens, but a KVM test guest printed nothing within ${deadlineMs} ms`);
    }
    const why = result.stderr.trim().split('\n').pop() ?? '';
    return done('tcg', `qemu -accel kvm ${describeOutcome(result.outcome)}${why ? `: ${why}` : ''}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The arguments of the probe's qemu: no devices but a disk, the serial file and the exit port. */
export function kvmProbeArgs(image: string, serialLog: string): string[] {
  return [
    '-accel', 'kvm',
    '-nodefaults',
    '-display', 'none',
    '-monitor', 'none',
    '-m', '16',
    '-no-reboot',
    '-drive', `format=raw,file=${qemuOptionValue(image)}`,
    // "file:" takes the rest of the value as the path, commas included (qemu_chr_parse_compat).
    '-serial', `file:${serialLog}`,
    '-device', `isa-debug-exit,iobase=0x${PROBE_EXIT_PORT.toString(16)},iosize=0x04`,
  ];
}

/** What a probe result may be cached under: it holds until the host reboots or qemu changes. */
export async function acceleratorCacheKey(
  deps: Pick<AcceleratorProbeDeps, 'runner' | 'bootIdFile'>,
  signal?: AbortSignal,
): Promise<string> {
  const bootId = (await readFile(deps.bootIdFile ?? '/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  const version = checkSucceeded(await deps.runner.run(QEMU_SYSTEM, ['--version'], signal ? { signal } : {}));
  return `${bootId}/${version.stdout.split('\n')[0]?.trim() ?? ''}`;
}

/**
 * A BIOS boot sector (real mode, loaded at 0x7c00) that writes `marker` and CR LF to COM1 (0x3f8),
 * asks qemu to exit through isa-debug-exit, and halts if that device is missing.
 */
export function probeBootSector(marker: string): Buffer {
  const code = [
    0x31, 0xc0, //                 xor ax, ax
    0x8e, 0xd8, //                 mov ds, ax
    0xfc, //                       cld
    0xbe, 0x00, 0x00, //           mov si, MESSAGE (patched below)
    0xba, 0xf8, 0x03, //           mov dx, 0x3f8
    0xac, //                 next: lodsb
    0x84, 0xc0, //                 test al, al
    0x74, 0x03, //                 jz done
    0xee, //                       out dx, al
    0xeb, 0xf8, //                 jmp next
    0xb0, 0x10, //           done: mov al, 0x10
    0xe6, PROBE_EXIT_PORT, //      out 0xf4, al
    0xfa, //                 halt: cli
    0xf4, //                       hlt
    0xeb, 0xfc, //                 jmp halt
  ];
  const message = Buffer.from(`${marker}\r\n\0`, 'latin1');
  if (code.length + message.length > 510) throw new RangeError('probe marker too long for a boot sector');
  const sector = Buffer.alloc(512);
  Buffer.from(code).copy(sector);
  sector.writeUInt16LE(0x7c00 + code.length, 6);
  message.copy(sector, code.length);
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}

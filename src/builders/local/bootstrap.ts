/**
 * The mmdebstrap command line for a template's `bootstrap` block.
 *
 * Whatever the block lists, the rootfs gets what a bake VM needs to boot under qemu and answer SSH
 * (BOOT_PACKAGES), plus Debian's cloud kernel unless the block names a `linux-image-*` itself:
 * an OS base that cannot boot is never what the template meant.
 *
 * bake runs as root, and mmdebstrap as root would pick its `root` mode, which mounts /dev, /proc
 * and /sys into the target in the host's mount namespace; if it were killed there, those mounts
 * would stay. `--mode=unshare` as root keeps the root user (files get the right owners) but gives
 * mmdebstrap private mount, pid and uts namespaces (mmdebstrap(1), MODES): its mounts and its
 * processes die with it, whatever kills it.
 */
import { LocalBuilderError, LocalErrorCode } from './local-errors.js';

/** The template's bootstrap block (config.ts). */
export interface BootstrapSpec {
  suite: string;
  mirror?: string;
  variant?: 'minbase' | 'essential' | 'apt' | 'required' | 'important' | 'standard';
  packages?: readonly string[];
  components?: readonly string[];
}

export const MMDEBSTRAP = 'mmdebstrap';
export const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
export const DEFAULT_VARIANT = 'minbase';
export const DEFAULT_KERNEL_PACKAGE = 'linux-image-cloud-amd64';

/**
 * systemd as init, udev, sshd, and ifupdown + dhclient for eth0 (guest-config.ts writes their
 * config). And dbus: without it systemd-logind does not run, and logind is what turns the ACPI
 * power button (QMP system_powerdown) into a clean poweroff; minbase has no dbus.
 */
export const BOOT_PACKAGES: readonly string[] = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'udev',
  'openssh-server',
  'ifupdown',
  'isc-dhcp-client',
  'iproute2',
  'netbase',
];

/** BOOT_PACKAGES, a kernel, then the block's own packages; each once, in that order. */
export function bootstrapPackages(spec: BootstrapSpec): string[] {
  const own = spec.packages ?? [];
  const kernel = own.some((p) => p.startsWith('linux-image-')) ? [] : [DEFAULT_KERNEL_PACKAGE];
  return [...new Set([...BOOT_PACKAGES, ...kernel, ...own])];
}

/** The argument vector for `mmdebstrap` making `spec` into the (empty or missing) directory `target`. */
export function mmdebstrapArgs(spec: BootstrapSpec, target: string): string[] {
  checkSpec(spec);
  return [
    '--mode=unshare',
    '--format=directory',
    // The VMs are qemu-system-x86_64 guests, whatever the host is.
    '--architectures=amd64',
    `--variant=${spec.variant ?? DEFAULT_VARIANT}`,
    ...(spec.components && spec.components.length > 0 ? [`--components=${spec.components.join(',')}`] : []),
    `--include=${bootstrapPackages(spec).join(',')}`,
    spec.suite,
    target,
    spec.mirror ?? DEFAULT_MIRROR,
  ];
}

/** Refuses values mmdebstrap would read as options or split apart; the template reports these too. */
function checkSpec(spec: BootstrapSpec): void {
  const bad = (what: string, value: string, hint: string) =>
    new LocalBuilderError(LocalErrorCode.badBootstrap, `bootstrap ${what} "${value}" is not valid`, { hint, source: 'user' });
  if (!/^[a-z0-9][a-z0-9.+_-]*$/i.test(spec.suite)) throw bad('suite', spec.suite, 'Name a suite or codename, like "bookworm" or "stable".');
  if (spec.mirror !== undefined && spec.mirror.startsWith('-')) throw bad('mirror', spec.mirror, `Give a URL, like "${DEFAULT_MIRROR}".`);
  for (const p of [...(spec.packages ?? []), ...(spec.components ?? [])]) {
    if (!/^[a-z0-9][a-z0-9.+:=~_/-]*$/i.test(p)) throw bad('package or component', p, 'Give Debian package names, one per list item.');
  }
}

/**
 * The qemu command line of a bake VM, and its kernel command line.
 *
 * - Direct kernel boot (`-kernel`/`-initrd`/`-append`) with the image's own kernel, which
 *   rootfs.ts copied out; the disk has no bootloader and no partition table.
 * - No display, no HMP monitor; the serial console goes to a file, and a QMP socket is the
 *   control channel (status, ACPI powerdown, quit). `-nographic` would do the first part but
 *   cannot be combined with `-daemonize`, and ties the console to a terminal.
 * - `-nodefaults`: only the devices listed here (virtio disk, virtio NIC, virtio RNG), which also
 *   boots faster under TCG.
 * - User-mode networking with host forwards bound to 127.0.0.1 only.
 */
import type { Accelerator } from './accelerator.js';
import { KERNEL_ARG, sshKeyKernelArg } from './guest-config.js';
import { qemuOptionValue } from './qemu-option.js';

export interface Forward {
  hostPort: number;
  guestPort: number;
}

export interface VmArgs {
  name: string;
  accelerator: Accelerator;
  memoryMiB: number;
  cpus: number;
  /** A qcow2 image; a layer's overlay or a base. Opened read-write. */
  disk: string;
  kernel: string;
  initrd: string;
  append: string;
  /** TCP forwards from 127.0.0.1:hostPort to the guest; SSH is the first. */
  forwards: readonly Forward[];
  serialLog: string;
  qmpSocket: string;
  pidFile: string;
  /**
   * The template's `qemuargs`, appended after bake's own: where qemu takes the last value
   * (-m, -smp, -cpu) they override bake's; devices are added.
   */
  extra?: readonly (readonly string[])[];
}

export function qemuVmArgs(a: VmArgs): string[] {
  const hostfwd = a.forwards.map((f) => `hostfwd=tcp:127.0.0.1:${f.hostPort}-:${f.guestPort}`);
  return [
    '-name', qemuOptionValue(a.name),
    '-accel', a.accelerator,
    '-m', String(a.memoryMiB),
    '-smp', String(a.cpus),
    '-nodefaults',
    '-display', 'none',
    '-monitor', 'none',
    // "file:" takes the rest as the path, commas included; "unix:" is parsed as options.
    '-serial', `file:${a.serialLog}`,
    '-qmp', `unix:${qemuOptionValue(a.qmpSocket)},server=on,wait=off`,
    '-pidfile', a.pidFile,
    '-kernel', a.kernel,
    '-initrd', a.initrd,
    '-append', a.append,
    // discard=unmap: a guest's fstrim gives space back to the overlay instead of leaving it allocated.
    '-drive', `file=${qemuOptionValue(a.disk)},if=virtio,format=qcow2,discard=unmap`,
    '-netdev', ['user', 'id=net0', ...hostfwd].join(','),
    '-device', 'virtio-net-pci,netdev=net0',
    // Entropy for the first boot's ssh-keygen and sshd without waiting on a quiet TCG guest.
    '-device', 'virtio-rng-pci',
    ...(a.extra ?? []).flat(),
  ];
}

export interface KernelCommandLineOptions {
  sshPublicKey: string;
  sshUser?: string;
  instanceId: string;
  /** The template's kernel_args, appended. */
  extra?: readonly string[];
}

/** root on the whole virtio disk, console on the serial file, eth0, and bake's per-boot arguments (guest-config.ts). */
export function kernelCommandLine(o: KernelCommandLineOptions): string {
  return [
    'root=/dev/vda',
    'rw',
    'console=ttyS0',
    'net.ifnames=0',
    `${KERNEL_ARG.instanceId}=${o.instanceId}`,
    sshKeyKernelArg(o.sshPublicKey),
    ...(o.sshUser !== undefined && o.sshUser !== 'root' ? [`${KERNEL_ARG.sshUser}=${o.sshUser}`] : []),
    ...(o.extra ?? []),
  ].join(' ');
}

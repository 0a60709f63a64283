/**
 * What every qemu launch of bake shares, whether qemu stays bake's child (vm.ts, build VMs) or
 * daemonizes (detached-vm.ts, a deploy's instances): checking the options, the VM's files in the
 * run directory, the kernel command line, and for each attempt fresh forward ports, qemu's
 * arguments and the state record that is written before qemu exists.
 *
 * A forward port can be taken between bake choosing it and qemu binding it (ports.ts); qemu then
 * fails with "Could not set up host forwarding rule" and `retryTakenPorts` launches again with
 * fresh ports.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../runtime/clock.js';
import { withRetry } from '../../runtime/retry.js';
import { QEMU_SYSTEM, type Accelerator } from './accelerator.js';
import { isLocalBuilderError, LocalBuilderError, LocalErrorCode } from './local-errors.js';
import { localPortAllocator, type PortAllocator } from './ports.js';
import { kernelCommandLine, qemuVmArgs, type Forward } from './qemu-args.js';
import { linuxProcTable, ownerIdentity, type ProcTable, type VmRecord } from './vm-state.js';

export interface VmLaunchSpec {
  /** Unique among running VMs: it names the VM's files and state record. Letters, digits, ".", "_", "-". */
  name: string;
  disk: string;
  kernel: string;
  initrd: string;
  accelerator: Accelerator;
  /** Default 1024. */
  memoryMiB?: number;
  /** Default 1. */
  cpus?: number;
  /** One authorized_keys line; the guest gets it on the kernel command line (guest-config.ts). */
  sshPublicKey: string;
  /** Default root. */
  sshUser?: string;
  /** Appended to the kernel command line (the template's kernel_args). */
  kernelArgs?: readonly string[];
  /** Ports to forward besides SSH; hostPort 0 or absent: pick a free one. */
  forwards?: readonly { guestPort: number; hostPort?: number }[];
  /** The template's qemuargs. */
  qemuArgs?: readonly (readonly string[])[];
  /** Serial log, QMP socket and pid file go here. Keep the path short: a unix socket path has 107 bytes. */
  runDir: string;
}

export interface VmFiles {
  serialLog: string;
  qmpSocket: string;
  pidFile: string;
}

/** One launch attempt: SSH's forward first, then the spec's forwards in order. */
export interface VmAttempt {
  forwards: Forward[];
  /** qemu's arguments, without the program. */
  args: string[];
  record: VmRecord;
}

export interface PreparedVmLaunch {
  files: VmFiles;
  instanceId: string;
  /** Fresh forward ports and the arguments and record that go with them; `extraArgs` go last. */
  attempt(extraArgs?: readonly string[]): Promise<VmAttempt>;
}

const MAX_UNIX_SOCKET_PATH = 107;
/** COMMAND_LINE_SIZE on x86, less the terminating NUL. */
const MAX_KERNEL_COMMAND_LINE = 2047;

/** Checks the spec and creates the run directory; bad options throw before anything starts. */
export async function prepareVmLaunch(
  deps: { clock: Clock; ports?: PortAllocator; proc?: ProcTable },
  spec: VmLaunchSpec,
): Promise<PreparedVmLaunch> {
  checkSpec(spec);
  const runDir = path.resolve(spec.runDir);
  const files: VmFiles = {
    serialLog: path.join(runDir, `${spec.name}.serial.log`),
    qmpSocket: path.join(runDir, `${spec.name}.qmp`),
    pidFile: path.join(runDir, `${spec.name}.pid`),
  };
  if (Buffer.byteLength(files.qmpSocket) > MAX_UNIX_SOCKET_PATH) {
    throw new LocalBuilderError(LocalErrorCode.badVmPath, `The QMP socket path ${files.qmpSocket} is longer than a unix socket allows`, {
      hint: `Use a shorter runDir (at most ${MAX_UNIX_SOCKET_PATH - path.basename(files.qmpSocket).length - 1} bytes).`,
    });
  }
  const instanceId = randomUUID().replaceAll('-', '');
  const append = kernelCommandLine({
    sshPublicKey: spec.sshPublicKey,
    instanceId,
    ...(spec.sshUser === undefined ? {} : { sshUser: spec.sshUser }),
    ...(spec.kernelArgs === undefined ? {} : { extra: spec.kernelArgs }),
  });
  if (Buffer.byteLength(append) > MAX_KERNEL_COMMAND_LINE) {
    throw new LocalBuilderError(LocalErrorCode.vmStartFailed, `The kernel command line for ${spec.name} is ${Buffer.byteLength(append)} bytes; x86 Linux takes ${MAX_KERNEL_COMMAND_LINE}`, {
      hint: 'Use an ed25519 SSH key (an RSA key takes ~1 KB of it once base64-encoded), or fewer kernel_args.',
    });
  }
  await mkdir(runDir, { recursive: true });
  const owner = await ownerIdentity(deps.proc ?? linuxProcTable);
  const wanted = spec.forwards ?? [];

  return {
    files,
    instanceId,
    async attempt(extraArgs = []) {
      const free = await (deps.ports ?? localPortAllocator).allocate(1 + wanted.filter((f) => !f.hostPort).length);
      let next = 1;
      const forwards: Forward[] = [
        { guestPort: 22, hostPort: free[0]! },
        ...wanted.map((f) => ({ guestPort: f.guestPort, hostPort: f.hostPort || free[next++]! })),
      ];
      const args = [
        ...qemuVmArgs({
          name: spec.name,
          accelerator: spec.accelerator,
          memoryMiB: spec.memoryMiB ?? 1024,
          cpus: spec.cpus ?? 1,
          disk: path.resolve(spec.disk),
          kernel: path.resolve(spec.kernel),
          initrd: path.resolve(spec.initrd),
          append,
          forwards,
          ...files,
          ...(spec.qemuArgs === undefined ? {} : { extra: spec.qemuArgs }),
        }),
        ...extraArgs,
      ];
      const record: VmRecord = {
        version: 1,
        name: spec.name,
        argv: [QEMU_SYSTEM, ...args],
        owner,
        files: [files.qmpSocket, files.pidFile],
        serialLog: files.serialLog,
        startedAt: new Date(deps.clock.now()).toISOString(),
      };
      return { forwards, args, record };
    },
  };
}

/** Runs `launchOnce` again, with fresh ports, while it fails because a forward port was taken. */
export function retryTakenPorts<T>(launchOnce: () => Promise<T>, opts: { retries?: number; signal?: AbortSignal }): Promise<T> {
  return withRetry(launchOnce, {
    retries: opts.retries ?? 4,
    minTimeoutMs: 50,
    maxTimeoutMs: 500,
    isRetryable: (e) => isLocalBuilderError(e, LocalErrorCode.hostForwardTaken),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

function checkSpec(spec: VmLaunchSpec): void {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(spec.name)) {
    throw new LocalBuilderError(LocalErrorCode.badVmPath, `VM name "${spec.name}" is not usable as a file name`, {
      hint: 'Use letters, digits, ".", "_" and "-" only.',
    });
  }
  for (const f of spec.forwards ?? []) {
    if (!Number.isInteger(f.guestPort) || f.guestPort < 1 || f.guestPort > 65535) {
      throw new LocalBuilderError(LocalErrorCode.vmStartFailed, `Guest port ${f.guestPort} is not a TCP port`);
    }
  }
}

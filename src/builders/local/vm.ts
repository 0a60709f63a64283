/**
 * Launching and stopping one bake VM: qemu as a child of bake (never -daemonize: bake wants its
 * exit status and output), tied to bake's life by a parent-death signal, with a state record for
 * `bake gc` (vm-state.ts) that disappears when qemu exits.
 *
 * `launchVm` returns once qemu's QMP monitor answers, which qemu only does after every device and
 * host forward is set up. If a forward's port was taken in the meantime (ports.ts), qemu exits with
 * "Could not set up host forwarding rule" and the launch is retried with fresh ports.
 *
 * The caller's `signal` covers the launch. After that the VM runs until the caller stops it
 * with `powerdown()` or `kill()` (a build step's cleanup), until the guest powers off, or until
 * bake dies.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../runtime/clock.js';
import { withRetry } from '../../runtime/retry.js';
import { QEMU_SYSTEM, type Accelerator } from './accelerator.js';
import { isLocalBuilderError, LocalBuilderError, LocalErrorCode } from './local-errors.js';
import { isHostForwardTaken, localPortAllocator, type PortAllocator } from './ports.js';
import type { ProcessResult, ProcessRunner, RunningProcess } from './process.js';
import { kernelCommandLine, qemuVmArgs, type Forward } from './qemu-args.js';
import { qmpExecute } from './qmp.js';
import { runningVm, type Vm } from './running-vm.js';
import { dropVmRecord, linuxProcTable, ownerIdentity, writeVmRecord, type ProcTable, type VmRecord } from './vm-state.js';

export type { PowerdownOutcome, Vm, VmSshWaitOutcome } from './running-vm.js';

export interface LaunchVmOptions {
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
  /** Ports to forward besides SSH (for a deploy's health checks); hostPort 0 or absent: pick a free one. */
  forwards?: readonly { guestPort: number; hostPort?: number }[];
  /** The template's qemuargs. */
  qemuArgs?: readonly (readonly string[])[];
  /** Serial log, QMP socket and pid file go here. Keep the path short: a unix socket path has 107 bytes. */
  runDir: string;
  /** Where the state record for `bake gc` goes. */
  stateDir: string;
  /** SIGKILL qemu when bake dies. Default true; a deploy's long-lived VMs turn it off. */
  dieWithParent?: boolean;
  /** Until QMP answers. Default 30 s. */
  startTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface VmDeps {
  runner: ProcessRunner;
  clock: Clock;
  ports?: PortAllocator;
  proc?: ProcTable;
  /** Launch attempts after a taken forward port. Default 4. */
  portRetries?: number;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;
const MAX_UNIX_SOCKET_PATH = 107;
/** COMMAND_LINE_SIZE on x86, less the terminating NUL. */
const MAX_KERNEL_COMMAND_LINE = 2047;

export async function launchVm(deps: VmDeps, opts: LaunchVmOptions): Promise<Vm> {
  checkOptions(opts);
  const proc = deps.proc ?? linuxProcTable;
  const runDir = path.resolve(opts.runDir);
  const files = {
    serialLog: path.join(runDir, `${opts.name}.serial.log`),
    qmpSocket: path.join(runDir, `${opts.name}.qmp`),
    pidFile: path.join(runDir, `${opts.name}.pid`),
  };
  if (Buffer.byteLength(files.qmpSocket) > MAX_UNIX_SOCKET_PATH) {
    throw new LocalBuilderError(LocalErrorCode.badVmPath, `The QMP socket path ${files.qmpSocket} is longer than a unix socket allows`, {
      hint: `Use a shorter runDir (at most ${MAX_UNIX_SOCKET_PATH - path.basename(files.qmpSocket).length - 1} bytes).`,
    });
  }
  await mkdir(runDir, { recursive: true });
  const owner = await ownerIdentity(proc);
  const instanceId = randomUUID().replaceAll('-', '');
  const append = kernelCommandLine({
    sshPublicKey: opts.sshPublicKey,
    instanceId,
    ...(opts.sshUser === undefined ? {} : { sshUser: opts.sshUser }),
    ...(opts.kernelArgs === undefined ? {} : { extra: opts.kernelArgs }),
  });
  if (Buffer.byteLength(append) > MAX_KERNEL_COMMAND_LINE) {
    throw new LocalBuilderError(LocalErrorCode.vmStartFailed, `The kernel command line for ${opts.name} is ${Buffer.byteLength(append)} bytes; x86 Linux takes ${MAX_KERNEL_COMMAND_LINE}`, {
      hint: 'Use an ed25519 SSH key (an RSA key takes ~1 KB of it once base64-encoded), or fewer kernel_args.',
    });
  }
  const wanted = opts.forwards ?? [];

  const launchOnce = async (): Promise<Vm> => {
    opts.signal?.throwIfAborted();
    const free = await (deps.ports ?? localPortAllocator).allocate(1 + wanted.filter((f) => !f.hostPort).length);
    let next = 1;
    const forwards: Forward[] = [
      { guestPort: 22, hostPort: free[0]! },
      ...wanted.map((f) => ({ guestPort: f.guestPort, hostPort: f.hostPort || free[next++]! })),
    ];
    const args = qemuVmArgs({
      name: opts.name,
      accelerator: opts.accelerator,
      memoryMiB: opts.memoryMiB ?? 1024,
      cpus: opts.cpus ?? 1,
      disk: path.resolve(opts.disk),
      kernel: path.resolve(opts.kernel),
      initrd: path.resolve(opts.initrd),
      append,
      forwards,
      ...files,
      ...(opts.qemuArgs === undefined ? {} : { extra: opts.qemuArgs }),
    });
    const record: VmRecord = {
      version: 1,
      name: opts.name,
      argv: [QEMU_SYSTEM, ...args],
      owner,
      files: [files.qmpSocket, files.pidFile],
      serialLog: files.serialLog,
      startedAt: new Date(deps.clock.now()).toISOString(),
    };
    // The record exists before qemu does, so a crash at any point leaves gc something to find.
    const recordFile = await writeVmRecord(opts.stateDir, record);
    let child: RunningProcess;
    try {
      await rm(files.qmpSocket, { force: true });
      child = await deps.runner.start(QEMU_SYSTEM, args, { dieWithParent: opts.dieWithParent ?? true });
    } catch (e) {
      await dropVmRecord(recordFile, record);
      throw e;
    }
    const pidWritten = writeVmRecord(opts.stateDir, { ...record, pid: child.pid });
    let exitResult: ProcessResult | undefined;
    // exitResult is set only once the record is gone, so a retry never races this VM's cleanup.
    const exited = child.exited.then(async (result) => {
      await pidWritten.catch(() => undefined);
      await dropVmRecord(recordFile, record).catch(() => undefined);
      exitResult = result;
      return result;
    });

    const timeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const started = await pidWritten
      .then(() => untilQmpAnswers(deps.clock, files.qmpSocket, () => exitResult, timeoutMs, opts.signal))
      .catch(async (e: unknown) => {
        child.kill('SIGKILL');
        await exited;
        throw e;
      });
    if (started.kind === 'exited') throw startFailure(opts.name, started.result);
    return runningVm({ clock: deps.clock, name: opts.name, child, exited, forwards, files, instanceId, exitResult: () => exitResult });
  };

  return withRetry(launchOnce, {
    retries: deps.portRetries ?? 4,
    minTimeoutMs: 50,
    maxTimeoutMs: 500,
    isRetryable: (e) => isLocalBuilderError(e, LocalErrorCode.hostForwardTaken),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

function checkOptions(opts: LaunchVmOptions): void {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(opts.name)) {
    throw new LocalBuilderError(LocalErrorCode.badVmPath, `VM name "${opts.name}" is not usable as a file name`, {
      hint: 'Use letters, digits, ".", "_" and "-" only.',
    });
  }
  for (const f of opts.forwards ?? []) {
    if (!Number.isInteger(f.guestPort) || f.guestPort < 1 || f.guestPort > 65535) {
      throw new LocalBuilderError(LocalErrorCode.vmStartFailed, `Guest port ${f.guestPort} is not a TCP port`);
    }
  }
}

function startFailure(name: string, result: ProcessResult): LocalBuilderError {
  const stderr = result.stderr.trim();
  if (isHostForwardTaken(stderr)) {
    return new LocalBuilderError(LocalErrorCode.hostForwardTaken, `qemu for ${name} could not bind a forwarded port: ${stderr}`, {
      hint: 'Another process took the port between bake choosing it and qemu binding it; bake retries with new ports.',
    });
  }
  return new LocalBuilderError(LocalErrorCode.vmStartFailed, `qemu for ${name} exited while starting: ${stderr || 'no output'}`, {
    hint: 'Check the qemuargs in the template, and that the disk, kernel and initrd exist.',
  });
}

type StartState = { kind: 'running' } | { kind: 'exited'; result: ProcessResult };

/** Polls QMP until it answers or qemu exits; a timeout or an abort throws. */
async function untilQmpAnswers(
  clock: Clock,
  socket: string,
  exitResult: () => ProcessResult | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<StartState> {
  const deadline = clock.now() + timeoutMs;
  class Exited extends Error {
    constructor(readonly result: ProcessResult) {
      super('qemu exited');
    }
  }
  try {
    await withRetry(
      async () => {
        const gone = exitResult();
        if (gone) throw new Exited(gone);
        if (clock.now() > deadline) {
          throw new LocalBuilderError(LocalErrorCode.vmStartFailed, `qemu's QMP socket did not answer within ${timeoutMs} ms`, {
            hint: 'The host may be overloaded; see the VM serial log.',
          });
        }
        await qmpExecute(socket, 'query-status', undefined, { clock, timeoutMs: 2_000 });
      },
      {
        retries: Number.POSITIVE_INFINITY,
        minTimeoutMs: 25,
        maxTimeoutMs: 250,
        isRetryable: (e) => isLocalBuilderError(e, LocalErrorCode.qmpFailed),
        ...(signal ? { signal } : {}),
      },
    );
    return { kind: 'running' };
  } catch (e) {
    if (e instanceof Exited) return { kind: 'exited', result: e.result };
    throw e;
  }
}

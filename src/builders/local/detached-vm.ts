/**
 * VMs that outlive bake: a deploy's instances keep serving after `bake promote` exits. qemu runs
 * with -daemonize, so it is nobody's child: its parent exits once the VM is set up (devices, host
 * forwards, QMP), which is when `launchDetachedVm` returns, and a forward port taken meanwhile
 * shows as that parent's failure and is retried with fresh ports, as for build VMs (vm.ts).
 *
 * Each VM has a state record (vm-state.ts) in the caller's state directory, written before qemu
 * starts. It is how a later bake finds the VM again: `listDetachedVms` tells which are still
 * running (by their exact command line, so a reused pid is never mistaken for one), and
 * `stopDetachedVm` stops one and removes its files.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../runtime/clock.js';
import { withRetry } from '../../runtime/retry.js';
import { QEMU_SYSTEM, type Accelerator } from './accelerator.js';
import { isLocalBuilderError, LocalBuilderError, LocalErrorCode } from './local-errors.js';
import { isHostForwardTaken, localPortAllocator, type PortAllocator } from './ports.js';
import type { ProcessRunner } from './process.js';
import { kernelCommandLine, qemuVmArgs, type Forward } from './qemu-args.js';
import {
  dropVmRecord,
  linuxProcTable,
  ownerIdentity,
  parseVmRecord,
  reapOrphan,
  sameArgv,
  vmRecordPath,
  writeVmRecord,
  type ProcTable,
  type ReapOutcome,
  type VmRecord,
} from './vm-state.js';

export interface DetachedVmOptions {
  /** Unique in stateDir. Letters, digits, ".", "_", "-". */
  name: string;
  disk: string;
  kernel: string;
  initrd: string;
  accelerator: Accelerator;
  memoryMiB?: number;
  cpus?: number;
  sshPublicKey: string;
  /** Guest ports to forward besides SSH, each to a free port on 127.0.0.1. */
  forwardPorts?: readonly number[];
  /** Serial log, QMP socket and pid file. Short: a unix socket path has 107 bytes. */
  runDir: string;
  stateDir: string;
  signal?: AbortSignal;
}

export interface DetachedVm {
  name: string;
  pid: number;
  /** SSH first, then forwardPorts in order. */
  forwards: Forward[];
  serialLog: string;
}

export interface DetachedVmDeps {
  runner: ProcessRunner;
  clock: Clock;
  ports?: PortAllocator;
  proc?: ProcTable;
}

/** How long qemu may take to set up before it daemonizes. */
const SETUP_TIMEOUT_MS = 60_000;

export async function launchDetachedVm(deps: DetachedVmDeps, opts: DetachedVmOptions): Promise<DetachedVm> {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(opts.name)) {
    throw new LocalBuilderError(LocalErrorCode.badVmPath, `VM name "${opts.name}" is not usable as a file name`);
  }
  const proc = deps.proc ?? linuxProcTable;
  const runDir = path.resolve(opts.runDir);
  const files = {
    serialLog: path.join(runDir, `${opts.name}.serial.log`),
    qmpSocket: path.join(runDir, `${opts.name}.qmp`),
    pidFile: path.join(runDir, `${opts.name}.pid`),
  };
  await mkdir(runDir, { recursive: true });
  const owner = await ownerIdentity(proc);
  const append = kernelCommandLine({ sshPublicKey: opts.sshPublicKey, instanceId: randomUUID().replaceAll('-', '') });
  const wanted = opts.forwardPorts ?? [];

  const launchOnce = async (): Promise<DetachedVm> => {
    opts.signal?.throwIfAborted();
    const free = await (deps.ports ?? localPortAllocator).allocate(1 + wanted.length);
    const forwards: Forward[] = [22, ...wanted].map((guestPort, i) => ({ guestPort, hostPort: free[i]! }));
    const args = [
      ...qemuVmArgs({
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
      }),
      '-daemonize',
    ];
    const record: VmRecord = {
      version: 1,
      name: opts.name,
      argv: [QEMU_SYSTEM, ...args],
      owner,
      files: [files.qmpSocket, files.pidFile],
      serialLog: files.serialLog,
      startedAt: new Date(deps.clock.now()).toISOString(),
    };
    // Before qemu exists, so a crash from here on leaves something to find.
    const recordFile = await writeVmRecord(opts.stateDir, record);
    await rm(files.qmpSocket, { force: true });
    const result = await deps.runner.run(QEMU_SYSTEM, args, { timeoutMs: SETUP_TIMEOUT_MS, ...(opts.signal ? { signal: opts.signal } : {}) });
    const pid = await readFile(files.pidFile, 'utf8').then((t) => Number.parseInt(t.trim(), 10), () => undefined);
    const ok = result.outcome.kind === 'exited' && result.outcome.exitCode === 0 && pid !== undefined;
    if (!ok) {
      // A qemu that daemonized before a timeout or abort hit its parent would run on: stop it.
      await stopRecordedVm(recordFile, pid === undefined ? record : { ...record, pid }, deps);
      if (result.outcome.kind === 'aborted') throw result.outcome.reason;
      const stderr = result.stderr.trim();
      if (isHostForwardTaken(stderr)) {
        throw new LocalBuilderError(LocalErrorCode.hostForwardTaken, `qemu for ${opts.name} could not bind a forwarded port: ${stderr}`);
      }
      throw new LocalBuilderError(LocalErrorCode.vmStartFailed, `qemu for ${opts.name} did not start: ${stderr || 'no output'}`, {
        hint: 'Check that the image files exist and that qemu-system-x86 is installed (bin/setup).',
      });
    }
    await writeVmRecord(opts.stateDir, { ...record, pid });
    return { name: opts.name, pid, forwards, serialLog: files.serialLog };
  };

  return withRetry(launchOnce, {
    retries: 4,
    minTimeoutMs: 50,
    maxTimeoutMs: 500,
    isRetryable: (e) => isLocalBuilderError(e, LocalErrorCode.hostForwardTaken),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

export interface ListedVm {
  name: string;
  record: VmRecord;
  /** The qemu process, when it still runs. */
  pid?: number;
}

/** Every VM recorded in stateDir, with whether it still runs. */
export async function listDetachedVms(stateDir: string, deps: { proc?: ProcTable } = {}): Promise<ListedVm[]> {
  const proc = deps.proc ?? linuxProcTable;
  const names = await readdir(stateDir).catch(() => [] as string[]);
  const out: ListedVm[] = [];
  for (const file of names.filter((n) => /^vm-.*\.json$/.test(n)).sort()) {
    const record = await readFile(path.join(stateDir, file), 'utf8').then(parseVmRecord, () => undefined);
    if (record === undefined) continue;
    const argv = record.pid === undefined ? undefined : await proc.cmdline(record.pid);
    const alive = argv !== undefined && sameArgv(argv, record.argv);
    out.push({ name: record.name, record, ...(alive ? { pid: record.pid! } : {}) });
  }
  return out;
}

/** Stops the VM (SIGTERM, then SIGKILL) and removes its record and run-time files; gone already is fine. */
export async function stopDetachedVm(stateDir: string, name: string, deps: { clock: Clock; proc?: ProcTable }): Promise<ReapOutcome> {
  const file = vmRecordPath(stateDir, name);
  const record = await readFile(file, 'utf8').then(parseVmRecord, () => undefined);
  if (record === undefined) return { kind: 'cleaned' };
  return stopRecordedVm(file, record, deps);
}

async function stopRecordedVm(file: string, record: VmRecord, deps: { clock: Clock; proc?: ProcTable }): Promise<ReapOutcome> {
  const proc = deps.proc ?? linuxProcTable;
  const pid = record.pid ?? (await findByArgv(record, proc));
  if (pid === undefined) {
    await dropVmRecord(file, record);
    return { kind: 'cleaned' };
  }
  return reapOrphan({ kind: 'orphan', file, record, pid }, { clock: deps.clock, proc, graceMs: 5_000 });
}

async function findByArgv(record: VmRecord, proc: ProcTable): Promise<number | undefined> {
  for (const pid of await proc.pids()) {
    const argv = await proc.cmdline(pid);
    if (argv !== undefined && sameArgv(argv, record.argv)) return pid;
  }
  return undefined;
}

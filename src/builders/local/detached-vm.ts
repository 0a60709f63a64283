/**
 * VMs that outlive bake: a deploy's instances keep serving after `bake promote` exits. qemu runs
 * with -daemonize, so it is nobody's child: its parent exits once the VM is set up (devices, host
 * forwards, QMP), which is when `launchDetachedVm` returns, and a forward port taken meanwhile
 * shows as that parent's failure and is retried with fresh ports, as for build VMs (vm-launch.ts).
 *
 * Each VM has a state record (vm-state.ts) in the caller's state directory, written before qemu
 * starts. It is how a later bake finds the VM again: `listDetachedVms` tells which are still
 * running (by their exact command line, so a reused pid is never mistaken for one), and
 * `stopDetachedVm` stops one and removes its files.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../runtime/clock.js';
import { QEMU_SYSTEM } from './accelerator.js';
import { LocalBuilderError, LocalErrorCode } from './local-errors.js';
import { isHostForwardTaken, type PortAllocator } from './ports.js';
import type { ProcessRunner } from './process.js';
import type { Forward } from './qemu-args.js';
import { prepareVmLaunch, retryTakenPorts, type VmLaunchSpec } from './vm-launch.js';
import {
  dropVmRecord,
  linuxProcTable,
  parseVmRecord,
  reapOrphan,
  sameArgv,
  vmRecordPath,
  writeVmRecord,
  type ProcTable,
  type ReapOutcome,
  type VmRecord,
} from './vm-state.js';

export interface DetachedVmOptions extends VmLaunchSpec {
  /** Where the VM's state record goes. */
  stateDir: string;
  signal?: AbortSignal;
}

export interface DetachedVm {
  name: string;
  pid: number;
  /** SSH first, then the forwards asked for, in order. */
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
  const launch = await prepareVmLaunch(deps, opts);
  const { files } = launch;

  const launchOnce = async (): Promise<DetachedVm> => {
    opts.signal?.throwIfAborted();
    const { forwards, args, record } = await launch.attempt(['-daemonize']);
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

  return retryTakenPorts(launchOnce, opts.signal ? { signal: opts.signal } : {});
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

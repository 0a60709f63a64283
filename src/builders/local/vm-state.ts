/**
 * VMs must not outlive the bake that started them. Normally they cannot: vm.ts starts qemu with
 * a parent-death signal, and every path of a build stops its VMs. What is left is a record per
 * running VM in a state directory, so that after a crash (bake -9, a power cut of the terminal, a
 * VM launched without the parent-death tie) `bake gc` can find qemu processes whose bake is gone
 * and stop them, and remove the files they left behind.
 *
 * A record names the qemu by its exact command line (unique: it holds the VM's name and its own
 * QMP socket path) and bake by pid + start time, so a reused pid is never mistaken for either:
 * nothing is signalled unless /proc/PID/cmdline still matches the record.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../../runtime/clock.js';

const vmRecord = z.object({
  version: z.literal(1),
  name: z.string(),
  /** qemu's argv as /proc/PID/cmdline shows it. */
  argv: z.array(z.string()).min(1),
  pid: z.number().int().positive().optional(),
  /** The bake process that launched it. */
  owner: z.object({ pid: z.number().int(), startTime: z.string() }),
  /** Files that only matter while the VM runs (QMP socket, pid file); removed with the record. */
  files: z.array(z.string()),
  /** Kept after the VM is gone: it is what a person debugging a crashed build wants to read. */
  serialLog: z.string(),
  startedAt: z.string(),
});

export type VmRecord = z.infer<typeof vmRecord>;

/** The slice of /proc that orphan detection reads, injected so tests need no real processes. */
export interface ProcTable {
  /** argv of a live process, or undefined when there is none (a zombie has an empty one). */
  cmdline(pid: number): Promise<string[] | undefined>;
  /** Field 22 of /proc/PID/stat (clock ticks after boot): with the pid, a process's identity. */
  startTime(pid: number): Promise<string | undefined>;
  pids(): Promise<number[]>;
  /** Sends a signal; false when the process does not exist. */
  signal(pid: number, signal: 'SIGTERM' | 'SIGKILL'): boolean;
  readonly selfPid: number;
}

export const linuxProcTable: ProcTable = {
  async cmdline(pid) {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
    if (raw === undefined) return undefined;
    return raw === '' ? [] : raw.replace(/\0$/, '').split('\0');
  },
  async startTime(pid) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses; fields resume after the last ")".
    return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  },
  async pids() {
    return (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number);
  },
  signal(pid, sig) {
    try {
      process.kill(pid, sig);
      return true;
    } catch {
      return false;
    }
  },
  selfPid: process.pid,
};

export async function ownerIdentity(proc: ProcTable): Promise<VmRecord['owner']> {
  return { pid: proc.selfPid, startTime: (await proc.startTime(proc.selfPid)) ?? 'unknown' };
}

export function vmRecordPath(stateDir: string, name: string): string {
  return path.join(stateDir, `vm-${name}.json`);
}

/** Written before qemu starts (pid unknown) and again once it has a pid; atomic each time. */
export async function writeVmRecord(stateDir: string, record: VmRecord): Promise<string> {
  await mkdir(stateDir, { recursive: true });
  const file = vmRecordPath(stateDir, record.name);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
  return file;
}

/** Removes the record and the run-time files it lists. */
export async function dropVmRecord(file: string, record: VmRecord): Promise<void> {
  for (const f of record.files) await rm(f, { force: true });
  await rm(file, { force: true });
}

export type FoundVm =
  /** qemu is running and the bake that launched it is gone. */
  | { kind: 'orphan'; file: string; record: VmRecord; pid: number }
  /** qemu is gone; its record (and maybe its socket and pid file) were left behind. */
  | { kind: 'stale'; file: string; record: VmRecord };

/** Records in stateDir whose VM needs reaping or whose files need removing. Live bakes' VMs are left out. */
export async function findOrphans(stateDir: string, deps: { proc?: ProcTable } = {}): Promise<FoundVm[]> {
  const proc = deps.proc ?? linuxProcTable;
  const names = await readdir(stateDir).catch(() => [] as string[]);
  const found: FoundVm[] = [];
  for (const name of names.filter((n) => /^vm-.*\.json$/.test(n)).sort()) {
    const file = path.join(stateDir, name);
    const record = await readFile(file, 'utf8')
      .then((text) => vmRecord.parse(JSON.parse(text)))
      .catch(() => undefined);
    if (record === undefined) continue; // half-written or foreign: not ours to judge
    // A live bake looks after its own VMs (and may be between a failed start and a retry).
    if ((await proc.startTime(record.owner.pid)) === record.owner.startTime) continue;
    const pid = await runningPid(record, proc);
    found.push(pid === undefined ? { kind: 'stale', file, record } : { kind: 'orphan', file, record, pid });
  }
  return found;
}

export type ReapOutcome =
  | { kind: 'stopped'; pid: number; signal: 'SIGTERM' | 'SIGKILL' }
  /** Nothing was running any more; the files were removed. */
  | { kind: 'cleaned' }
  | { kind: 'still-running'; pid: number };

/**
 * Stops an orphan (SIGTERM: qemu flushes its disks and exits; SIGKILL after graceMs) and removes
 * its record and run-time files. The command line is checked again right before signalling.
 */
export async function reapOrphan(
  found: FoundVm,
  deps: { clock: Clock; proc?: ProcTable; graceMs?: number; pollMs?: number },
): Promise<ReapOutcome> {
  const proc = deps.proc ?? linuxProcTable;
  const pollMs = deps.pollMs ?? 100;
  if (found.kind === 'stale' || !(await isOurQemu(found.pid, found.record, proc))) {
    await dropVmRecord(found.file, found.record);
    return { kind: 'cleaned' };
  }
  const gone = async (withinMs: number) => {
    const until = deps.clock.now() + withinMs;
    for (;;) {
      if (!(await isOurQemu(found.pid, found.record, proc))) return true;
      if (deps.clock.now() >= until) return false;
      await deps.clock.sleep(pollMs);
    }
  };
  for (const [sig, waitMs] of [
    ['SIGTERM', deps.graceMs ?? 10_000],
    ['SIGKILL', 5_000],
  ] as const) {
    proc.signal(found.pid, sig);
    if (await gone(waitMs)) {
      await dropVmRecord(found.file, found.record);
      return { kind: 'stopped', pid: found.pid, signal: sig };
    }
  }
  return { kind: 'still-running', pid: found.pid };
}

async function runningPid(record: VmRecord, proc: ProcTable): Promise<number | undefined> {
  if (record.pid !== undefined) return (await isOurQemu(record.pid, record, proc)) ? record.pid : undefined;
  // Crashed between writing the record and learning the pid: look for the command line.
  for (const pid of await proc.pids()) if (await isOurQemu(pid, record, proc)) return pid;
  return undefined;
}

async function isOurQemu(pid: number, record: VmRecord, proc: ProcTable): Promise<boolean> {
  const argv = await proc.cmdline(pid);
  return argv !== undefined && sameArgv(argv, record.argv);
}

/** argv[0] may be a bare name or a path, depending on who exec'd qemu; the rest must match exactly. */
export function sameArgv(actual: readonly string[], expected: readonly string[]): boolean {
  return (
    actual.length === expected.length &&
    actual.length > 0 &&
    path.basename(actual[0]!) === path.basename(expected[0]!) &&
    actual.every((a, i) => i === 0 || a === expected[i])
  );
}

export function parseVmRecord(text: string): VmRecord {
  return vmRecord.parse(JSON.parse(text));
}

/**
 * A lock file per resource (a template's build, an environment's promote). It records who holds
 * it, so a second caller fails at once naming the holder. A lock whose process is gone (killed
 * with -9, machine rebooted) is stale and taken over. Pid reuse is caught by also recording the
 * process start time from /proc/PID/stat.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LockHolder {
  pid: number;
  /** /proc/PID/stat field 22: start time in clock ticks since boot; with the pid it identifies a process. */
  processStart: string;
  /** Wall-clock ISO time the lock was taken, for messages. */
  since: string;
  /** What the holder is doing, e.g. "bake build webapp.hcl". */
  purpose: string;
}

export type LockResult = { kind: 'acquired'; lock: Lock; tookOverFrom?: LockHolder } | { kind: 'held'; holder: LockHolder };

export interface Lock {
  path: string;
  release(): void;
}

export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

export function isAlive(holder: Pick<LockHolder, 'pid' | 'processStart'>): boolean {
  const start = processStartTime(holder.pid);
  return start !== undefined && start === holder.processStart;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' ? h : undefined;
  } catch {
    return undefined;
  }
}

export function acquireLock(path: string, purpose: string, now: () => Date = () => new Date()): LockResult {
  mkdirSync(dirname(path), { recursive: true });
  const me: LockHolder = { pid: process.pid, processStart: processStartTime(process.pid) ?? '', since: now().toISOString(), purpose };
  const body = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, body);
      } finally {
        closeSync(fd);
      }
      return { kind: 'acquired', lock: handle(path) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readHolder(path);
    // A lock file that cannot be read was being written by its holder a moment ago; or it is
    // corrupt from a crash mid-write. Only take it over once it stays unreadable.
    if (holder && isAlive(holder)) return { kind: 'held', holder };
    if (!holder && attempt === 0) continue;
    // Stale: replace it atomically so two processes taking over at once cannot both win.
    const tmp = `${path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, body);
    } finally {
      closeSync(fd);
    }
    const before = readHolder(path);
    if (before && isAlive(before)) {
      rmSync(tmp, { force: true });
      return { kind: 'held', holder: before };
    }
    renameSync(tmp, path);
    const after = readHolder(path);
    if (after?.pid === me.pid && after.processStart === me.processStart) {
      return holder ? { kind: 'acquired', lock: handle(path), tookOverFrom: holder } : { kind: 'acquired', lock: handle(path) };
    }
    if (after) return { kind: 'held', holder: after };
  }
  const holder = readHolder(path);
  if (holder) return { kind: 'held', holder };
  throw new Error(`cannot take the lock ${path}`);
}

function handle(path: string): Lock {
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      const h = readHolder(path);
      if (h?.pid === process.pid) rmSync(path, { force: true });
    },
  };
}

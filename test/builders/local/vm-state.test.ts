import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../../_helpers/cli.js';
import { findOrphans, reapOrphan, sameArgv, writeVmRecord, type ProcTable, type VmRecord } from '../../../src/builders/local/vm-state.js';
import { fastClock } from './fast-clock.js';

const QEMU_ARGV = ['qemu-system-x86_64', '-name', 'web-1', '-qmp', 'unix:/run/bake/web-1.qmp,server=on,wait=off'];

/**
 * A process table: pid -> { argv, start }. Signals are recorded; a process "dies" from a signal
 * unless it is listed in `ignores` for that signal.
 */
function procTable(procs: Record<number, { argv: string[]; start: string }>, ignores: Record<number, string[]> = {}) {
  const signals: [number, string][] = [];
  const table: ProcTable & { signals: typeof signals } = {
    signals,
    selfPid: 1,
    cmdline: async (pid) => procs[pid]?.argv,
    startTime: async (pid) => procs[pid]?.start,
    pids: async () => Object.keys(procs).map(Number),
    signal: (pid, sig) => {
      signals.push([pid, sig]);
      if (!procs[pid]) return false;
      if (!(ignores[pid] ?? []).includes(sig)) delete procs[pid];
      return true;
    },
  };
  return table;
}

async function stateDirWith(record: Partial<VmRecord>): Promise<{ stateDir: string; files: string[] }> {
  const stateDir = testdir();
  const files = [path.join(stateDir, 'web-1.qmp'), path.join(stateDir, 'web-1.pid')];
  for (const f of files) writeFileSync(f, '');
  await writeVmRecord(stateDir, {
    version: 1,
    name: 'web-1',
    argv: QEMU_ARGV,
    pid: 500,
    owner: { pid: 100, startTime: '7777' },
    files,
    serialLog: path.join(stateDir, 'web-1.serial.log'),
    startedAt: '2026-11-22T00:00:00.000Z',
    ...record,
  });
  return { stateDir, files };
}

describe('findOrphans', () => {
  it('finds a running qemu whose bake is gone', async () => {
    const { stateDir } = await stateDirWith({});
    const proc = procTable({ 500: { argv: QEMU_ARGV, start: '9000' } });
    expect(await findOrphans(stateDir, { proc })).toMatchObject([{ kind: 'orphan', pid: 500, record: { name: 'web-1' } }]);
  });

  it("leaves a running bake's VMs alone", async () => {
    const { stateDir } = await stateDirWith({});
    const proc = procTable({ 100: { argv: ['node', 'bake'], start: '7777' }, 500: { argv: QEMU_ARGV, start: '9000' } });
    expect(await findOrphans(stateDir, { proc })).toEqual([]);
  });

  it('does not take a new process with the same pid for its bake', async () => {
    const { stateDir } = await stateDirWith({});
    const proc = procTable({ 100: { argv: ['vim'], start: '8888' }, 500: { argv: QEMU_ARGV, start: '9000' } });
    expect((await findOrphans(stateDir, { proc }))[0]!.kind).toBe('orphan');
  });

  it('reports a record whose pid now belongs to another program as stale, never as an orphan', async () => {
    const { stateDir } = await stateDirWith({});
    const proc = procTable({ 500: { argv: ['postgres', '-D', '/var/lib/postgresql'], start: '9000' } });
    expect((await findOrphans(stateDir, { proc }))[0]!.kind).toBe('stale');
  });

  it('finds the qemu of a record written before its pid was known, by its command line', async () => {
    const { stateDir } = await stateDirWith({ pid: undefined });
    const proc = procTable({ 42: { argv: ['bash'], start: '1' }, 777: { argv: ['/usr/bin/qemu-system-x86_64', ...QEMU_ARGV.slice(1)], start: '9000' } });
    expect(await findOrphans(stateDir, { proc })).toMatchObject([{ kind: 'orphan', pid: 777 }]);
  });

  it('skips files that are not records', async () => {
    const { stateDir } = await stateDirWith({});
    writeFileSync(path.join(stateDir, 'vm-broken.json'), '{"version": 1,');
    writeFileSync(path.join(stateDir, 'notes.txt'), 'hello');
    const proc = procTable({ 500: { argv: QEMU_ARGV, start: '9000' } });
    expect((await findOrphans(stateDir, { proc })).map((f) => f.record.name)).toEqual(['web-1']);
  });
});

describe('reapOrphan', () => {
  it('stops an orphan with SIGTERM and removes its record and run-time files', async () => {
    const { stateDir, files } = await stateDirWith({});
    const proc = procTable({ 500: { argv: QEMU_ARGV, start: '9000' } });
    const [orphan] = await findOrphans(stateDir, { proc });
    expect(await reapOrphan(orphan!, { clock: fastClock(), proc })).toEqual({ kind: 'stopped', pid: 500, signal: 'SIGTERM' });
    expect(proc.signals).toEqual([[500, 'SIGTERM']]);
    expect(files.some(existsSync)).toBe(false);
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const { stateDir } = await stateDirWith({});
    const proc = procTable({ 500: { argv: QEMU_ARGV, start: '9000' } }, { 500: ['SIGTERM'] });
    const [orphan] = await findOrphans(stateDir, { proc });
    expect(await reapOrphan(orphan!, { clock: fastClock(), proc, graceMs: 1_000 })).toEqual({ kind: 'stopped', pid: 500, signal: 'SIGKILL' });
  });

  it('checks the command line again right before signalling', async () => {
    const { stateDir } = await stateDirWith({});
    const procs = { 500: { argv: QEMU_ARGV, start: '9000' } };
    const proc = procTable(procs);
    const [orphan] = await findOrphans(stateDir, { proc });
    procs[500] = { argv: ['sshd'], start: '9999' }; // qemu exited and the pid was reused since
    expect(await reapOrphan(orphan!, { clock: fastClock(), proc })).toEqual({ kind: 'cleaned' });
    expect(proc.signals).toEqual([]);
    expect(readdirSync(stateDir)).toEqual([]);
  });
});

describe('sameArgv', () => {
  it('accepts argv[0] as a name or a path, and nothing else that differs', () => {
    expect(sameArgv(['/usr/bin/qemu-system-x86_64', '-m', '1024'], ['qemu-system-x86_64', '-m', '1024'])).toBe(true);
    expect(sameArgv(['qemu-system-x86_64', '-m', '2048'], ['qemu-system-x86_64', '-m', '1024'])).toBe(false);
    expect(sameArgv(['qemu-system-x86_64', '-m'], ['qemu-system-x86_64', '-m', '1024'])).toBe(false);
    expect(sameArgv([], [])).toBe(false);
  });
});

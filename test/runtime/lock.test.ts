import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, processStartTime } from '../../src/runtime/lock.js';

const dirs: string[] = [];
function dir() {
  const d = mkdtempSync(join(tmpdir(), 'bake-lock-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('acquireLock', () => {
  it('records the holder and refuses a second taker while it lives', () => {
    const path = join(dir(), 'build.lock');
    const first = acquireLock(path, 'bake build a.hcl');
    expect(first.kind).toBe('acquired');
    const holder = JSON.parse(readFileSync(path, 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, purpose: 'bake build a.hcl' });
    const second = acquireLock(path, 'bake build a.hcl');
    expect(second).toMatchObject({ kind: 'held', holder: { pid: process.pid } });
    if (first.kind === 'acquired') first.lock.release();
    expect(acquireLock(path, 'again').kind).toBe('acquired');
  });

  it('takes over a lock whose process is dead', async () => {
    const path = join(dir(), 'build.lock');
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    const start = processStartTime(pid) ?? '1';
    await new Promise((r) => child.on('exit', r));
    writeFileSync(path, JSON.stringify({ pid, processStart: start, since: '2026-01-01T00:00:00Z', purpose: 'crashed' }));
    const r = acquireLock(path, 'bake build a.hcl');
    expect(r.kind).toBe('acquired');
    if (r.kind === 'acquired') expect(r.tookOverFrom?.purpose).toBe('crashed');
  });

  it('treats a live pid with a different start time as a reused pid, so the lock is stale', () => {
    const path = join(dir(), 'build.lock');
    writeFileSync(path, JSON.stringify({ pid: process.pid, processStart: 'not-this-process', since: 'x', purpose: 'old' }));
    expect(acquireLock(path, 'new').kind).toBe('acquired');
  });

  it('takes over a corrupt lock file', () => {
    const path = join(dir(), 'build.lock');
    writeFileSync(path, '{"pid": 12');
    expect(acquireLock(path, 'new').kind).toBe('acquired');
  });
});

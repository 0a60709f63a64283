import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isLocalBuilderError, LocalErrorCode } from '../../../src/builders/local/local-errors.js';
import { checkSucceeded, createNodeProcessRunner, ProcessFailedError } from '../../../src/builders/local/process.js';
import { systemClock } from '../../../src/runtime/clock.js';

// These run real, tiny processes (sh, sleep, printf): what is under test is how they are spawned and ended.
const runner = createNodeProcessRunner({ clock: systemClock });
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readStat(pid));
const readStat = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return '';
  }
};

const readCmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

async function waitUntil(check: () => boolean, ms = 3_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

describe('node process runner', () => {
  it('passes arguments as a vector, so nothing is interpreted by a shell', async () => {
    const result = await runner.run('printf', ['%s|', 'a b', '$HOME', '; rm -rf /', "'quoted'"]);
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(result.stdout).toBe("a b|$HOME|; rm -rf /|'quoted'|");
  });

  it('reports a failed command with its status and the end of its stderr', async () => {
    const result = await runner.run('sh', ['-c', 'echo first >&2; echo oops >&2; exit 3']);
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 3 });
    expect(() => checkSucceeded(result)).toThrow(ProcessFailedError);
    try {
      checkSucceeded(result, 'try again');
    } catch (e) {
      expect((e as ProcessFailedError).code).toBe(LocalErrorCode.processFailed);
      expect((e as ProcessFailedError).message).toBe('sh exited with status 3:\n  first\n  oops');
      expect((e as ProcessFailedError).hint).toBe('try again');
    }
  });

  it('feeds input on stdin and adds env to the environment', async () => {
    const result = await runner.run('sh', ['-c', 'cat; echo "$BAKE_TEST_VALUE"'], { input: 'in\n', env: { BAKE_TEST_VALUE: 'x y' } });
    expect(result.stdout).toBe('in\nx y\n');
  });

  it('keeps only the tail of a long output', async () => {
    const result = await runner.run('sh', ['-c', 'seq 1 10000'], { maxOutputBytes: 12 });
    expect(result.stdout).toBe('\n9999\n10000\n'.slice(-12));
  });

  it('kills the whole process group when the timeout passes, not just the command', async () => {
    const result = await runner.run('sh', ['-c', 'sleep 30 & echo $!; wait'], { timeoutMs: 300 });
    expect(result.outcome).toEqual({ kind: 'timed-out', afterMs: 300 });
    const grandchild = Number(result.stdout.trim());
    expect(await waitUntil(() => !alive(grandchild))).toBe(true);
  });

  it('kills the process group when the signal aborts, and checkSucceeded rethrows the reason', async () => {
    const ac = new AbortController();
    let grandchild = 0;
    const pending = runner.run('sh', ['-c', 'sleep 30 & echo $!; wait'], {
      signal: ac.signal,
      onOutput: (_stream, chunk) => {
        grandchild = Number(chunk.trim());
        ac.abort(new Error('user pressed ctrl-c'));
      },
    });
    const result = await pending;
    expect(result.outcome.kind).toBe('aborted');
    expect(() => checkSucceeded(result)).toThrow('user pressed ctrl-c');
    expect(await waitUntil(() => !alive(grandchild))).toBe(true);
  });

  it('sends SIGKILL after the grace period to a process that ignores SIGTERM', async () => {
    const started = Date.now();
    const result = await runner.run('sh', ['-c', 'trap "" TERM; sleep 30 & wait; sleep 30'], { timeoutMs: 100, killGraceMs: 200 });
    expect(result.outcome.kind).toBe('timed-out');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('says which Debian package to install when a command is missing', async () => {
    const err = await runner.run('bake-no-such-tool', []).catch((e: unknown) => e);
    expect(isLocalBuilderError(err, LocalErrorCode.toolMissing)).toBe(true);
    const missingQemu = await runner.start('bake-no-such-tool', [], { dieWithParent: true }).catch((e: unknown) => e);
    expect(isLocalBuilderError(missingQemu, LocalErrorCode.toolMissing)).toBe(true);
  });

  it('with dieWithParent, the child dies when bake is killed with SIGKILL', async () => {
    const helper = spawn(process.execPath, ['--import', 'tsx', new URL('./die-with-parent-helper.ts', import.meta.url).pathname], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pid = await new Promise<number>((resolve) => helper.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))));
    // setpriv sets the parent-death signal, then execs: once the pid runs sleep, it is armed.
    expect(await waitUntil(() => readCmdline(pid).startsWith('sleep'))).toBe(true);
    helper.kill('SIGKILL');
    expect(await waitUntil(() => !alive(pid))).toBe(true);
  });
});

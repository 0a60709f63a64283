import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/communicator/keys.js';
import { connectSsh, type SshCommunicator, type SshConnectOptions } from '../../src/communicator/ssh.js';
import type { CommandResult } from '../../src/communicator/communicator.js';
import { createSshd, killQuietly, type TestSshd } from '../_helpers/sshd.js';

const key = generateKeyPair('bake-test-run');
let sshd: TestSshd;
const open: SshCommunicator[] = [];

beforeAll(async () => {
  sshd = await createSshd({ authorizedKeys: [key.publicKey] });
});
afterAll(async () => {
  await sshd?.dispose();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function connect(overrides: Partial<SshConnectOptions> = {}): Promise<SshCommunicator> {
  const comm = await connectSsh({
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    privateKey: key.privateKey,
    timeoutMs: 10_000,
    ...overrides,
  });
  open.push(comm);
  return comm;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function capture(comm: SshCommunicator, command: string, signal?: AbortSignal) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const result = await comm.run({ command, onStdout: (l) => stdout.push(l), onStderr: (l) => stderr.push(l), ...(signal ? { signal } : {}) });
  return { result, stdout, stderr };
}

describe('SshCommunicator.run against OpenSSH', () => {
  it.each([0, 3, 255])('returns exit code %i', async (code) => {
    const comm = await connect();
    expect(await comm.run({ command: `exit ${code}` })).toEqual({ kind: 'exited', exitCode: code });
  });

  it('streams stdout and stderr line by line, each to its own callback', async () => {
    const comm = await connect();
    const { result, stdout, stderr } = await capture(comm, 'echo one; echo err1 >&2; printf "two\\nthree\\n"; echo err2 >&2');
    expect(result).toEqual({ kind: 'exited', exitCode: 0 });
    expect(stdout).toEqual(['one', 'two', 'three']);
    expect(stderr).toEqual(['err1', 'err2']);
  });

  it('delivers lines while the command is still running, not at exit', async () => {
    const comm = await connect();
    const arrivals: Record<string, number> = {};
    const result = await comm.run({
      command: 'echo first; sleep 1; echo second',
      onStdout: (l) => (arrivals[l] = Date.now()),
    });
    expect(result).toEqual({ kind: 'exited', exitCode: 0 });
    // Buffered until exit, both lines would arrive together.
    expect(arrivals.second! - arrivals.first!).toBeGreaterThan(700);
  });

  it('flushes a last line without a newline, on stdout and stderr', async () => {
    const comm = await connect();
    const { stdout, stderr } = await capture(comm, "printf 'a\\nb'; printf 'e' >&2");
    expect(stdout).toEqual(['a', 'b']);
    expect(stderr).toEqual(['e']);
  });

  it('strips \\r\\n line ends', async () => {
    const comm = await connect();
    const { stdout } = await capture(comm, "printf 'x\\r\\ny\\r\\n'");
    expect(stdout).toEqual(['x', 'y']);
  });

  it('delivers a 300 kB line, larger than any SSH packet, as one line', async () => {
    const comm = await connect();
    const { stdout } = await capture(comm, "head -c 300000 /dev/zero | tr '\\0' a; echo; echo after");
    expect(stdout.map((l) => l.length)).toEqual([300_000, 5]);
    expect(stdout[0]).toBe('a'.repeat(300_000));
  });

  it('decodes a multibyte character whose bytes arrive in separate packets', async () => {
    const comm = await connect();
    // "€" is e2 82 ac; the sleep makes sshd send the first two bytes on their own.
    const { stdout } = await capture(comm, "printf 'price: \\342\\202'; sleep 0.3; printf '\\254 5\\n'");
    expect(stdout).toEqual(['price: € 5']);
  });

  it('reports a command killed by a signal as signalled, with the bare signal name', async () => {
    const comm = await connect();
    const { result, stdout } = await capture(comm, 'echo before; kill -TERM $$; echo after');
    expect(result).toEqual({ kind: 'signalled', signal: 'TERM' });
    expect(stdout).toEqual(['before']);
  });

  it('returns disconnected when the session\'s sshd dies mid-command (as in a reboot)', async () => {
    const comm = await connect();
    const pids: number[] = [];
    const run = comm.run({
      // $PPID is the sshd process serving this session; killing it drops the connection, as a
      // reboot would. `exec` makes the shell's pid the sleep's, so the test can clean it up.
      command: 'echo $PPID $$; exec sleep 30',
      onStdout: (l) => {
        if (pids.length === 0) {
          pids.push(...l.split(' ').map(Number));
          killQuietly(pids[0]!);
        }
      },
    });
    const result = await run;
    killQuietly(pids[1]!);
    expect(result).toEqual({ kind: 'disconnected' });
  });

  it('returns disconnected when the machine stops answering without closing the connection (keepalive)', async () => {
    const comm = await connect({ keepaliveIntervalMs: 200, keepaliveCountMax: 2 });
    const pids: number[] = [];
    const started = Date.now();
    let result: CommandResult;
    try {
      result = await comm.run({
        // SIGSTOP freezes the session's sshd: the TCP connection stays open but nothing answers,
        // which is how a VM that powers off mid-command looks from here.
        command: 'echo $PPID $$; exec sleep 30',
        onStdout: (l) => {
          pids.push(...l.split(' ').map(Number));
          killQuietly(pids[0]!, 'SIGSTOP');
        },
      });
    } finally {
      for (const pid of pids) killQuietly(pid, 'SIGKILL');
    }
    expect(result).toEqual({ kind: 'disconnected' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('answers disconnected for commands after the connection was lost, until reconnect', async () => {
    const comm = await connect();
    await comm.run({
      command: 'echo $PPID',
      onStdout: (l) => killQuietly(Number(l)),
    });
    expect(await comm.run({ command: 'true' })).toEqual({ kind: 'disconnected' });
    await comm.reconnect(10_000);
    expect(await comm.run({ command: 'exit 7' })).toEqual({ kind: 'exited', exitCode: 7 });
  });

  it('on abort, rejects with the reason, asks sshd to signal the command and closes the channel', async () => {
    const comm = await connect();
    const controller = new AbortController();
    let pid = 0;
    const started = Date.now();
    const run = comm.run({
      // Keeps writing, so it dies of SIGPIPE once the channel is closed even if the TERM request
      // is refused (sshd honours signal requests only for non-root logins; tests log in as root).
      command: 'echo $$; while :; do echo tick; sleep 0.1; done',
      onStdout: (l) => {
        if (pid === 0) {
          pid = Number(l);
          setTimeout(() => controller.abort(new Error('user cancelled')), 100);
        }
      },
      signal: controller.signal,
    });
    await expect(run).rejects.toThrow('user cancelled');
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect.poll(() => isAlive(pid), { timeout: 3_000 }).toBe(false);
    // sshd logs the signal request it received ("session_signal_req: ...").
    expect(sshd.log()).toMatch(/session_signal_req/);
    // The connection is still usable afterwards.
    expect(await comm.run({ command: 'exit 0' })).toEqual({ kind: 'exited', exitCode: 0 });
  });

  it('rejects at once for an already aborted signal, without running anything', async () => {
    const comm = await connect();
    const marker = `${sshd.dir}/never`;
    await expect(comm.run({ command: `touch ${marker}`, signal: AbortSignal.abort(new Error('too late')) })).rejects.toThrow('too late');
    await expect(import('node:fs/promises').then((fs) => fs.access(marker))).rejects.toThrow();
  });

  it('stops the command and rejects with the error when an output callback throws', async () => {
    const comm = await connect();
    let pid = 0;
    const run = comm.run({
      command: 'echo $$; exec sleep 30',
      onStdout: (l) => {
        pid = Number(l);
        throw new Error('callback failed');
      },
    });
    try {
      await expect(run).rejects.toThrow('callback failed');
    } finally {
      // sshd refuses the TERM request for root logins, and a silent sleep never meets SIGPIPE.
      killQuietly(pid);
    }
  });

  it('runs commands concurrently on one connection', async () => {
    const comm = await connect();
    const results = await Promise.all([1, 2, 3, 4].map((n) => capture(comm, `sleep 0.2; echo ${n}; exit ${n}`)));
    expect(results.map((r) => [r.result, r.stdout])).toEqual([1, 2, 3, 4].map((n) => [{ kind: 'exited', exitCode: n }, [String(n)]]));
  });

  it('rejects with ERR_BAKE_SSH_CLOSED after close()', async () => {
    const comm = await connect();
    await comm.close();
    await expect(comm.run({ command: 'true' })).rejects.toMatchObject({ code: 'ERR_BAKE_SSH_CLOSED' });
    await comm.close(); // idempotent
  });
});

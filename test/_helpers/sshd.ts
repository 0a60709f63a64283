/**
 * A real OpenSSH server for communicator tests: `sshd -D -e` on 127.0.0.1 and a free port, with a
 * throwaway host key, authorized_keys and config in a temporary directory. Nothing outside that
 * directory is touched except /run/sshd, the privilege separation directory sshd insists on when
 * it runs as root.
 *
 * Needs the Debian packages openssh-server (sshd) and openssh-client (ssh-keygen, ssh). SFTP is
 * served by sshd's built-in internal-sftp, so no sftp-server path is involved.
 *
 * stop() kills the listener and every process it forked (connection monitors, sessions and the
 * commands they run, found through /proc), then waits for the listener to exit: a test never
 * leaves an sshd behind, and stop() doubles as "the machine rebooted".
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's location; sshd must be started by absolute path (it re-executes itself). */
const SSHD = process.env.BAKE_TEST_SSHD ?? '/usr/sbin/sshd';

export interface TestSshd {
  readonly host: string;
  readonly port: number;
  /** The user sshd lets in: whoever runs the tests (root in CI). */
  readonly user: string;
  readonly dir: string;
  /** The current host key, as `SHA256:...`. */
  hostKeyFingerprint(): Promise<string>;
  setAuthorizedKeys(publicKeys: string[]): Promise<void>;
  start(): Promise<void>;
  /** Kills the listener and all its sessions; clients see their connection drop. */
  stop(): Promise<void>;
  /** Stops and starts again on the same port, with a fresh host key if asked (a different machine). */
  restart(opts?: { newHostKey?: boolean }): Promise<void>;
  /** What sshd wrote to stderr, for assertion messages. */
  log(): string;
  /** stop() and remove the temporary directory. */
  dispose(): Promise<void>;
}

export async function createSshd(opts: { authorizedKeys?: string[]; start?: boolean } = {}): Promise<TestSshd> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bake-sshd-'));
  const port = await freePort();
  const user = userInfo().username;
  const hostKey = path.join(dir, 'host_ed25519_key');
  const authorizedKeys = path.join(dir, 'authorized_keys');
  const config = path.join(dir, 'sshd_config');

  const newHostKey = async () => {
    await rm(hostKey, { force: true });
    await rm(`${hostKey}.pub`, { force: true });
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bake-test-host', '-f', hostKey]);
  };
  await newHostKey();
  await writeFile(authorizedKeys, (opts.authorizedKeys ?? []).map((k) => `${k}\n`).join(''));
  await writeFile(
    config,
    [
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      // The key files live in a world-readable temp directory.
      'StrictModes no',
      'UsePAM no',
      'Subsystem sftp internal-sftp',
      // Tests connect in bursts; the default (10:30:100) would drop some attempts at random.
      'MaxStartups 100',
      'MaxSessions 50',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  // sshd refuses to start as root without its privilege separation directory.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  let child: ChildProcess | undefined;
  let stderr = '';

  const start = async () => {
    if (child) throw new Error('test sshd is already running');
    const proc = spawn(SSHD, ['-D', '-e', '-f', config, '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`test sshd did not start listening:\n${stderr}`)), 10_000);
      proc.stderr!.setEncoding('utf8').on('data', (text: string) => {
        stderr += text;
        if (stderr.includes(`Server listening on 127.0.0.1 port ${port}`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        child = undefined;
        reject(
          e.code === 'ENOENT'
            ? new Error(`no sshd at ${SSHD}: install the Debian packages openssh-server and openssh-client, or set BAKE_TEST_SSHD`)
            : e,
        );
      });
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        child = undefined;
        reject(new Error(`test sshd exited (${code ?? signal}) before listening:\n${stderr}`));
      });
    });
  };

  const stop = async () => {
    const proc = child;
    if (!proc || proc.pid === undefined) return;
    const exited = new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve();
      else proc.once('exit', () => resolve());
    });
    const sessions = await descendants(proc.pid);
    proc.kill('SIGKILL');
    for (const pid of sessions) killQuietly(pid);
    await exited;
    child = undefined;
  };

  const sshd: TestSshd = {
    host: '127.0.0.1',
    port,
    user,
    dir,
    hostKeyFingerprint: async () => (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`])).stdout.split(' ')[1]!,
    setAuthorizedKeys: (keys) => writeFile(authorizedKeys, keys.map((k) => `${k}\n`).join('')),
    start,
    stop,
    restart: async ({ newHostKey: fresh = false } = {}) => {
      await stop();
      if (fresh) await newHostKey();
      await start();
    },
    log: () => stderr,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  if (opts.start !== false) await start();
  return sshd;
}

/**
 * A port nothing listens on right now, for a server started now or later. It is picked below the
 * kernel's ephemeral range: a port from that range, once released, can become the local end of
 * any outgoing connection (these tests open many), and sshd could then not bind it, notably when
 * a test restarts sshd on the same port.
 */
export async function freePort(): Promise<number> {
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768 60999');
  const ephemeralLow = Number(range.trim().split(/\s+/)[0]) || 32768;
  const min = 10_000;
  const max = Math.max(min + 1_000, ephemeralLow);
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = min + Math.floor(Math.random() * (max - min));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port between ${min} and ${max}`);
}

function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Every process below pid, from /proc: sshd's per-connection children call setsid, so no process group covers them. */
export async function descendants(pid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => undefined);
    // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so parse after the last ")".
    const ppid = stat === undefined ? NaN : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isNaN(ppid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

export function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * A stateful in-memory Communicator (src/communicator/communicator.ts) for provisioner tests.
 *
 * Behaviour spec:
 * - Machine state: `remote` maps absolute remote paths to files ({ content, mode }). Remote
 *   directories are implied by the files below them.
 * - Log: every call is appended to `calls` in order ({ op: 'run' | 'upload' | 'uploadDir' |
 *   'download' | 'downloadDir' | 'reconnect', ..., at: clock.now() }); `commands` lists the
 *   command lines run, in order.
 * - Commands: run() answers with the first rule added by on(match, reply) whose match fits (a
 *   substring, a RegExp or a predicate). A reply is data or a function of the command returning
 *   data: { stdout?, stderr?, exitCode?, signal?, disconnect?, hang?, takesMs? }. Output lines go
 *   to the callbacks, then the result: `exitCode` (default 0), or `signal` ("KILL") as a signalled
 *   result, or `disconnect` as a disconnected result that also drops the connection. `takesMs`
 *   waits that long on the clock first (VirtualClock: virtual time). `hang` never ends by itself.
 *   A rule added with { times: n } answers n commands, then is skipped.
 * - Without a matching rule: `rm -f 'PATH'` removes PATH from `remote` and exits 0 (the shell
 *   provisioner's cleanup); anything else exits 0 with no output.
 * - Abort: an already-aborted signal rejects at once; aborting later (while hanging or taking
 *   time) rejects with the signal's reason, as SshCommunicator does.
 * - Connection: after a disconnect, run() answers `disconnected` without consulting rules and
 *   transfers reject with ERR_BAKE_SSH_TRANSFER_FAILED, until reconnect(). reconnect() succeeds,
 *   unless `failReconnects` > 0, in which case it rejects with ERR_BAKE_SSH_CONNECT_TIMEOUT (and
 *   counts down). `disconnect()` drops the connection from a test.
 * - Local side: uploads of { path } and uploadDir read `local` (a MemoryLocalFs); downloads write
 *   into it. A missing local file rejects with ERR_BAKE_SSH_LOCAL_NOT_FOUND, a missing remote one
 *   with ERR_BAKE_SSH_REMOTE_NOT_FOUND, downloading a directory as a file with
 *   ERR_BAKE_SSH_TRANSFER_FAILED. uploadDir and downloadDir follow the trailing-slash rule
 *   (`dir/` copies the contents, `dir` the directory itself); uploads default to mode 0644.
 * - close(): later calls reject with ERR_BAKE_SSH_CLOSED.
 */
import path from 'node:path/posix';
import type { CommandResult, Communicator, RemoteCommand, TransferOptions } from '../../src/communicator/communicator.js';
import { SshError, SshErrorCode } from '../../src/communicator/ssh-errors.js';
import type { Clock } from '../../src/runtime/clock.js';
import { MemoryLocalFs, type MemoryFile } from './memory-local-fs.js';

export interface Reply {
  stdout?: string[];
  stderr?: string[];
  exitCode?: number;
  signal?: string;
  disconnect?: boolean;
  hang?: boolean;
  takesMs?: number;
}

type Match = string | RegExp | ((command: string) => boolean);

export type Call =
  | { op: 'run'; command: string; at: number }
  | { op: 'upload'; remotePath: string; mode: number; from: 'content' | string; at: number }
  | { op: 'uploadDir'; localDir: string; remoteDir: string; at: number }
  | { op: 'download'; remotePath: string; localPath: string; at: number }
  | { op: 'downloadDir'; remoteDir: string; localDir: string; at: number }
  | { op: 'reconnect'; timeoutMs: number; at: number };

interface Rule {
  match: Match;
  reply: Reply | ((command: string) => Reply);
  times: number;
}

export class FakeCommunicator implements Communicator {
  readonly remote = new Map<string, MemoryFile>();
  readonly calls: Call[] = [];
  readonly local: MemoryLocalFs;
  connected = true;
  closed = false;
  failReconnects = 0;
  readonly #rules: Rule[] = [];
  readonly #clock: Clock | undefined;

  constructor(opts: { local?: MemoryLocalFs; clock?: Clock } = {}) {
    this.local = opts.local ?? new MemoryLocalFs();
    this.#clock = opts.clock;
  }

  on(match: Match, reply: Reply | ((command: string) => Reply), opts: { times?: number } = {}): this {
    this.#rules.push({ match, reply, times: opts.times ?? Infinity });
    return this;
  }

  get commands(): string[] {
    return this.calls.flatMap((c) => (c.op === 'run' ? [c.command] : []));
  }

  disconnect(): void {
    this.connected = false;
  }

  async run(cmd: RemoteCommand): Promise<CommandResult> {
    this.#checkOpen();
    cmd.signal?.throwIfAborted();
    this.calls.push({ op: 'run', command: cmd.command, at: this.#now() });
    if (!this.connected) return { kind: 'disconnected' };
    const rule = this.#rules.find((r) => r.times > 0 && matches(r.match, cmd.command));
    if (rule === undefined) {
      const rm = /^rm -f '([^']*)'$/.exec(cmd.command);
      if (rm) this.remote.delete(rm[1]!);
      return { kind: 'exited', exitCode: 0 };
    }
    rule.times--;
    const reply = typeof rule.reply === 'function' ? rule.reply(cmd.command) : rule.reply;
    if (reply.takesMs !== undefined) {
      if (!this.#clock) throw new Error('FakeCommunicator: takesMs needs a clock');
      await this.#clock.sleep(reply.takesMs, cmd.signal);
    }
    for (const line of reply.stdout ?? []) cmd.onStdout?.(line);
    for (const line of reply.stderr ?? []) cmd.onStderr?.(line);
    if (reply.hang) {
      await new Promise<never>((_, reject) => {
        cmd.signal?.addEventListener('abort', () => reject(cmd.signal!.reason), { once: true });
      });
    }
    if (reply.disconnect) {
      this.connected = false;
      return { kind: 'disconnected' };
    }
    if (reply.signal !== undefined) return { kind: 'signalled', signal: reply.signal };
    return { kind: 'exited', exitCode: reply.exitCode ?? 0 };
  }

  async upload(source: { path: string } | { content: string | Buffer }, remotePath: string, opts: TransferOptions = {}): Promise<void> {
    this.#checkTransfer(opts);
    const mode = opts.mode ?? 0o644;
    this.calls.push({ op: 'upload', remotePath, mode, from: 'path' in source ? source.path : 'content', at: this.#now() });
    const content = 'path' in source ? await this.#readLocal(source.path) : Buffer.from(source.content);
    this.remote.set(remotePath, { content, mode });
  }

  async uploadDir(localDir: string, remoteDir: string, opts: TransferOptions = {}): Promise<void> {
    this.#checkTransfer(opts);
    this.calls.push({ op: 'uploadDir', localDir, remoteDir, at: this.#now() });
    if ((await this.local.stat(localDir))?.kind !== 'directory') {
      throw new SshError(SshErrorCode.localNotFound, `cannot upload ${localDir}: no such local directory`);
    }
    const root = treeDestination(localDir, remoteDir);
    for (const [rel, file] of this.local.filesUnder(localDir)) {
      this.remote.set(path.join(root, rel), { content: Buffer.from(file.content), mode: opts.mode ?? file.mode });
    }
  }

  async download(remotePath: string, localPath: string, opts: TransferOptions = {}): Promise<void> {
    this.#checkTransfer(opts);
    this.calls.push({ op: 'download', remotePath, localPath, at: this.#now() });
    const file = this.remote.get(remotePath);
    if (file === undefined) {
      if (this.#remoteFilesUnder(remotePath).size > 0) {
        throw new SshError(SshErrorCode.transferFailed, `cannot download ${remotePath}: it is a directory`, { hint: 'Use downloadDir for directories.' });
      }
      throw new SshError(SshErrorCode.remoteNotFound, `cannot download ${remotePath}: no such file or directory on the machine`);
    }
    this.local.writeFile(localPath, file.content, opts.mode ?? file.mode);
  }

  async downloadDir(remoteDir: string, localDir: string, opts: TransferOptions = {}): Promise<void> {
    this.#checkTransfer(opts);
    this.calls.push({ op: 'downloadDir', remoteDir, localDir, at: this.#now() });
    const files = this.#remoteFilesUnder(remoteDir);
    if (files.size === 0) throw new SshError(SshErrorCode.remoteNotFound, `cannot download ${remoteDir}: no such file or directory on the machine`);
    const root = treeDestination(remoteDir, localDir);
    await this.local.mkdirp(root);
    for (const [rel, file] of files) this.local.writeFile(path.join(root, rel), file.content, opts.mode ?? file.mode);
  }

  async reconnect(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    this.#checkOpen();
    signal?.throwIfAborted();
    this.calls.push({ op: 'reconnect', timeoutMs, at: this.#now() });
    if (this.failReconnects > 0) {
      this.failReconnects--;
      throw new SshError(SshErrorCode.connectTimeout, `the machine did not accept an SSH session within ${timeoutMs} ms`);
    }
    this.connected = true;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  #now(): number {
    return this.#clock?.now() ?? 0;
  }

  #checkOpen(): void {
    if (this.closed) throw new SshError(SshErrorCode.closed, 'the SSH communicator was used after close()');
  }

  #checkTransfer(opts: TransferOptions): void {
    this.#checkOpen();
    opts.signal?.throwIfAborted();
    if (!this.connected) throw new SshError(SshErrorCode.transferFailed, 'cannot transfer files: the SSH connection was lost');
  }

  async #readLocal(p: string): Promise<Buffer> {
    try {
      return await this.local.readFile(p);
    } catch {
      throw new SshError(SshErrorCode.localNotFound, `cannot upload ${p}: no such local file`);
    }
  }

  #remoteFilesUnder(dir: string): Map<string, MemoryFile> {
    const root = dir.endsWith('/') ? dir.slice(0, -1) : dir;
    const out = new Map<string, MemoryFile>();
    for (const [p, f] of this.remote) if (p.startsWith(`${root}/`)) out.set(p.slice(root.length + 1), f);
    return out;
  }
}

function matches(match: Match, command: string): boolean {
  if (typeof match === 'string') return command.includes(match);
  if (match instanceof RegExp) return match.test(command);
  return match(command);
}

/** Packer's trailing-slash rule, as src/communicator/sftp-tree.ts applies it. */
function treeDestination(source: string, destination: string): string {
  return source.endsWith('/') ? destination : path.join(destination, path.basename(source));
}

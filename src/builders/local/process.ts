/**
 * Running host commands (qemu, qemu-img, mmdebstrap, mkfs.ext4) behind a narrow interface, so the
 * builder's pieces can be tested with a fake that records argument vectors.
 *
 * Every command is an argument vector, never a shell string: paths with spaces or quotes in them
 * stay one argument, and nothing a template says is ever interpreted by a shell on the host.
 *
 * Each child runs in its own process group (`detached`, i.e. setsid), and ending it signals the
 * whole group: mmdebstrap's apt and dpkg, or whatever a command forked, go with it. Ending means
 * SIGTERM, then SIGKILL after a grace period.
 */
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../runtime/clock.js';
import { missingToolHint } from './host-tools.js';
import { LocalBuilderError, LocalErrorCode } from './local-errors.js';

export type ProcessOutcome =
  | { kind: 'exited'; exitCode: number }
  | { kind: 'signalled'; signal: string }
  /** We ended it because timeoutMs passed. */
  | { kind: 'timed-out'; afterMs: number }
  /** We ended it because the caller's signal aborted. */
  | { kind: 'aborted'; reason: unknown };

export interface ProcessResult {
  readonly command: string;
  readonly args: readonly string[];
  readonly outcome: ProcessOutcome;
  /** The last maxOutputBytes of each stream, decoded as UTF-8. */
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

export interface StartOptions {
  cwd?: string;
  /** Added to the environment bake itself runs with. */
  env?: Readonly<Record<string, string>>;
  /** Written to stdin, which is then closed. Without it stdin is /dev/null. */
  input?: string | Buffer;
  /** Output as it arrives, for progress; it is captured for the result either way. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  /** Ends the process group when it aborts; the result's outcome is then 'aborted'. */
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL when bake ends the process. Default 5 s. */
  killGraceMs?: number;
  /**
   * The kernel SIGKILLs the process when bake dies, even by SIGKILL (`setpriv --pdeathsig`,
   * prctl PR_SET_PDEATHSIG). Linux ties this to the *thread* that spawned the child: spawn from
   * the main thread or one that lives as long as the child should. Between spawn and setpriv's
   * prctl there is a window of a few microseconds in which bake's death goes unnoticed; the state
   * records of vm-state.ts are the net under that.
   */
  dieWithParent?: boolean;
  /** Per stream; older output is dropped. Default 1 MiB. */
  maxOutputBytes?: number;
}

export interface RunningProcess {
  readonly pid: number;
  /** Settles once the process has exited and its output is collected; never rejects. */
  readonly exited: Promise<ProcessResult>;
  /** Sends a signal to the whole process group at once (no grace period). */
  kill(signal?: 'SIGTERM' | 'SIGKILL' | 'SIGINT'): void;
}

export interface ProcessRunner {
  /** Starts a command; rejects with ERR_BAKE_TOOL_MISSING when it is not installed. */
  start(command: string, args: readonly string[], opts?: StartOptions): Promise<RunningProcess>;
  /** Starts a command and waits for it to end. */
  run(command: string, args: readonly string[], opts?: StartOptions): Promise<ProcessResult>;
}

export class ProcessFailedError extends LocalBuilderError {
  readonly result: ProcessResult;
  constructor(result: ProcessResult, hint?: string) {
    super(LocalErrorCode.processFailed, `${result.command} ${describeOutcome(result.outcome)}${stderrTail(result.stderr)}`, {
      ...(hint === undefined ? {} : { hint }),
    });
    this.name = 'ProcessFailedError';
    this.result = result;
  }
}

/** Returns the result when the command exited 0; rethrows an abort's reason; otherwise throws ProcessFailedError. */
export function checkSucceeded(result: ProcessResult, hint?: string): ProcessResult {
  if (result.outcome.kind === 'aborted') throw result.outcome.reason;
  if (result.outcome.kind === 'exited' && result.outcome.exitCode === 0) return result;
  throw new ProcessFailedError(result, hint);
}

export function describeOutcome(outcome: ProcessOutcome): string {
  switch (outcome.kind) {
    case 'exited':
      return `exited with status ${outcome.exitCode}`;
    case 'signalled':
      return `was killed by ${outcome.signal}`;
    case 'timed-out':
      return `did not finish within ${Math.round(outcome.afterMs / 100) / 10} s and was killed`;
    case 'aborted':
      return 'was cancelled';
  }
}

function stderrTail(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').filter((l) => l.trim() !== '');
  return lines.length === 0 ? '' : `:\n  ${lines.slice(-6).join('\n  ')}`;
}

const DEFAULT_GRACE_MS = 5_000;
const DEFAULT_MAX_OUTPUT = 1 << 20;
/** How long to wait for stdio to close after the leader exited (a grandchild may hold the pipes). */
const CLOSE_AFTER_EXIT_MS = 2_000;

export function createNodeProcessRunner(deps: { clock: Clock }): ProcessRunner {
  const { clock } = deps;

  const start = async (command: string, args: readonly string[], opts: StartOptions = {}): Promise<RunningProcess> => {
    opts.signal?.throwIfAborted();
    if (opts.dieWithParent) {
      // setpriv would report a missing command only as its own exit status 127; look first.
      if (!(await onPath(command))) throw toolMissing(command);
    }
    const [file, argv] = opts.dieWithParent
      ? ['setpriv', ['--pdeathsig', 'SIGKILL', '--', command, ...args]]
      : [command, [...args]];
    const startedAt = clock.now();
    const child = spawn(file, argv, {
      cwd: opts.cwd,
      env: opts.env === undefined ? process.env : { ...process.env, ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw toolMissing(file);
      throw e;
    }
    const pid = child.pid!;
    if (opts.input !== undefined) child.stdin!.end(opts.input);

    const stdout = new TailBuffer(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
    const stderr = new TailBuffer(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
    child.stdout!.on('data', (b: Buffer) => {
      stdout.push(b);
      opts.onOutput?.('stdout', b.toString('utf8'));
    });
    child.stderr!.on('data', (b: Buffer) => {
      stderr.push(b);
      opts.onOutput?.('stderr', b.toString('utf8'));
    });

    const timers = new AbortController();
    let settled = false;
    let ending: ProcessOutcome | undefined;

    const signalGroup = (sig: NodeJS.Signals) => {
      // Once settled the group is gone and its id may be reused: never signal it again.
      if (settled) return;
      try {
        process.kill(-pid, sig);
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const terminate = (why: ProcessOutcome) => {
      if (ending !== undefined) return;
      ending = why;
      signalGroup('SIGTERM');
      clock.sleep(opts.killGraceMs ?? DEFAULT_GRACE_MS, timers.signal).then(
        () => signalGroup('SIGKILL'),
        () => {},
      );
    };

    const onAbort = () => terminate({ kind: 'aborted', reason: opts.signal!.reason });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    if (opts.timeoutMs !== undefined) {
      const timeoutMs = opts.timeoutMs;
      clock.sleep(timeoutMs, timers.signal).then(
        () => terminate({ kind: 'timed-out', afterMs: timeoutMs }),
        () => {},
      );
    }

    const exited = new Promise<ProcessResult>((resolve) => {
      const finish = (code: number | null, sig: NodeJS.Signals | null) => {
        if (settled) return;
        // Whatever the leader left behind in its group goes too when we were ending it.
        if (ending !== undefined) signalGroup('SIGKILL');
        settled = true;
        timers.abort();
        opts.signal?.removeEventListener('abort', onAbort);
        const outcome: ProcessOutcome =
          ending ?? (code !== null ? { kind: 'exited', exitCode: code } : { kind: 'signalled', signal: sig ?? 'unknown' });
        resolve({
          command,
          args: [...args],
          outcome,
          stdout: stdout.text(),
          stderr: stderr.text(),
          durationMs: clock.now() - startedAt,
        });
      };
      child.once('exit', (code, sig) => {
        clock.sleep(CLOSE_AFTER_EXIT_MS, timers.signal).then(
          () => {
            child.stdout?.destroy();
            child.stderr?.destroy();
            finish(code, sig);
          },
          () => {},
        );
      });
      child.once('close', (code, sig) => finish(code, sig));
    });

    return {
      pid,
      exited,
      kill: (sig = 'SIGKILL') => signalGroup(sig),
    };
  };

  return {
    start,
    run: async (command, args, opts) => (await start(command, args, opts)).exited,
  };
}

function toolMissing(command: string): LocalBuilderError {
  return new LocalBuilderError(LocalErrorCode.toolMissing, `${command} is not installed (not found on PATH)`, {
    hint: missingToolHint(command),
    source: 'user',
  });
}

async function onPath(command: string): Promise<boolean> {
  const candidates = command.includes('/')
    ? [command]
    : (process.env.PATH ?? '').split(':').filter(Boolean).map((dir) => path.join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, fsConstants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** Keeps the last `limit` bytes written to it. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
    while (this.size - this.chunks[0]!.length >= this.limit) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

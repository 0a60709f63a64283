/**
 * A ProcessRunner that runs nothing, for the local builder's unit tests.
 *
 * Behaviour spec:
 * - Every start()/run() is recorded, in order, in `calls` as a FakeProcess: command, args, the
 *   options given, and a pid (from 10001 up).
 * - The `script` decides what a command does: it may act first (create files, start a fake QMP
 *   server) and returns a FakeBehaviour. Without a script, or when it returns nothing, a command
 *   exits 0 with no output.
 * - `{ exitCode, stdout, stderr }` ends the process at once with that status and output.
 * - `{ keepRunning: true }` leaves it running until the test calls `exit()` on it, bake calls
 *   `kill()` (outcome 'signalled' with that signal), or the caller's signal aborts (outcome 'aborted').
 * - `{ outcome }` ends it with exactly that outcome (e.g. 'timed-out': the runner's timeout is
 *   not simulated with time, the script says it happened).
 * - `missing: true` makes start() reject like a command that is not installed.
 * - An already aborted signal makes start() reject with the signal's reason, as the node runner does.
 */
import { LocalBuilderError, LocalErrorCode } from '../../../src/builders/local/local-errors.js';
import type { ProcessOutcome, ProcessResult, ProcessRunner, RunningProcess, StartOptions } from '../../../src/builders/local/process.js';

export interface FakeBehaviour {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  outcome?: ProcessOutcome;
  keepRunning?: boolean;
  missing?: boolean;
}

export interface FakeProcess {
  readonly command: string;
  readonly args: readonly string[];
  readonly opts: StartOptions;
  readonly pid: number;
  /** Signals bake sent with kill(), in order. */
  readonly signals: string[];
  /** Ends a running process (keepRunning) with this status and stderr. */
  exit(exitCode: number, stderr?: string): void;
  readonly done: boolean;
}

export type FakeScript = (p: FakeProcess) => FakeBehaviour | void | Promise<FakeBehaviour | void>;

export interface FakeProcessRunner extends ProcessRunner {
  readonly calls: FakeProcess[];
  /** Calls of one command, e.g. callsOf('qemu-img'). */
  callsOf(command: string): FakeProcess[];
  /** The processes still running. */
  running(): FakeProcess[];
}

export function fakeProcessRunner(script: FakeScript = () => undefined): FakeProcessRunner {
  const calls: FakeProcess[] = [];
  let nextPid = 10_001;

  const start = async (command: string, args: readonly string[], opts: StartOptions = {}): Promise<RunningProcess> => {
    opts.signal?.throwIfAborted();
    let settle!: (r: ProcessResult) => void;
    const exited = new Promise<ProcessResult>((resolve) => (settle = resolve));
    let done = false;
    let stdout = '';
    let stderr = '';
    const end = (outcome: ProcessOutcome) => {
      if (done) return;
      done = true;
      opts.signal?.removeEventListener('abort', onAbort);
      settle({ command, args: [...args], outcome, stdout, stderr, durationMs: 0 });
    };
    const onAbort = () => end({ kind: 'aborted', reason: opts.signal!.reason });
    const proc: FakeProcess = {
      command,
      args: [...args],
      opts,
      pid: nextPid++,
      signals: [],
      exit: (exitCode, err = '') => {
        stderr += err;
        end({ kind: 'exited', exitCode });
      },
      get done() {
        return done;
      },
    };
    calls.push(proc);
    const behaviour = (await script(proc)) ?? {};
    if (behaviour.missing) {
      calls.pop();
      throw new LocalBuilderError(LocalErrorCode.toolMissing, `${command} is not installed (not found on PATH)`, { source: 'user' });
    }
    stdout = behaviour.stdout ?? '';
    stderr = behaviour.stderr ?? '';
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    else if (behaviour.outcome) end(behaviour.outcome);
    else if (!behaviour.keepRunning) end({ kind: 'exited', exitCode: behaviour.exitCode ?? 0 });
    return {
      pid: proc.pid,
      exited,
      kill: (sig = 'SIGKILL') => {
        proc.signals.push(sig);
        end({ kind: 'signalled', signal: sig });
      },
    };
  };

  return {
    calls,
    callsOf: (command) => calls.filter((c) => c.command === command),
    running: () => calls.filter((c) => !c.done),
    start,
    run: async (command, args, opts) => (await start(command, args, opts)).exited,
  };
}

/**
 * A VM that launchVm (vm.ts) started: its ports and files, and the ways it ends. Stopping prefers
 * the guest's own clean shutdown (ACPI power button through QMP), because a layer is the disk as
 * the guest left it: anything forced may leave the filesystem mid-write, and the outcome says so.
 */
import type { Clock } from '../../runtime/clock.js';
import type { ProcessResult, RunningProcess } from './process.js';
import type { Forward } from './qemu-args.js';
import { qmpExecute } from './qmp.js';
import { waitForSshBanner, type SshWaitOutcome } from './ssh-wait.js';

export type VmSshWaitOutcome = SshWaitOutcome | { kind: 'vm-exited'; result: ProcessResult };

export type PowerdownOutcome =
  /** The guest shut down after the ACPI power button. */
  | { kind: 'powered-off'; afterMs: number; result: ProcessResult }
  /** It did not in time (or QMP failed): qemu was told to quit, or killed. The disk may be mid-write. */
  | { kind: 'forced'; how: 'quit' | 'kill'; reason: string; afterMs: number; result: ProcessResult }
  | { kind: 'already-exited'; result: ProcessResult };

export interface Vm {
  readonly name: string;
  readonly pid: number;
  readonly sshPort: number;
  /** SSH first, then the requested forwards in order, with the host ports they got. */
  readonly forwards: readonly Forward[];
  readonly serialLog: string;
  readonly qmpSocket: string;
  readonly instanceId: string;
  /** Settles when qemu has exited and its record and run-time files are gone. */
  readonly exited: Promise<ProcessResult>;
  waitForSsh(timeoutMs: number, signal?: AbortSignal): Promise<VmSshWaitOutcome>;
  /** QMP query-status: "running", "paused", "shutdown", ... */
  status(): Promise<string>;
  /**
   * ACPI power button, then waits up to timeoutMs for the guest to power off; if it does not,
   * QMP quit (waiting up to another min(5 s, timeoutMs)), then SIGKILL.
   */
  powerdown(timeoutMs: number): Promise<PowerdownOutcome>;
  kill(): Promise<ProcessResult>;
}

const QUIT_WAIT_MS = 5_000;

export interface RunningVmParts {
  clock: Clock;
  name: string;
  child: RunningProcess;
  exited: Promise<ProcessResult>;
  forwards: Forward[];
  files: { serialLog: string; qmpSocket: string; pidFile: string };
  instanceId: string;
  exitResult: () => ProcessResult | undefined;
}

export function runningVm(p: RunningVmParts): Vm {
  const { clock } = p;
  const qmp = (command: string) => qmpExecute(p.files.qmpSocket, command, undefined, { clock });

  /** The exit result if qemu exits within ms, else undefined. */
  const exitWithin = async (ms: number): Promise<ProcessResult | undefined> => {
    const timer = new AbortController();
    try {
      return await Promise.race([p.exited, clock.sleep(ms, timer.signal).then(() => undefined)]);
    } finally {
      timer.abort();
    }
  };

  return {
    name: p.name,
    pid: p.child.pid,
    sshPort: p.forwards[0]!.hostPort,
    forwards: p.forwards,
    serialLog: p.files.serialLog,
    qmpSocket: p.files.qmpSocket,
    instanceId: p.instanceId,
    exited: p.exited,

    async waitForSsh(timeoutMs, signal) {
      const stop = new AbortController();
      const onAbort = () => stop.abort(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
      const exitedFirst = p.exited.then((result) => ({ kind: 'vm-exited' as const, result }));
      try {
        return await Promise.race([
          waitForSshBanner({ port: p.forwards[0]!.hostPort, timeoutMs, clock, signal: stop.signal }),
          exitedFirst,
        ]);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        // Ends the other racer (the banner poll once qemu exited); its rejection is nobody's business.
        if (!stop.signal.aborted) stop.abort(new Error('done'));
      }
    },

    async status() {
      const reply = (await qmp('query-status')) as { status?: string };
      return reply.status ?? 'unknown';
    },

    async powerdown(timeoutMs) {
      const done = p.exitResult();
      if (done) return { kind: 'already-exited', result: done };
      const started = clock.now();
      let reason: string;
      try {
        await qmp('system_powerdown');
        const result = await exitWithin(timeoutMs);
        if (result) return { kind: 'powered-off', afterMs: clock.now() - started, result };
        reason = `the guest did not power off within ${timeoutMs} ms of the ACPI power button`;
      } catch (e) {
        reason = `system_powerdown failed: ${(e as Error).message}`;
      }
      // qemu may close the socket before it replies to quit: judge by whether it exits.
      await qmp('quit').catch(() => undefined);
      const quitResult = await exitWithin(Math.min(QUIT_WAIT_MS, timeoutMs));
      if (quitResult) return { kind: 'forced', how: 'quit', reason, afterMs: clock.now() - started, result: quitResult };
      p.child.kill('SIGKILL');
      const result = await p.exited;
      return { kind: 'forced', how: 'kill', reason, afterMs: clock.now() - started, result };
    },

    async kill() {
      p.child.kill('SIGKILL');
      return p.exited;
    },
  };
}

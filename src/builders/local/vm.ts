/**
 * Launching and stopping one bake VM: qemu as a child of bake (never -daemonize: bake wants its
 * exit status and output), tied to bake's life by a parent-death signal, with a state record for
 * `bake gc` (vm-state.ts) that disappears when qemu exits.
 *
 * `launchVm` returns once qemu's QMP monitor answers, which qemu only does after every device and
 * host forward is set up; a forward port taken meanwhile is retried with fresh ports (vm-launch.ts,
 * which also checks the options and builds qemu's arguments and the state record).
 *
 * The caller's `signal` covers the launch. After that the VM runs until the caller stops it
 * with `powerdown()` or `kill()` (a build step's cleanup), until the guest powers off, or until
 * bake dies.
 */
import { rm } from 'node:fs/promises';
import type { Clock } from '../../runtime/clock.js';
import { withRetry } from '../../runtime/retry.js';
import { QEMU_SYSTEM } from './accelerator.js';
import { isLocalBuilderError, LocalBuilderError, LocalErrorCode } from './local-errors.js';
import { isHostForwardTaken, type PortAllocator } from './ports.js';
import type { ProcessResult, ProcessRunner, RunningProcess } from './process.js';
import { qmpExecute } from './qmp.js';
import { runningVm, type Vm } from './running-vm.js';
import { prepareVmLaunch, retryTakenPorts, type VmLaunchSpec } from './vm-launch.js';
import { dropVmRecord, writeVmRecord, type ProcTable } from './vm-state.js';

export type { PowerdownOutcome, Vm, VmSshWaitOutcome } from './running-vm.js';

export interface LaunchVmOptions extends VmLaunchSpec {
  /** Where the state record for `bake gc` goes. */
  stateDir: string;
  /** SIGKILL qemu when bake dies. Default true. */
  dieWithParent?: boolean;
  /** Until QMP answers. Default 30 s. */
  startTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface VmDeps {
  runner: ProcessRunner;
  clock: Clock;
  ports?: PortAllocator;
  proc?: ProcTable;
  /** Launch attempts after a taken forward port. Default 4. */
  portRetries?: number;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;

export async function launchVm(deps: VmDeps, opts: LaunchVmOptions): Promise<Vm> {
  const launch = await prepareVmLaunch(deps, opts);
  const { files, instanceId } = launch;

  const launchOnce = async (): Promise<Vm> => {
    opts.signal?.throwIfAborted();
    const { forwards, args, record } = await launch.attempt();
    // The record exists before qemu does, so a crash at any point leaves gc something to find.
    const recordFile = await writeVmRecord(opts.stateDir, record);
    let child: RunningProcess;
    try {
      await rm(files.qmpSocket, { force: true });
      child = await deps.runner.start(QEMU_SYSTEM, args, { dieWithParent: opts.dieWithParent ?? true });
    } catch (e) {
      await dropVmRecord(recordFile, record);
      throw e;
    }
    const pidWritten = writeVmRecord(opts.stateDir, { ...record, pid: child.pid });
    let exitResult: ProcessResult | undefined;
    // exitResult is set only once the record is gone, so a retry never races this VM's cleanup.
    const exited = child.exited.then(async (result) => {
      await pidWritten.catch(() => undefined);
      await dropVmRecord(recordFile, record).catch(() => undefined);
      exitResult = result;
      return result;
    });

    const timeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const started = await pidWritten
      .then(() => untilQmpAnswers(deps.clock, files.qmpSocket, () => exitResult, timeoutMs, opts.signal))
      .catch(async (e: unknown) => {
        child.kill('SIGKILL');
        await exited;
        throw e;
      });
    if (started.kind === 'exited') throw startFailure(opts.name, started.result);
    return runningVm({ clock: deps.clock, name: opts.name, child, exited, forwards, files, instanceId, exitResult: () => exitResult });
  };

  return retryTakenPorts(launchOnce, { ...(deps.portRetries === undefined ? {} : { retries: deps.portRetries }), ...(opts.signal ? { signal: opts.signal } : {}) });
}

function startFailure(name: string, result: ProcessResult): LocalBuilderError {
  const stderr = result.stderr.trim();
  if (isHostForwardTaken(stderr)) {
    return new LocalBuilderError(LocalErrorCode.hostForwardTaken, `qemu for ${name} could not bind a forwarded port: ${stderr}`, {
      hint: 'Another process took the port between bake choosing it and qemu binding it; bake retries with new ports.',
    });
  }
  return new LocalBuilderError(LocalErrorCode.vmStartFailed, `qemu for ${name} exited while starting: ${stderr || 'no output'}`, {
    hint: 'Check the qemuargs in the template, and that the disk, kernel and initrd exist.',
  });
}

type StartState = { kind: 'running' } | { kind: 'exited'; result: ProcessResult };

/** Polls QMP until it answers or qemu exits; a timeout or an abort throws. */
async function untilQmpAnswers(
  clock: Clock,
  socket: string,
  exitResult: () => ProcessResult | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<StartState> {
  const deadline = clock.now() + timeoutMs;
  class Exited extends Error {
    constructor(readonly result: ProcessResult) {
      super('qemu exited');
    }
  }
  try {
    await withRetry(
      async () => {
        const gone = exitResult();
        if (gone) throw new Exited(gone);
        if (clock.now() > deadline) {
          throw new LocalBuilderError(LocalErrorCode.vmStartFailed, `qemu's QMP socket did not answer within ${timeoutMs} ms`, {
            hint: 'The host may be overloaded; see the VM serial log.',
          });
        }
        await qmpExecute(socket, 'query-status', undefined, { clock, timeoutMs: 2_000 });
      },
      {
        retries: Number.POSITIVE_INFINITY,
        minTimeoutMs: 25,
        maxTimeoutMs: 250,
        isRetryable: (e) => isLocalBuilderError(e, LocalErrorCode.qmpFailed),
        ...(signal ? { signal } : {}),
      },
    );
    return { kind: 'running' };
  } catch (e) {
    if (e instanceof Exited) return { kind: 'exited', result: e.result };
    throw e;
  }
}

/**
 * Runs a build source's provisioners in declared order, each wrapped the way Packer wraps them:
 * pause_before, then the provisioner under its timeout, the pair retried up to max_retries times.
 * The first provisioner that still fails stops the run; the outcomes so far are returned as data.
 *
 * Where Packer is odd, bake differs on purpose:
 * - Packer honours either pause_before or timeout, never both (an `else if` in its HCL2 build);
 *   bake honours both, and the timeout counts from the end of the pause.
 * - As in Packer, each attempt pauses again (the pause is inside the retry), and there is no
 *   other delay between attempts: pause_before is how a template spaces its retries.
 * - The timeout applies per attempt, again as in Packer, and a timed-out attempt is retried.
 */
import type { Communicator } from '../communicator/communicator.js';
import type { Clock } from '../runtime/clock.js';
import { withRetry } from '../runtime/retry.js';
import type { Provisioner as ProvisionerBlock } from '../template/model.js';
import { parseDuration } from '../template/schema/types.js';
import { LastLines } from './last-lines.js';
import type { LocalFs } from './local-fs.js';
import { blockName, failed, outcomeFromError, ProvisionerErrorCode } from './provision-failure.js';
import type { BuildInfo, FailedOutcome, OutputSink, Provisioner, ProvisionOutcome } from './provisioner.js';
import { builtinProvisioners, type ProvisionerRegistry } from './registry.js';

/**
 * How long a provisioner that timed out gets to stop and say what it was doing before bake stops
 * waiting for it. Runners pass the signal to the communicator, which gives up at once; this only
 * bounds a runner that does not.
 */
export const ABORT_GRACE_MS = 10_000;

export interface RunProvisionersInput {
  provisioners: readonly ProvisionerBlock[];
  comm: Communicator;
  output: OutputSink;
  workDir: string;
  fs: LocalFs;
  clock: Clock;
  log(message: string): void;
  build: BuildInfo;
  signal?: AbortSignal;
  /** Default: shell and file. */
  registry?: ProvisionerRegistry;
}

export interface ProvisionerReport {
  provisioner: ProvisionerBlock;
  /** The outcome of the last attempt. */
  outcome: ProvisionOutcome;
  /** 1 when the first attempt settled it. */
  attempts: number;
}

export type ProvisionersResult =
  | { kind: 'ok'; reports: ProvisionerReport[] }
  | { kind: 'failed'; reports: ProvisionerReport[]; failure: ProvisionerReport & { outcome: FailedOutcome } };

export async function runProvisioners(input: RunProvisionersInput): Promise<ProvisionersResult> {
  const signal = input.signal ?? new AbortController().signal;
  const reports: ProvisionerReport[] = [];
  for (const block of input.provisioners) {
    const report = await runOne(block, input, signal);
    reports.push(report);
    const { outcome } = report;
    if (outcome.kind === 'failed') return { kind: 'failed', reports, failure: { ...report, outcome } };
  }
  return { kind: 'ok', reports };
}

/** Carries a failed attempt through withRetry, which speaks in exceptions. */
class AttemptFailed extends Error {
  constructor(readonly outcome: FailedOutcome) {
    super(outcome.message);
  }
}

async function runOne(block: ProvisionerBlock, input: RunProvisionersInput, signal: AbortSignal): Promise<ProvisionerReport> {
  const label = describeBlock(block);
  const registry = input.registry ?? builtinProvisioners;
  // hasOwn: a type named "constructor" must not find Object.prototype's.
  const runner = Object.hasOwn(registry, block.type) ? registry[block.type] : undefined;
  if (runner === undefined) {
    const outcome = failed(ProvisionerErrorCode.unknownType, `${label}: bake has no runner for provisioner type "${block.type}"`, {
      command: block.type,
      hint: 'This is a bug in bake: the template engine accepted a provisioner type that cannot run.',
    });
    return { provisioner: block, outcome, attempts: 0 };
  }
  const maxRetries = (block.config.max_retries as number | undefined) ?? 0;
  let attempts = 0;
  try {
    const outcome = await withRetry(
      async (attempt) => {
        attempts = attempt;
        const outcome = await attemptOnce(runner, block, label, input, signal);
        if (outcome.kind === 'failed') throw new AttemptFailed(outcome);
        return outcome;
      },
      {
        retries: maxRetries,
        // No delay of its own: pause_before (inside each attempt) is the delay, as in Packer.
        minTimeoutMs: 0,
        maxTimeoutMs: 0,
        isRetryable: (e) => e instanceof AttemptFailed && !signal.aborted,
        onRetry: (e, attempt) => {
          if (attempt > maxRetries || signal.aborted) return;
          // Outcome messages already name the block.
          input.log(`${e instanceof Error ? e.message : String(e)}; retrying (attempt ${attempt + 1} of ${maxRetries + 1})`);
        },
      },
    );
    return { provisioner: block, outcome, attempts };
  } catch (e) {
    const outcome = e instanceof AttemptFailed ? e.outcome : outcomeFromError(e, { block: label, command: block.type, signal });
    return { provisioner: block, outcome, attempts };
  }
}

async function attemptOnce(
  runner: Provisioner,
  block: ProvisionerBlock,
  label: string,
  input: RunProvisionersInput,
  signal: AbortSignal,
): Promise<ProvisionOutcome> {
  const pauseBefore = block.config.pause_before as string | undefined;
  const timeout = block.config.timeout as string | undefined;
  const pauseMs = pauseBefore === undefined ? 0 : parseDuration(pauseBefore);
  const timeoutMs = timeout === undefined ? 0 : parseDuration(timeout);
  const cancelled = (command: string, lastLines: string[] = []) =>
    failed(ProvisionerErrorCode.cancelled, `${label}: cancelled`, { command, lastLines });

  if (signal.aborted) return cancelled(block.type);
  if (pauseMs > 0) {
    input.log(`Pausing ${pauseBefore} before ${label}`);
    try {
      await input.clock.sleep(pauseMs, signal);
    } catch {
      return cancelled(`pause_before ${pauseBefore}`);
    }
  }
  input.log(`Running ${label}`);

  // The runner reports its own last lines; these are for a runner cut off before it could.
  const lines = new LastLines();
  const output: OutputSink = {
    onLine: (stream, line) => {
      lines.push(line);
      input.output.onLine(stream, line);
    },
  };
  const timer = new AbortController();
  const stopTimer = new AbortController();
  const attemptSignal = AbortSignal.any([signal, timer.signal]);
  const timedOut =
    timeoutMs > 0
      ? input.clock.sleep(timeoutMs, stopTimer.signal).then(
          () => {
            timer.abort(new Error(`timed out after ${timeout}`));
            return true as const;
          },
          () => new Promise<never>(() => {}),
        )
      : new Promise<never>(() => {});

  const running = Promise.resolve()
    .then(() =>
      runner.run({
        config: block.config,
        range: block.range,
        comm: input.comm,
        output,
        workDir: input.workDir,
        fs: input.fs,
        clock: input.clock,
        signal: attemptSignal,
        log: input.log,
        build: input.build,
      }),
    )
    .catch((e: unknown) => outcomeFromError(e, { block: label, command: block.type, lastLines: lines.lines, signal: attemptSignal }));

  try {
    const first = await Promise.race([running, timedOut]);
    if (first !== true) {
      if (first.kind === 'failed' && signal.aborted) return cancelled(first.command, first.lastLines.length > 0 ? first.lastLines : lines.lines);
      return first;
    }
    // Timed out: wait (briefly) for the runner to stop, for what it was running when cut off.
    const grace = new AbortController();
    const late = await Promise.race([running, input.clock.sleep(ABORT_GRACE_MS, grace.signal).then(() => undefined, () => undefined)]);
    grace.abort();
    // It may have finished in the same instant; finished is finished.
    if (late?.kind === 'ok') return late;
    return failed(ProvisionerErrorCode.timeout, `${label}: timed out after ${timeout}`, {
      command: late?.command ?? block.type,
      lastLines: late && late.lastLines.length > 0 ? late.lastLines : lines.lines,
      hint: `Raise "timeout" in the block if the work needs longer. A command that waits for input (a prompt, a pager, apt without -y) never finishes on its own.`,
    });
  } finally {
    stopTimer.abort();
  }
}

function describeBlock(block: ProvisionerBlock): string {
  return blockName(block.type, block.range, block.name);
}

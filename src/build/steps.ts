/**
 * Packer's multistep, typed: a builder is an ordered list of steps sharing a typed context. Each
 * step creates one thing and knows how to undo it. Cleanup runs in reverse for every step whose
 * `run` started (the failing one too, since it may have half-created its thing), after success,
 * failure or cancellation alike; that is what keeps builds from leaking VMs and files.
 */

export interface Step<C> {
  name: string;
  run(ctx: C, signal: AbortSignal): Promise<void>;
  /** Undo what run created. Must be safe to call when run failed part-way. */
  cleanup?(ctx: C, outcome: StepsOutcome): Promise<void>;
}

export type StepsOutcome =
  | { kind: 'completed' }
  | { kind: 'failed'; step: string; error: unknown }
  | { kind: 'cancelled'; step: string };

/**
 * What to do when a step fails (Packer's -on-error): clean up, or leave everything as it is for
 * debugging (no cleanup runs; the caller tells the user how to reach the machine).
 */
export type OnError = 'cleanup' | 'abort' | ((step: string, error: unknown) => Promise<'cleanup' | 'abort'>);

export interface StepsResult {
  outcome: StepsOutcome;
  /** true when cleanup was skipped because on-error chose abort. */
  leftRunning: boolean;
  /** Errors thrown by cleanups: reported, never allowed to mask the outcome. */
  cleanupErrors: Array<{ step: string; error: unknown }>;
}

export interface StepHooks {
  onStepStart?(step: string): void;
  onStepEnd?(step: string, outcome: 'ok' | 'failed' | 'cancelled'): void;
}

export async function runSteps<C>(
  steps: ReadonlyArray<Step<C>>,
  ctx: C,
  opts: { signal: AbortSignal; onError?: OnError; hooks?: StepHooks },
): Promise<StepsResult> {
  const started: Array<Step<C>> = [];
  let outcome: StepsOutcome = { kind: 'completed' };
  for (const step of steps) {
    if (opts.signal.aborted) {
      outcome = { kind: 'cancelled', step: step.name };
      break;
    }
    started.push(step);
    opts.hooks?.onStepStart?.(step.name);
    try {
      await step.run(ctx, opts.signal);
      opts.hooks?.onStepEnd?.(step.name, 'ok');
    } catch (error) {
      const cancelled = opts.signal.aborted;
      opts.hooks?.onStepEnd?.(step.name, cancelled ? 'cancelled' : 'failed');
      outcome = cancelled ? { kind: 'cancelled', step: step.name } : { kind: 'failed', step: step.name, error };
      break;
    }
  }

  if (outcome.kind === 'failed' && opts.onError && opts.onError !== 'cleanup') {
    const choice = opts.onError === 'abort' ? 'abort' : await opts.onError(outcome.step, outcome.error);
    if (choice === 'abort') return { outcome, leftRunning: true, cleanupErrors: [] };
  }

  const cleanupErrors: StepsResult['cleanupErrors'] = [];
  for (const step of started.reverse()) {
    if (!step.cleanup) continue;
    try {
      await step.cleanup(ctx, outcome);
    } catch (error) {
      cleanupErrors.push({ step: step.name, error });
    }
  }
  return { outcome, leftRunning: false, cleanupErrors };
}

import { describe, expect, it } from 'vitest';
import { runSteps, type Step } from '../../src/build/steps.js';

function recorder() {
  const log: string[] = [];
  const step = (name: string, run: () => Promise<void> = async () => {}): Step<unknown> => ({
    name,
    run: async () => {
      log.push(`run ${name}`);
      await run();
    },
    cleanup: async (_ctx, outcome) => {
      log.push(`cleanup ${name} (${outcome.kind})`);
    },
  });
  return { log, step };
}

describe('runSteps', () => {
  it('runs steps in order and cleans up in reverse after success', async () => {
    const { log, step } = recorder();
    const r = await runSteps([step('a'), step('b'), step('c')], {}, { signal: new AbortController().signal });
    expect(r.outcome).toEqual({ kind: 'completed' });
    expect(log).toEqual(['run a', 'run b', 'run c', 'cleanup c (completed)', 'cleanup b (completed)', 'cleanup a (completed)']);
  });

  it('stops at a failing step and cleans up every step that started, the failing one included', async () => {
    const { log, step } = recorder();
    const boom = new Error('boom');
    const r = await runSteps([step('a'), step('b', async () => { throw boom; }), step('c')], {}, { signal: new AbortController().signal });
    expect(r.outcome).toEqual({ kind: 'failed', step: 'b', error: boom });
    expect(log).toEqual(['run a', 'run b', 'cleanup b (failed)', 'cleanup a (failed)']);
  });

  it('leaves everything in place when on-error is abort', async () => {
    const { log, step } = recorder();
    const r = await runSteps([step('a'), step('b', async () => { throw new Error('x'); })], {}, { signal: new AbortController().signal, onError: 'abort' });
    expect(r.leftRunning).toBe(true);
    expect(log).toEqual(['run a', 'run b']);
  });

  it('asks a callback on failure and cleans up when it says so', async () => {
    const { log, step } = recorder();
    const asked: string[] = [];
    const r = await runSteps([step('a', async () => { throw new Error('x'); })], {}, {
      signal: new AbortController().signal,
      onError: async (s) => {
        asked.push(s);
        return 'cleanup';
      },
    });
    expect(asked).toEqual(['a']);
    expect(r.leftRunning).toBe(false);
    expect(log).toEqual(['run a', 'cleanup a (failed)']);
  });

  it('reports a cancel during a step as cancelled and still cleans up', async () => {
    const { log, step } = recorder();
    const ac = new AbortController();
    const r = await runSteps([step('a'), step('b', async () => { ac.abort(); throw new Error('aborted'); }), step('c')], {}, { signal: ac.signal });
    expect(r.outcome).toEqual({ kind: 'cancelled', step: 'b' });
    expect(log).toEqual(['run a', 'run b', 'cleanup b (cancelled)', 'cleanup a (cancelled)']);
  });

  it('keeps cleaning up when one cleanup throws, and reports it', async () => {
    const log: string[] = [];
    const steps: Array<Step<unknown>> = [
      { name: 'a', run: async () => {}, cleanup: async () => { log.push('a'); } },
      { name: 'b', run: async () => {}, cleanup: async () => { throw new Error('stuck'); } },
    ];
    const r = await runSteps(steps, {}, { signal: new AbortController().signal });
    expect(log).toEqual(['a']);
    expect(r.cleanupErrors.map((e) => e.step)).toEqual(['b']);
  });
});

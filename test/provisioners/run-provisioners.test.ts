import { describe, expect, it } from 'vitest';
import { builtinProvisioners } from '../../src/provisioners/registry.js';
import type { Provisioner, ProvisionerRun } from '../../src/provisioners/provisioner.js';
import { block, failedOf, harness, WORK_DIR } from './_harness.js';

const EXEC = /^chmod \+x /;
const START = 1_700_000_000_000;

/** A runner scripted per attempt: each call takes the next step. */
function scripted(steps: Array<(p: ProvisionerRun) => ReturnType<Provisioner['run']>>): Provisioner & { calls: number } {
  const runner = {
    calls: 0,
    run: (p: ProvisionerRun) => steps[Math.min(runner.calls++, steps.length - 1)]!(p),
  };
  return runner;
}
const ok = async () => ({ kind: 'ok' as const, durationMs: 1 });
const fail = (message: string) => async () => ({ kind: 'failed' as const, code: 'ERR_TEST', command: 'test', lastLines: [], message });

describe('runProvisioners', () => {
  it('runs provisioners in declared order, whatever their types', async () => {
    const h = harness({ [`${WORK_DIR}/app.conf`]: 'x' });
    const result = await h.runAll([
      block('file', { source: 'app.conf', destination: '/tmp/app.conf' }, 1),
      block('shell', { inline: ['install -m 644 /tmp/app.conf /etc/app.conf'] }, 5),
      block('file', { content: 'done', destination: '/tmp/done' }, 9),
    ]);
    expect(result.kind).toBe('ok');
    expect(result.reports.map((r) => [r.provisioner.range.start.line, r.outcome.kind, r.attempts])).toEqual([
      [1, 'ok', 1],
      [5, 'ok', 1],
      [9, 'ok', 1],
    ]);
    expect(h.comm.calls.map((c) => c.op)).toEqual(['upload', 'upload', 'run', 'run', 'upload']);
    expect(h.logs.filter((l) => l.startsWith('Running'))).toEqual([
      'Running provisioner "file" at build.pkr.hcl:1',
      'Running provisioner "shell" at build.pkr.hcl:5',
      'Running provisioner "file" at build.pkr.hcl:9',
    ]);
  });

  it('stops at the first failure and reports it', async () => {
    const h = harness();
    h.comm.on(EXEC, { exitCode: 1, stdout: ['boom'] });
    const result = await h.runAll([
      block('file', { content: 'a', destination: '/tmp/a' }, 1),
      block('shell', { inline: ['false'] }, 2),
      block('file', { content: 'c', destination: '/tmp/c' }, 3),
    ]);
    expect(result.kind).toBe('failed');
    if (result.kind !== 'failed') return;
    expect(result.reports).toHaveLength(2);
    expect(result.failure.provisioner.range.start.line).toBe(2);
    expect(result.failure.outcome).toMatchObject({ code: 'ERR_BAKE_SHELL_EXIT_CODE', exitCode: 1, lastLines: ['boom'] });
    expect(h.comm.remote.has('/tmp/c')).toBe(false);
  });

  it('waits pause_before on the clock before running the provisioner', async () => {
    const h = harness();
    const result = await h.runAll([block('shell', { inline: ['true'], pause_before: '10s' }, 4)]);
    expect(result.kind).toBe('ok');
    expect(h.clock.sleeps).toEqual([10_000]);
    expect(h.comm.calls[0]!.at).toBe(START + 10_000);
    expect(h.logs[0]).toBe('Pausing 10s before provisioner "shell" at build.pkr.hcl:4');
  });

  it('retries a failing provisioner up to max_retries times and succeeds when an attempt does', async () => {
    const h = harness();
    const runner = scripted([fail('apt failed: first'), fail('apt failed: second'), ok]);
    const result = await h.runAll([block('flaky', { max_retries: 3 }, 2, 'apt')], { registry: { flaky: runner } });
    expect(result.kind).toBe('ok');
    expect(result.reports[0]!.attempts).toBe(3);
    expect(runner.calls).toBe(3);
    expect(h.logs).toContain('Running provisioner "flaky" (apt) at build.pkr.hcl:2');
    expect(h.logs.filter((l) => l.includes('retrying'))).toEqual([
      'apt failed: first; retrying (attempt 2 of 4)',
      'apt failed: second; retrying (attempt 3 of 4)',
    ]);
  });

  it('reports the last failure once max_retries is used up', async () => {
    const h = harness();
    h.comm.on(EXEC, { exitCode: 7 });
    const result = await h.runAll([block('shell', { inline: ['false'], max_retries: 2 })]);
    expect(result.kind).toBe('failed');
    expect(result.reports[0]!.attempts).toBe(3);
    expect(failedOf(result.reports[0]!.outcome).exitCode).toBe(7);
    // The whole provisioner is retried: upload, run, cleanup each time.
    expect(h.comm.calls.filter((c) => c.op === 'upload')).toHaveLength(3);
  });

  it('does not retry without max_retries', async () => {
    const h = harness();
    const runner = scripted([fail('once'), ok]);
    const result = await h.runAll([block('flaky', {})], { registry: { flaky: runner } });
    expect(result.kind).toBe('failed');
    expect(runner.calls).toBe(1);
  });

  it('pauses again before each retry, as Packer does', async () => {
    const h = harness();
    const runner = scripted([fail('1'), fail('2'), ok]);
    await h.runAll([block('flaky', { max_retries: 2, pause_before: '5s' })], { registry: { flaky: runner } });
    expect(h.clock.sleeps).toEqual([5_000, 5_000, 5_000]);
  });

  it('fails a provisioner that runs past its timeout, with the command it was running and its last lines', async () => {
    const h = harness();
    h.comm.on(EXEC, { stdout: ['Waiting for cache lock'], hang: true });
    const result = await h.runAll([block('shell', { inline: ['apt-get install nginx'], timeout: '5m' }, 12)]);
    const outcome = failedOf(result.reports[0]!.outcome);
    expect(outcome.code).toBe('ERR_BAKE_PROVISIONER_TIMEOUT');
    expect(outcome.message).toBe('provisioner "shell" at build.pkr.hcl:12: timed out after 5m');
    expect(outcome.command).toMatch(/^chmod \+x \/tmp\/script_[0-9a-f]+\.sh; /);
    expect(outcome.lastLines).toEqual(['Waiting for cache lock']);
    expect(outcome.hint).toContain('timeout');
    expect(h.clock.now()).toBe(START + 5 * 60_000);
  });

  it('lets a provisioner that finishes within its timeout succeed', async () => {
    const h = harness();
    h.comm.on(EXEC, { takesMs: 60_000 });
    const result = await h.runAll([block('shell', { inline: ['sleep 60'], timeout: '5m' })]);
    expect(result.kind).toBe('ok');
    expect(h.clock.pending).toBe(0);
  });

  it('times out a command that takes longer than the timeout, at the timeout', async () => {
    const h = harness();
    h.comm.on(EXEC, { takesMs: 10 * 60_000 });
    const result = await h.runAll([block('shell', { inline: ['sleep 600'], timeout: '5m' })]);
    expect(failedOf(result.reports[0]!.outcome).code).toBe('ERR_BAKE_PROVISIONER_TIMEOUT');
    expect(h.clock.now()).toBe(START + 5 * 60_000);
  });

  it('counts the timeout from the end of pause_before', async () => {
    const h = harness();
    h.comm.on(EXEC, { takesMs: 50_000 });
    const result = await h.runAll([block('shell', { inline: ['sleep 50'], pause_before: '10s', timeout: '55s' })]);
    expect(result.kind).toBe('ok');
  });

  it('retries an attempt that timed out', async () => {
    const h = harness();
    h.comm.on(EXEC, { hang: true }, { times: 1 });
    const result = await h.runAll([block('shell', { inline: ['x'], timeout: '1m', max_retries: 1 })]);
    expect(result.kind).toBe('ok');
    expect(result.reports[0]!.attempts).toBe(2);
  });

  it('gives up on a runner that ignores the abort once a grace period has passed', async () => {
    const h = harness();
    const stubborn: Provisioner = {
      run: (p) => {
        p.output.onLine('stdout', 'still here');
        return new Promise(() => {});
      },
    };
    const result = await h.runAll([block('stubborn', { timeout: '30s' })], { registry: { stubborn } });
    const outcome = failedOf(result.reports[0]!.outcome);
    expect(outcome).toMatchObject({ code: 'ERR_BAKE_PROVISIONER_TIMEOUT', command: 'stubborn', lastLines: ['still here'] });
    expect(h.clock.now()).toBe(START + 30_000 + 10_000);
  });

  it('stops on cancel without retrying and without running the rest', async () => {
    const h = harness();
    const cancel = new AbortController();
    h.comm.on(EXEC, () => {
      setImmediate(() => cancel.abort(new Error('interrupted')));
      return { hang: true };
    });
    const result = await h.runAll(
      [block('shell', { inline: ['sleep 1000'], max_retries: 5 }, 1), block('file', { content: 'x', destination: '/tmp/x' }, 2)],
      { signal: cancel.signal },
    );
    expect(result.kind).toBe('failed');
    expect(result.reports).toHaveLength(1);
    expect(result.reports[0]!.attempts).toBe(1);
    expect(failedOf(result.reports[0]!.outcome)).toMatchObject({ code: 'ERR_BAKE_PROVISIONER_CANCELLED', message: 'provisioner "shell" at build.pkr.hcl:1: cancelled' });
    expect(h.comm.remote.has('/tmp/x')).toBe(false);
  });

  it('stops during pause_before when cancelled', async () => {
    const h = harness();
    const cancel = new AbortController();
    const running = h.runAll([block('shell', { inline: ['true'], pause_before: '1h' })], { signal: cancel.signal });
    cancel.abort(new Error('interrupted'));
    const result = await running;
    expect(failedOf(result.reports[0]!.outcome).code).toBe('ERR_BAKE_PROVISIONER_CANCELLED');
    expect(h.comm.calls).toEqual([]);
  });

  it('fails on a type without a runner, including names on Object.prototype', async () => {
    const h = harness();
    for (const type of ['ansible', 'constructor']) {
      const result = await h.runAll([block(type, {})]);
      expect(failedOf(result.reports[0]!.outcome).code).toBe('ERR_BAKE_PROVISIONER_UNKNOWN_TYPE');
    }
  });

  it('turns a runner that throws into a failed outcome', async () => {
    const h = harness();
    const broken: Provisioner = {
      run: async () => {
        throw new Error('kaboom');
      },
    };
    const result = await h.runAll([block('broken', {})], { registry: { broken } });
    expect(failedOf(result.reports[0]!.outcome)).toMatchObject({ code: 'ERR_BAKE_PROVISIONER_FAILED', message: 'provisioner "broken" at build.pkr.hcl:10: kaboom' });
  });

  it('registers shell and file', () => {
    expect(Object.keys(builtinProvisioners).sort()).toEqual(['file', 'shell']);
  });
});

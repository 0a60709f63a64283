/** Shared setup for provisioner unit tests: a fake machine, virtual time and a recording sink. */
import type { Range } from '../../src/template/diagnostics.js';
import type { Provisioner as ProvisionerBlock } from '../../src/template/model.js';
import type { ValueObject } from '../../src/template/value.js';
import type { OutputStream, Provisioner, ProvisionerRun, ProvisionOutcome } from '../../src/provisioners/provisioner.js';
import { runProvisioners, type RunProvisionersInput } from '../../src/provisioners/run-provisioners.js';
import { FakeCommunicator } from '../_helpers/fake-communicator.js';
import { MemoryLocalFs } from '../_helpers/memory-local-fs.js';
import { VirtualClock } from '../_helpers/virtual-clock.js';

/** A directory in the in-memory filesystem, not on this machine. */
export const WORK_DIR = '/project';

export function range(line: number, filename = 'build.pkr.hcl'): Range {
  return { filename, start: { line, column: 3, offset: 0 }, end: { line, column: 20, offset: 17 } };
}

export function block(type: string, config: ValueObject, line = 10, name?: string): ProvisionerBlock {
  return { type, config, range: range(line), ...(name !== undefined ? { name } : {}) };
}

export function harness(files: Record<string, string | Buffer> = {}) {
  const clock = new VirtualClock();
  const local = new MemoryLocalFs(files);
  const comm = new FakeCommunicator({ local, clock });
  const output: Array<[OutputStream, string]> = [];
  const logs: string[] = [];
  const base = {
    comm,
    output: { onLine: (stream: OutputStream, line: string) => void output.push([stream, line]) },
    workDir: WORK_DIR,
    fs: local,
    clock,
    log: (m: string) => void logs.push(m),
    build: { name: 'ubuntu', type: 'qemu' },
  };
  return {
    clock,
    local,
    comm,
    output,
    logs,
    /** Runs one runner directly, without pause/retry/timeout wrapping. */
    run(runner: Provisioner, config: ValueObject, opts: { signal?: AbortSignal; line?: number } = {}): Promise<ProvisionOutcome> {
      const p: ProvisionerRun = { ...base, config, range: range(opts.line ?? 10), signal: opts.signal ?? new AbortController().signal };
      return runner.run(p);
    },
    runAll(provisioners: ProvisionerBlock[], extra: Partial<RunProvisionersInput> = {}) {
      return runProvisioners({ ...base, provisioners, ...extra });
    },
  };
}

/** Narrows an outcome to failed, failing the test with the outcome otherwise. */
export function failedOf(outcome: ProvisionOutcome) {
  if (outcome.kind !== 'failed') throw new Error(`expected a failed outcome, got ${JSON.stringify(outcome)}`);
  return outcome;
}

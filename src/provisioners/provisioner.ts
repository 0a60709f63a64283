/**
 * What a provisioner runner is: one `run` that does the work of one evaluated `provisioner` block
 * through a Communicator and reports how it went as data. Runners never print and never throw for
 * an expected failure (a script's exit code, a missing file): they return a `failed` outcome that
 * says what ran, how it ended and what the machine printed last, so the build can report it.
 *
 * pause_before, max_retries and timeout are not the runner's business: run-provisioners.ts wraps
 * every runner with them, as Packer wraps every provisioner.
 */
import type { Communicator } from '../communicator/communicator.js';
import type { Clock } from '../runtime/clock.js';
import type { Range } from '../template/diagnostics.js';
import type { ValueObject } from '../template/value.js';
import type { LocalFs } from './local-fs.js';

export type OutputStream = 'stdout' | 'stderr';

/** Receives the machine's output, line by line, as it arrives. */
export interface OutputSink {
  onLine(stream: OutputStream, line: string): void;
}

/** The build source being provisioned, for PACKER_BUILD_NAME / PACKER_BUILDER_TYPE. */
export interface BuildInfo {
  /** The build source's name (BuildSource.name), e.g. `ubuntu` for `source.qemu.ubuntu`. */
  name: string;
  /** The source type, e.g. `qemu`. */
  type: string;
}

export interface ProvisionerRun {
  /** The block's evaluated, schema-checked config (common keys such as timeout included; runners ignore them). */
  config: ValueObject;
  /** Where the block is written, for messages. */
  range: Range;
  comm: Communicator;
  output: OutputSink;
  /** Relative local paths (scripts, file sources, download destinations) resolve against this, as Packer resolves them against its cwd. */
  workDir: string;
  fs: LocalFs;
  clock: Clock;
  /** Aborted on cancel or timeout; runners pass it to every communicator call. */
  signal: AbortSignal;
  /** One progress message ("Uploading app/ => /opt/app"), for the build log. */
  log(message: string): void;
  build: BuildInfo;
}

export type ProvisionOutcome =
  | { kind: 'ok'; durationMs: number }
  | {
      kind: 'failed';
      /** Stable, e.g. ERR_BAKE_SHELL_EXIT_CODE; see ProvisionerErrorCode. */
      code: string;
      /** What ran when it failed, safe to print: environment values are replaced by `<sensitive>`. */
      command: string;
      /** Set when a remote command exited with a status. */
      exitCode?: number;
      /** The last lines (about 20) of output of that command, stdout and stderr interleaved as they arrived. */
      lastLines: string[];
      /** What went wrong, with the block's location. */
      message: string;
      /** How to fix it. */
      hint?: string;
    };

export type FailedOutcome = Extract<ProvisionOutcome, { kind: 'failed' }>;

export interface Provisioner {
  run(p: ProvisionerRun): Promise<ProvisionOutcome>;
}

/** Process exit codes; `bake --help` documents them and scripts rely on them. */
export const ExitCode = {
  ok: 0,
  /** A user error or an invalid template. */
  failure: 1,
  /** Bad command line: unknown flag or command, missing or malformed argument. */
  usage: 2,
  /** `fmt --check` found files that need formatting (as `packer fmt -check` and `terraform fmt -check`). */
  unformatted: 3,
  /** Stopped by SIGINT (128 + 2), after cleaning up. */
  interrupted: 130,
  /** Stopped by SIGTERM (128 + 15), after cleaning up. */
  terminated: 143,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** How a command that a signal stopped exits: bin/bake aborts with the signal's name as the reason. */
export function signalExitCode(signal: AbortSignal): ExitCode {
  return signal.reason === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted;
}

/**
 * Failed outcomes: the stable codes a provisioner failure carries, and the conversion of a thrown
 * error (a transfer that failed, an abort) into a failed outcome that still says what was running.
 */
import { isBakeError } from '../errors.js';
import type { Range } from '../template/diagnostics.js';
import type { FailedOutcome } from './provisioner.js';

export const ProvisionerErrorCode = {
  /** The provisioner ran longer than its `timeout`. */
  timeout: 'ERR_BAKE_PROVISIONER_TIMEOUT',
  /** The build was cancelled while the provisioner ran. */
  cancelled: 'ERR_BAKE_PROVISIONER_CANCELLED',
  /** No runner for the block's type (the template engine accepted a type bake cannot run). */
  unknownType: 'ERR_BAKE_PROVISIONER_UNKNOWN_TYPE',
  /** Anything else that stopped a provisioner without a more specific code. */
  failed: 'ERR_BAKE_PROVISIONER_FAILED',
  /** A script exited with a status not in valid_exit_codes. */
  shellExitCode: 'ERR_BAKE_SHELL_EXIT_CODE',
  /** A script was killed by a signal. */
  shellSignalled: 'ERR_BAKE_SHELL_SIGNALLED',
  /** The connection dropped during a script that did not set expect_disconnect. */
  shellDisconnected: 'ERR_BAKE_SHELL_DISCONNECTED',
  /** After an expected disconnect, the machine did not accept SSH again within start_retry_timeout. */
  shellReconnectFailed: 'ERR_BAKE_SHELL_RECONNECT_FAILED',
  /** A `script`/`scripts` file does not exist locally. */
  shellScriptNotFound: 'ERR_BAKE_SHELL_SCRIPT_NOT_FOUND',
  /** The uploaded script could not be removed after it ran. */
  shellCleanupFailed: 'ERR_BAKE_SHELL_CLEANUP_FAILED',
  /** A value the shell provisioner would have to splice into a command line is unsafe or unknown. */
  shellBadConfig: 'ERR_BAKE_SHELL_BAD_CONFIG',
  /** A local `source` of an upload does not exist. */
  fileSourceNotFound: 'ERR_BAKE_FILE_SOURCE_NOT_FOUND',
  /** `destination` does not fit the sources (several sources need a directory ending in "/"). */
  fileBadDestination: 'ERR_BAKE_FILE_BAD_DESTINATION',
} as const;

export type ProvisionerErrorCode = (typeof ProvisionerErrorCode)[keyof typeof ProvisionerErrorCode];

/** `provisioner "shell" at build.pkr.hcl:12`, or `provisioner "shell" (install nginx) at ...`: how messages name a block. */
export function blockName(type: string, range: Range, name?: string): string {
  return `provisioner "${type}"${name === undefined ? '' : ` (${name})`} at ${range.filename}:${range.start.line}`;
}

export function failed(
  code: string,
  message: string,
  details: { command: string; lastLines?: string[]; exitCode?: number; hint?: string | undefined },
): FailedOutcome {
  return {
    kind: 'failed',
    code,
    command: details.command,
    ...(details.exitCode !== undefined ? { exitCode: details.exitCode } : {}),
    lastLines: details.lastLines ?? [],
    message,
    ...(details.hint !== undefined ? { hint: details.hint } : {}),
  };
}

/**
 * A thrown error as a failed outcome. An abort becomes `cancelled` here; run-provisioners.ts,
 * which knows whether its own timeout fired, turns that into a timeout where it was one.
 */
export function outcomeFromError(
  e: unknown,
  context: { block: string; command: string; lastLines?: string[]; signal: AbortSignal },
): FailedOutcome {
  const { block, signal, ...details } = context;
  if (signal.aborted) return failed(ProvisionerErrorCode.cancelled, `${block}: stopped while running ${details.command}`, details);
  if (isBakeError(e)) return failed(e.code, `${block}: ${e.message}`, { ...details, hint: e.hint });
  return failed(ProvisionerErrorCode.failed, `${block}: ${e instanceof Error ? e.message : String(e)}`, details);
}

/**
 * The error contract of bake (after pnpm and aws-cdk's toolkit-lib): every error we raise on
 * purpose has a stable code, a message that says what went wrong and where, and a hint that says
 * how to fix it. `source` tells the reporter whose fault it is: a user error is printed as
 * `error: ...` + `hint: ...` and never with a stack; a toolkit error is a bug or an environment
 * problem in bake itself. Core code throws these; only the CLI turns them into output and exit codes.
 */

export type ErrorSource = 'user' | 'toolkit';

export interface BakeErrorOptions {
  hint?: string;
  source?: ErrorSource;
  /** The process exit code the CLI uses for this error; 1 unless said otherwise. */
  exitCode?: number;
  cause?: unknown;
}

export class BakeError extends Error {
  /** Stable, e.g. `ERR_BAKE_TEMPLATE_NOT_FOUND`; tests and scripts may match on it. */
  readonly code: string;
  readonly hint: string | undefined;
  readonly source: ErrorSource;
  readonly exitCode: number;

  constructor(code: string, message: string, options: BakeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BakeError';
    this.code = code;
    this.hint = options.hint;
    this.source = options.source ?? 'user';
    this.exitCode = options.exitCode ?? 1;
  }
}

export function isBakeError(e: unknown): e is BakeError {
  return e instanceof BakeError;
}

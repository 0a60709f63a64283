/** Command-line errors: the usage error class, on top of the core error contract in ../errors.ts. */
import { BakeError, type BakeErrorOptions } from '../errors.js';
import { ExitCode } from './exit-codes.js';

/** Bad command line: unknown flag or command, missing argument. Exits 2, like most CLIs. */
export class UsageError extends BakeError {
  constructor(code: string, message: string, options: Omit<BakeErrorOptions, 'exitCode' | 'source'> = {}) {
    super(code, message, { ...options, source: 'user', exitCode: ExitCode.usage });
    this.name = 'UsageError';
  }
}

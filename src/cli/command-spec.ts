/**
 * What a command declares about itself: name, one-line summary, description, positional
 * arguments and flags. The parser and `--help` both read it, so help cannot drift from behaviour.
 */
import type { FlagSpec } from './argv.js';
import { UsageError } from './errors.js';

export interface ArgSpec {
  /** Upper-case placeholder, e.g. `FILE`. */
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  /** Takes any number (at least one when required). */
  readonly variadic?: boolean;
}

export interface CommandSpec<Fs extends readonly FlagSpec[] = readonly FlagSpec[]> {
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  readonly args: readonly ArgSpec[];
  readonly flags: Fs;
  /** Exit codes beyond the common ones (0, 1, 2), e.g. fmt's 3. */
  readonly extraExitCodes?: readonly (readonly [code: number, meaning: string])[];
  readonly examples?: readonly string[];
}

/** Every command accepts these; main handles them before the command runs. */
export const helpFlag = {
  name: 'help',
  kind: 'boolean',
  aliases: ['h'],
  description: 'Show this help',
} as const satisfies FlagSpec;

/** Checks the number of positionals against the spec; a usage error names what is missing. */
export function checkArity(spec: CommandSpec, positionals: readonly string[]): void {
  const usage = `bake ${spec.name}`;
  const required = spec.args.filter((a) => a.required);
  if (positionals.length < required.length) {
    const missing = required[positionals.length]!;
    throw new UsageError('ERR_BAKE_MISSING_ARGUMENT', `${usage}: missing ${missing.name}`, {
      hint: `Usage: ${usageLine(spec)}`,
    });
  }
  const variadic = spec.args.some((a) => a.variadic);
  if (!variadic && positionals.length > spec.args.length) {
    const extra = positionals[spec.args.length]!;
    throw new UsageError('ERR_BAKE_EXTRA_ARGUMENT', `${usage}: unexpected argument "${extra}"`, {
      hint: `Usage: ${usageLine(spec)}`,
    });
  }
}

export function usageLine(spec: CommandSpec): string {
  const args = spec.args.map((a) => {
    const name = a.variadic ? `${a.name}...` : a.name;
    return a.required ? name : `[${name}]`;
  });
  return ['bake', spec.name, spec.flags.length > 0 ? '[flags]' : '', ...args].filter((s) => s !== '').join(' ');
}
